"""The personal data of removal requests, and of the administration site's log, which no app
of the project owns (see `capacita.shared.personal_data`)."""

from django.contrib.admin.models import LogEntry

from capacita.shared.personal_data import (
    BLANK,
    KEEP,
    SCRUB,
    STAND_IN_EMAIL,
    Export,
    PersonalData,
)

from .models import RemovalRequest

DECLARATIONS = (
    PersonalData(
        RemovalRequest,
        person="user",
        programme="programme",
        personal={
            # That they asked, and when it was handled, stays.
            "email": STAND_IN_EMAIL,
            "message": BLANK,
            "created_at": KEEP,
            "handled_at": KEEP,
            "handled_by": KEEP,
        },
        not_personal=("programme",),
        export=Export(
            "removal_requests",
            {
                "programme": "programme.slug",
                "message": "message",
                "created_at": "created_at",
                "handled_at": "handled_at",
            },
            related=("programme",),
        ),
    ),
    PersonalData(
        LogEntry,
        # What a manager changed in the administration site names the record changed.
        personal={"object_repr": SCRUB, "change_message": SCRUB, "user": KEEP},
        not_personal=("action_time", "content_type", "object_id", "action_flag"),
        mentions=("object_repr", "change_message"),
    ),
)
