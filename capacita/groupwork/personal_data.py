"""The personal data of group work (see `capacita.shared.personal_data`)."""

from capacita.shared.personal_data import KEEP, UNLINK, Export, PersonalData

from .models import AnswerVersion, GroupMember, WorkGroup

DECLARATIONS = (
    PersonalData(
        WorkGroup,
        # Its facilitator, and its members (each a `GroupMember`, declared below).
        personal={"facilitator": KEEP, "members": KEEP},
        not_personal=(
            "session_work",
            "position",
            "name_es",
            "name_en",
            "task_es",
            "task_en",
            "perspective",
            "countries",
        ),
    ),
    PersonalData(
        GroupMember,
        person="user",
        programme="session_work__session__programme",
        personal={"group": KEEP},
        not_personal=("session_work",),
        export=Export(
            "groups",
            {
                "programme": "session_work.session.programme.slug",
                "session": "session_work.session.number",
                "group": "group.name",
            },
            related=("group", "session_work__session__programme"),
        ),
    ),
    PersonalData(
        AnswerVersion,
        person="author",
        programme="question__group__session_work__session__programme",
        personal={
            # The answer is the group's and stays; who wrote this version no longer shows.
            "author": UNLINK,
            "text": KEEP,
            "saved_at": KEEP,
        },
        not_personal=("question", "number"),
        export=Export(
            "group_answers_written",
            {
                "programme": "question.group.session_work.session.programme.slug",
                "group": "question.group.name",
                "version": "number",
                "text": "text",
                "saved_at": "saved_at",
            },
            related=("question__group__session_work__session__programme",),
        ),
    ),
)
