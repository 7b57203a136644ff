"""The personal data of reports (see `capacita.shared.personal_data`)."""

from capacita.shared.personal_data import KEEP, PersonalData

from .models import BalanceNarrative

DECLARATIONS = (
    PersonalData(
        BalanceNarrative,
        # Who last edited the final balance's narrative, which is about the programme.
        personal={"updated_by": KEEP},
        not_personal=("programme", "recommendations", "lessons", "updated_at"),
    ),
)
