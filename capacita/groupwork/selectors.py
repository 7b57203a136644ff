"""What the group pages show, in a fixed number of queries whatever the number of people."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery

from capacita.nominations.models import Nomination
from capacita.programmes.models import Membership, Role

from .models import AnswerVersion, GroupMember, GroupQuestion

NO_GROUP = "none"


def placed_participants(session_work):
    """The programme's participants, each annotated with `placed_in`: the id of their group
    in this session's work, or None."""
    group = GroupMember.objects.filter(session_work=session_work, user_id=OuterRef("user_id"))
    return (
        Membership.objects.filter(programme_id=session_work.session.programme_id)
        .filter(role=Role.PARTICIPANT)
        .select_related("user", "country")
        .annotate(placed_in=Subquery(group.values("group_id")[:1]))
        .order_by("country__code", "user__last_name", "user__first_name", "user_id")
    )


def group_counts(session_work, people) -> dict:
    """How many participants each group holds, and how many are in none, in two queries."""
    groups = dict(
        GroupMember.objects.filter(session_work=session_work)
        .order_by()
        .values_list("group_id")
        .annotate(n=Count("pk"))
    )
    for group in session_work.groups.all():
        groups.setdefault(group.pk, 0)
    return {
        "groups": groups,
        "everyone": people.count(),
        "unplaced": people.filter(placed_in__isnull=True).count(),
    }


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
