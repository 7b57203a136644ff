"""The case studies hold no personal data (see `capacita.shared.personal_data`): their cases
are fictional, and what a group writes in an assessment is about the case's person."""

from capacita.shared.personal_data import PersonalData

from .models import AssessedFactor

DECLARATIONS = (
    PersonalData(
        AssessedFactor,
        not_personal=("assessment", "level", "kind", "factor", "custom_name", "note", "created_at"),
    ),
)
