"""Forming a session's groups and writing their shared answers.

Every change runs in one transaction. A shared answer is saved only on top of the version
its writer started from: two members saving at once never silently lose each other's
words — the second is told, and shown both texts to merge."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from capacita.audit.services import audit_record
from capacita.nominations.models import Nomination
from capacita.programmes.models import Membership, Role
from capacita.shared.errors import UserError
from capacita.shared.text_limits import GROUP_ANSWER_VERSIONS, refusal

from .models import AnswerVersion, GroupMember, GroupQuestion, SessionWork, WorkGroup


class GroupWorkError(UserError):
    """A refusal: `message` says why, in the active language."""


def session_participants(session_work: SessionWork):
    return (
        Membership.objects.filter(programme=session_work.session.programme, role=Role.PARTICIPANT)
        .select_related("user", "country")
        .order_by("country__code", "user__last_name", "user__first_name", "user_id")
    )


@dataclass
class Assignment:
    placed: dict[int, list[Membership]]  # group id → memberships
    unplaced: list[Membership]


def balanced_assignment(memberships, groups, traits: dict[int, tuple[str, str]]) -> Assignment:
    """Each participant to a group so that the groups' sizes differ by one at most and each
    country's people, then each sex/gender and each profile, spread as evenly as they can.

    People are taken country by country (the largest first); each goes to the smallest
    group, and among equally small ones to the one with the fewest of their country, then of
    their sex/gender, then of their profile. `traits` gives each user id its
    (sex/gender, profile)."""
    groups = list(groups)
    placed: dict[int, list[Membership]] = {group.pk: [] for group in groups}
    if not groups:
        return Assignment(placed, list(memberships))
    by_country = Counter(m.country_id for m in memberships)
    order = sorted(
        memberships,
        key=lambda m: (
            -by_country[m.country_id],
            m.country_id or 0,
            traits.get(m.user_id, ("", ""))[0],
            traits.get(m.user_id, ("", ""))[1],
            m.user_id,
        ),
    )
    counts: dict[int, Counter] = defaultdict(Counter)
    for membership in order:
        gender, profile = traits.get(membership.user_id, ("", ""))
        keys = (("country", membership.country_id), ("gender", gender), ("profile", profile))
        best = min(
            groups,
            key=lambda group: (
                len(placed[group.pk]),
                *(counts[group.pk][key] for key in keys),
                group.position,
                group.pk,
            ),
        )
        placed[best.pk].append(membership)
        for key in keys:
            counts[best.pk][key] += 1
    return Assignment(placed, [])


def country_assignment(memberships, groups) -> Assignment:
    """Each participant to the group of their country; those whose country is in no group
    are left for a manager to place."""
    group_of = {}
    for group in groups:
        for country in group.countries.all():
            group_of[country.pk] = group.pk
    placed: dict[int, list[Membership]] = {group.pk: [] for group in groups}
    unplaced = []
    for membership in memberships:
        group_id = group_of.get(membership.country_id)
        if group_id is None:
            unplaced.append(membership)
        else:
            placed[group_id].append(membership)
    return Assignment(placed, unplaced)


def assign_automatically(session_work: SessionWork, actor=None) -> Assignment:
    """Replace the session's groups' members by the automatic assignment: by country for a
    grouping by country, balanced otherwise. Managers adjust it afterwards."""
    groups = list(session_work.groups.prefetch_related("countries"))
    if not groups:
        raise GroupWorkError(_("This session has no groups yet: define them first."))
    memberships = list(session_participants(session_work))
    if session_work.grouping == SessionWork.Grouping.COUNTRY:
        assignment = country_assignment(memberships, groups)
    else:
        traits = {
            nomination.user_id: (nomination.gender, nomination.profile_label)
            for nomination in Nomination.objects.filter(
                programme=session_work.session.programme,
                user_id__in=[m.user_id for m in memberships],
            ).select_related("profile")
        }
        assignment = balanced_assignment(memberships, groups, traits)
    with transaction.atomic():
        GroupMember.objects.filter(session_work=session_work).delete()
        GroupMember.objects.bulk_create(
            GroupMember(group_id=group_id, user_id=membership.user_id, session_work=session_work)
            for group_id, members in assignment.placed.items()
            for membership in members
        )
        audit_record(
            actor=actor,
            action="groups.assign",
            subject=session_work,
            programme=session_work.session.programme,
            details={
                "placed": sum(len(members) for members in assignment.placed.values()),
                "unplaced": len(assignment.unplaced),
            },
        )
    return assignment


def place(session_work: SessionWork, user, group: WorkGroup | None, actor=None) -> None:
    """Put a participant in `group` (or in none), leaving the group they were in."""
    if group is not None and group.session_work_id != session_work.pk:
        raise GroupWorkError(_("That group belongs to another session."))
    if not Membership.objects.filter(
        programme=session_work.session.programme, user=user, role=Role.PARTICIPANT
    ).exists():
        raise GroupWorkError(_("Only the programme's participants are placed in groups."))
    with transaction.atomic():
        GroupMember.objects.filter(session_work=session_work, user=user).delete()
        if group is not None:
            GroupMember.objects.create(group=group, user=user, session_work=session_work)
        audit_record(
            actor=actor,
            action="groups.place",
            subject=session_work,
            programme=session_work.session.programme,
            person=user,
            details={"user": user.email, "group": group.name_en if group else None},
        )


def set_plenary(session_work: SessionWork, is_open: bool, actor=None) -> None:
    with transaction.atomic():
        session_work.plenary_open = is_open
        session_work.save(update_fields=["plenary_open"])


class Conflict(Exception):
    """Someone saved the answer after the version the writer started from."""

    def __init__(self, current: AnswerVersion, text: str):
        super().__init__("conflict")
        self.current = current
        self.text = text


def save_answer(question: GroupQuestion, user, text: str, base_version: int) -> AnswerVersion:
    """Save `text` as the next version of the group's answer to `question`, provided that
    `base_version` (the version the writer started from; 0 for none) is still the latest.
    Otherwise nothing is saved and `Conflict` carries the latest version and the writer's
    text, so both can be shown and merged. A text over the answer's limit (characters or
    lines) raises `GroupWorkError` and saves nothing. The latest `GROUP_ANSWER_VERSIONS`
    versions are kept: saving one removes the oldest beyond them, never the latest, which
    the next writer's base version is compared with."""
    text = text.replace("\r\n", "\n")
    problem = refusal(AnswerVersion, "text", text, what=_("The group's answer"))
    if problem:
        raise GroupWorkError(problem)
    try:
        with transaction.atomic():
            # Serialises savers on PostgreSQL; on SQLite the write lock and the unique
            # (question, number) constraint do the same.
            GroupQuestion.objects.select_for_update().filter(pk=question.pk).first()
            latest = question.versions.order_by("-number").first()
            latest_number = latest.number if latest else 0
            if base_version != latest_number:
                raise Conflict(latest, text)
            if latest is not None and latest.text == text:
                return latest  # nothing changed: no new version
            saved = AnswerVersion.objects.create(
                question=question, number=latest_number + 1, text=text, author=user
            )
            question.versions.filter(number__lte=saved.number - GROUP_ANSWER_VERSIONS).delete()
            return saved
    except IntegrityError:
        raise Conflict(question.versions.order_by("-number").first(), text) from None
