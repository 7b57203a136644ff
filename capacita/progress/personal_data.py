"""The personal data of progress (see `capacita.shared.personal_data`)."""

from capacita.shared.personal_data import PersonalData

from .models import ReminderSent

DECLARATIONS = (
    PersonalData(
        ReminderSent,
        # That a reminder was queued, so none is sent twice: the e-mail itself is declared
        # with the outgoing e-mail. Kept, linked to the anonymised account.
        person="user",
        not_personal=("kind", "session", "course", "created_at"),
    ),
)
