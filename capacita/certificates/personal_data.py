"""The personal data of certificates (see `capacita.shared.personal_data`)."""

from capacita.shared.personal_data import (
    DELETE_FILE,
    KEEP,
    SCRUB,
    STAND_IN_NAME,
    Export,
    PersonalData,
)

from .models import Certificate, FailedLookup, ProgressRecord, Signatory

DECLARATIONS = (
    PersonalData(
        Certificate,
        person="user",
        programme="programme",
        audit_subject=True,
        personal={
            # The certificate stays valid, its code verifiable, without a name on it.
            "holder_name": STAND_IN_NAME,
            "reason": SCRUB,
            "end_reason": SCRUB,
            "pdf": DELETE_FILE,
            "code": KEEP,
            "status": KEEP,
            "issued_at": KEEP,
            "ended_at": KEEP,
            "issued_by": KEEP,
        },
        not_personal=("programme", "language", "by_hand", "replaced_by"),
        export=Export(
            "certificates",
            {
                "programme": "programme.slug",
                "code": "formatted_code",
                "holder_name": "holder_name",
                "status": "status",
                "issued_at": "issued_at",
                "ended_at": "ended_at",
            },
            related=("programme",),
        ),
    ),
    PersonalData(
        Signatory,
        # Who signs the programme's certificates, printed on every one of them: kept.
        personal={
            "name": KEEP,
            "job_title_es": KEEP,
            "job_title_en": KEEP,
            "organisation_es": KEEP,
            "organisation_en": KEEP,
            "signature": KEEP,
        },
        not_personal=("programme", "position"),
    ),
    PersonalData(
        FailedLookup,
        # A visitor's network address, linked to no account: kept only for the throttle's
        # window (`capacita.shared.throttles`), so neither exported nor anonymised.
        personal={"address": KEEP},
        not_personal=("at",),
    ),
    PersonalData(
        ProgressRecord,
        # Worked out from the attendance, completions and tests declared with their own apps
        # (and exported with them): the same figures, kept for counting.
        person="user",
        programme="programme",
        personal={
            "membership": KEEP,
            "sessions_attended": KEEP,
            "courses_counted": KEEP,
            "post_test_submitted": KEEP,
            "complete": KEEP,
        },
        not_personal=("programme",),
    ),
)
