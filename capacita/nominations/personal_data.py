"""The personal data of nominations (see `capacita.shared.personal_data`)."""

from django.db.models import Q

from capacita.programmes.personal_data import programme_summary
from capacita.shared.personal_data import (
    ANONYMOUS_DOMAIN,
    BLANK,
    KEEP,
    STAND_IN_EMAIL,
    STAND_IN_FIRST_NAME,
    STAND_IN_LAST_NAME,
    Export,
    PersonalData,
)

from .models import Nomination, NominationUpload


def _lists_naming(anonymisation):
    """The uploaded lists of the countries the person was nominated for: a name cannot be cut
    out of a spreadsheet, so the whole list is emptied (its file name stays)."""
    lists = Q(pk__in=[])
    for nomination in anonymisation.records_naming(Nomination):
        lists |= Q(programme_id=nomination.programme_id, country_id=nomination.country_id)
    return NominationUpload.objects.filter(lists)


DECLARATIONS = (
    PersonalData(
        Nomination,
        person="user",
        # A nomination names the person by address, account or not.
        address="email",
        names=("first_name", "last_name"),
        # A nominee may have no account: each nomination has stand-ins of its own.
        stand_in_prefix="n",
        programme="programme",
        audit_subject=True,
        personal={
            # Who was nominated goes; what the statistics count stays.
            "first_name": STAND_IN_FIRST_NAME,
            "last_name": STAND_IN_LAST_NAME,
            "email": STAND_IN_EMAIL,
            "position": BLANK,
            "institution": BLANK,
            "decision_reason": BLANK,
            "country": KEEP,
            "profile": KEEP,
            # The profile typed when none of the programme's fitted: counted by profile.
            "profile_other": KEEP,
            "gender": KEEP,
            "language": KEEP,
            "status": KEEP,
            "created_at": KEEP,
            "decided_at": KEEP,
            # Who nominated and who decided: the record of the decision.
            "submitted_by": KEEP,
            "decided_by": KEEP,
        },
        not_personal=("programme", "updated_at", "over_quota"),
        # A whole programme's anonymisation clears the nominations of people who never had
        # an account too (those already cleared are left as they are).
        of_programme=lambda programme: Nomination.objects.filter(
            programme=programme, user__isnull=True
        ).exclude(email__endswith="@" + ANONYMOUS_DOMAIN),
        export=Export(
            "nominations",
            {
                "programme": lambda n: programme_summary(n.programme),
                "country": "country.code",
                "first_name": "first_name",
                "last_name": "last_name",
                "email": "email",
                "position": "position",
                "institution": "institution",
                "profile": "profile_label",
                "gender": "gender",
                "language": "language",
                "status": "status",
                "submitted_at": "created_at",
                "decided_at": "decided_at",
                "decision_reason": "decision_reason",
            },
            related=("programme", "country", "profile"),
        ),
    ),
    PersonalData(
        NominationUpload,
        # A country's list as uploaded: it names every nominee of the country.
        personal={"content": BLANK, "uploaded_by": KEEP},
        not_personal=("programme", "country", "filename", "created_at", "confirmed_at"),
        naming=_lists_naming,
        of_programme=lambda programme: NominationUpload.objects.filter(programme=programme),
    ),
)
