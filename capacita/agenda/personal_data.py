"""The personal data of the agenda (see `capacita.shared.personal_data`)."""

from capacita.shared.personal_data import KEEP, PersonalData

from .models import AgendaParticipant, Slides

DECLARATIONS = (
    PersonalData(
        AgendaParticipant,
        # A named person's part in an item of the published agenda: kept as published.
        person="person__user",
        programme="item__session__programme",
        not_personal=("item", "role", "position", "to_be_confirmed"),
    ),
    PersonalData(
        Slides,
        # Who uploaded a presentation: kept, as the record of who may replace it.
        personal={"uploaded_by": KEEP},
        not_personal=("item", "title", "file", "uploaded_at"),
    ),
)
