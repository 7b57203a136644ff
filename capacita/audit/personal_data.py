"""The personal data of the audit (see `capacita.shared.personal_data`).

The record of decisions stays when a person is anonymised: only the names and addresses in
it go."""

from capacita.shared.personal_data import KEEP, SCRUB, SCRUB_FULL, Export, PersonalData, PersonIs

from .models import AuditEvent

DECLARATIONS = (
    PersonalData(
        AuditEvent,
        # Their own decisions; and, through `about`, decisions on them or their records.
        person="actor",
        about=("subject_type", "subject_id"),
        programme="programme",
        personal={
            "reason": SCRUB,
            "details": SCRUB,
            # Whom it concerns, as recorded: the person's own full name and address go,
            # another person's name stays whole.
            "person_name": SCRUB_FULL,
            "person_email": SCRUB_FULL,
            # Whom a decision concerns: their account, anonymised itself.
            "person": KEEP,
            "action": KEEP,
            "created_at": KEEP,
        },
        not_personal=("programme", "subject_type", "subject_id"),
        # A whole programme's anonymisation: the names recorded of people who never had an
        # account (nominees) go; those with an account are anonymised with it.
        of_programme=lambda programme: AuditEvent.objects.filter(
            programme=programme, person__isnull=True
        ).exclude(person_name="", person_email=""),
        export=Export(
            "audit_events",
            {
                "when": "created_at",
                "action": "action",
                "programme": "programme.slug",
                "by_you": PersonIs("actor"),
                "record": lambda e: f"{e.subject_type}:{e.subject_id}",
                "reason": "reason",
                "details": "details",
            },
            related=("programme", "actor"),
            order_by=("created_at", "id"),
        ),
    ),
)
