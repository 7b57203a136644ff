"""The personal data of outgoing e-mail (see `capacita.shared.personal_data`)."""

from capacita.shared.personal_data import (
    BLANK,
    KEEP,
    STAND_IN_EMAIL,
    Export,
    PersonalData,
)

from .models import OutgoingEmail

DECLARATIONS = (
    PersonalData(
        OutgoingEmail,
        person="user",
        # A message to their address before they had an account is theirs too.
        address="to",
        programme="programme",
        personal={
            # What a message to them said goes; that one was sent, and when, stays.
            "to": STAND_IN_EMAIL,
            "subject": BLANK,
            "body_text": BLANK,
            "body_html": BLANK,
            "attachment": BLANK,
            "attachment_name": BLANK,
            "attachment_type": BLANK,
            "last_error": BLANK,
            "kind": KEEP,
            "status": KEEP,
            "created_at": KEEP,
            "sent_at": KEEP,
        },
        not_personal=("programme", "language", "link_kind", "attempts", "next_attempt_at"),
        # A message to someone else may name them (a focal point told of a decision).
        mentions=("subject", "body_text", "body_html"),
        export=Export(
            "emails",
            {
                "programme": "programme.slug",
                "to": "to",
                "kind": "kind",
                "subject": "subject",
                "created_at": "created_at",
                "status": "status",
                "sent_at": "sent_at",
            },
            related=("programme",),
        ),
    ),
)
