"""The personal data of programmes: memberships, the people the agenda names, and the
programme's contact address (see `capacita.shared.personal_data`)."""

from capacita.shared.personal_data import BLANK, KEEP, Export, PersonalData

from .models import Membership, Person, Programme


def programme_summary(programme) -> dict:
    """A programme as a person's download names it."""
    return {"slug": programme.slug, "title": programme.title}


DECLARATIONS = (
    PersonalData(
        Programme,
        # The address participants write to: often a team's, but it may be a person's own
        # work address, published on purpose while the programme runs.
        personal={"contact_email": KEEP},
        not_personal=(
            "slug",
            "title_es",
            "title_en",
            "subtitle_es",
            "subtitle_en",
            "description_es",
            "description_en",
            "general_objective_es",
            "general_objective_en",
            "methodology_es",
            "methodology_en",
            "participation_es",
            "participation_en",
            "time_zone",
            "start_date",
            "end_date",
            "interpretation",
            "is_published",
            "attendance_threshold",
            "certificate_requires_post_test",
            "certificate_allows_late_completion",
            "countries",
        ),
    ),
    PersonalData(
        Membership,
        person="user",
        programme="programme",
        personal={
            # Typed by the person or their focal point: it may say more than the country.
            "organisation": BLANK,
            # Who took part, in which role and for which country: the programme's counts.
            "role": KEEP,
            "country": KEEP,
            "created_at": KEEP,
        },
        not_personal=("programme",),
        export=Export(
            "memberships",
            {
                "programme": lambda m: programme_summary(m.programme),
                "role": "role",
                "country": "country.code",
                "organisation": "organisation",
                "created_at": "created_at",
            },
            related=("programme", "country"),
        ),
    ),
    PersonalData(
        Person,
        # A speaker or facilitator the agenda names, published as the programme presents
        # them; anonymising a participant does not rewrite the agenda.
        person="user",
        programme="programme",
        personal={
            "name_es": KEEP,
            "name_en": KEEP,
            "position_es": KEEP,
            "position_en": KEEP,
            "organisation_es": KEEP,
            "organisation_en": KEEP,
        },
        not_personal=("programme", "key"),
    ),
)
