"""What the group pages show, in a fixed number of queries whatever the number of people."""

from __future__ import annotations

from capacita.nominations.models import Nomination
from capacita.programmes.models import Membership, Role

from .models import AnswerVersion, GroupMember, GroupQuestion


def members_of(groups, programme) -> dict[int, list[dict]]:
    """Each group's members: name, e-mail, country and institution."""
    group_ids = [group.pk for group in groups]
    rows = list(
        GroupMember.objects.filter(group_id__in=group_ids)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    user_ids = [row.user_id for row in rows]
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(
            programme=programme, role=Role.PARTICIPANT, user_id__in=user_ids
        ).select_related("country")
    }
    institutions = dict(
        Nomination.objects.filter(programme=programme, user_id__in=user_ids).values_list(
            "user_id", "institution"
        )
    )
    members: dict[int, list[dict]] = {group_id: [] for group_id in group_ids}
    for row in rows:
        membership = memberships.get(row.user_id)
        members[row.group_id].append(
            {
                "user": row.user,
                "country": membership.country if membership else None,
                "institution": institutions.get(row.user_id)
                or (membership.organisation if membership else ""),
            }
        )
    return members


def questions_with_answers(groups) -> dict[int, list[GroupQuestion]]:
    """Each group's questions, each carrying `answer` (its latest version, or None)."""
    questions = list(GroupQuestion.objects.filter(group__in=groups).order_by("position", "pk"))
    latest: dict[int, AnswerVersion] = {}
    for version in AnswerVersion.objects.filter(question__in=questions).select_related("author"):
        if version.question_id not in latest or version.number > latest[version.question_id].number:
            latest[version.question_id] = version
    by_group: dict[int, list[GroupQuestion]] = {group.pk: [] for group in groups}
    for question in questions:
        question.answer = latest.get(question.pk)
        by_group[question.group_id].append(question)
    return by_group
