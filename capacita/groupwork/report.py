"""The group work of a programme for the `report` command: per session, its groups with
their members and answers, and the case assessments."""

from __future__ import annotations

from capacita.case_study.services import assessment_report
from capacita.programmes.models import Membership, Role

from .models import GroupMember, SessionWork
from .selectors import questions_with_answers


def group_work_report(programme, *, members: bool = True) -> list[dict]:
    """Per session, its groups and their answers, and the case assessments; with `members`,
    each group's members too (the JSON report has them; the balance's pages leave them out:
    a programme of thousands has thousands of members in every session)."""
    # Each member's e-mail and country read as values, in one query for the programme.
    countries = (
        dict(
            Membership.objects.filter(programme=programme, role=Role.PARTICIPANT).values_list(
                "user_id", "country__code"
            )
        )
        if members
        else {}
    )
    sessions = []
    for session_work in (
        SessionWork.objects.filter(session__programme=programme)
        .select_related("session")
        .order_by("session__number")
    ):
        groups = list(session_work.groups.all())
        listed = {group.pk: [] for group in groups}
        for group_id, user_id, email in (
            GroupMember.objects.filter(group__in=groups)
            .order_by("user__last_name", "user__first_name", "user_id")
            .values_list("group_id", "user_id", "user__email")
            if members
            else ()
        ):
            listed[group_id].append({"email": email, "country": countries.get(user_id)})
        questions = questions_with_answers(groups)
        sessions.append(
            {
                "session": session_work.session.number,
                "grouping": session_work.grouping,
                "plenary_open": session_work.plenary_open,
                "groups": [
                    {
                        "name": group.name,
                        "perspective": group.perspective or None,
                        **({"members": listed[group.pk]} if members else {}),
                        "answers": [
                            {
                                "question": question.text,
                                "text": question.answer.text if question.answer else "",
                                "version": question.answer.number if question.answer else 0,
                            }
                            for question in questions[group.pk]
                        ],
                    }
                    for group in groups
                ],
                "assessments": assessment_report(session_work),
            }
        )
    return sessions
