"""The personal data of long work (see `capacita.shared.personal_data`)."""

from capacita.shared.personal_data import DELETE_FILE, KEEP, PersonalData

from .models import Job

DECLARATIONS = (
    PersonalData(
        Job,
        programme="programme",
        personal={
            # Who asked for the work, as the audit says.
            "requested_by": KEEP,
            # A file of many people's data (certificates, the board), removed after a day
            # anyway; anonymising removes it at once.
            "file": DELETE_FILE,
        },
        not_personal=(
            "programme",
            "kind",
            "language",
            "state",
            "requested_at",
            "started_at",
            "finished_at",
            "done",
            "total",
            "file_name",
            "outcome",
            "params",
            "key",
        ),
    ),
)
