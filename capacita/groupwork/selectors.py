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


PLENARY_NAMES = 40  # a group of more people is named on the plenary by its size alone


def plenary_members(groups, programme) -> tuple[dict[int, int], dict[int, list[tuple]]]:
    """Each group's size, and the names and country codes of the members of the groups of at
    most `PLENARY_NAMES` people: what a shared screen can show. Three queries, whatever the
    number of people."""
    group_ids = [group.pk for group in groups]
    in_groups = GroupMember.objects.filter(group_id__in=group_ids)
    sizes = dict(in_groups.order_by().values_list("group_id").annotate(n=Count("pk")))
    # Never an empty list: the queries run at every size (their number does not depend on it).
    small = [pk for pk, n in sizes.items() if n <= PLENARY_NAMES] or [0]
    rows = list(
        in_groups.filter(group_id__in=small)
        .order_by("user__last_name", "user__first_name", "user_id")
        .values_list("group_id", "user_id", "user__first_name", "user__last_name")
    )
    codes = dict(
        Membership.objects.filter(
            programme=programme,
            role=Role.PARTICIPANT,
            user_id__in=in_groups.filter(group_id__in=small).values("user_id"),
        ).values_list("user_id", "country__code")
    )
    named: dict[int, list[tuple]] = {pk: [] for pk in group_ids}
    for group_id, user_id, first_name, last_name in rows:
        named[group_id].append((f"{first_name} {last_name}".strip(), codes.get(user_id)))
    return {pk: sizes.get(pk, 0) for pk in group_ids}, named


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
