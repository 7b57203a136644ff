"""The group work of a programme for the `report` command: per session, its groups with
their members and answers, and the case assessments."""

from __future__ import annotations

from capacita.case_study.services import assessment_report

from .models import SessionWork
from .selectors import members_of, questions_with_answers


def group_work_report(programme) -> list[dict]:
    sessions = []
    for session_work in (
        SessionWork.objects.filter(session__programme=programme)
        .select_related("session")
        .order_by("session__number")
    ):
        groups = list(session_work.groups.all())
        members = members_of(groups, programme)
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
                        "members": [
                            {
                                "email": member["user"].email,
                                "country": member["country"].code if member["country"] else None,
                            }
                            for member in members[group.pk]
                        ],
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
