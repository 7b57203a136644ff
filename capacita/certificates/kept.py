"""Each participant's standing with the certificate rule, kept in `ProgressRecord` as it
changes, and checked against the rule worked out afresh.

`refresh` brings the records of a programme (or of some of its people) up to date in a few
UPDATE statements, whatever the number of people; the services that change what the rule reads
call it through `capacita.programmes.events.progress_changed`, inside their transaction.
`differences` works everyone out again with `rule.progress_of` — the rule's one written form —
and lists where the kept records disagree (`capacita check_progress`).
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.dispatch import receiver

from capacita.agenda.models import VirtualSession
from capacita.attendance.models import AttendanceRecord
from capacita.completions.models import CourseCompletion
from capacita.evaluation.models import Response
from capacita.programmes.events import progress_inputs_changed
from capacita.programmes.models import Course, Membership, Programme, Role

from .models import ProgressRecord
from .rule import State, participants, progress_of

BATCH = 1000
MANY = 500


@receiver(progress_inputs_changed, dispatch_uid="certificates.kept.refresh")
def _on_change(sender, programme, user_ids=None, **kwargs):
    refresh(programme, user_ids)


def refresh(programme, user_ids=None) -> None:
    """Bring the kept progress of `programme` up to date for `user_ids` (everyone when None)."""
    if user_ids is not None:
        user_ids = list(user_ids)
        if not user_ids:
            return
        if len(user_ids) > MANY:
            user_ids = None  # one pass over everyone costs less than a list this long
    members = Membership.objects.filter(programme_id=programme.pk, role=Role.PARTICIPANT)
    kept = ProgressRecord.objects.filter(programme_id=programme.pk)
    if user_ids is not None:
        members = members.filter(user_id__in=user_ids)
        kept = kept.filter(user_id__in=user_ids)
    # A membership whose role changed keeps no record (a deleted one takes its record along).
    kept.exclude(membership__role=Role.PARTICIPANT).delete()
    have = set(kept.values_list("membership_id", flat=True))
    ProgressRecord.objects.bulk_create(
        [
            ProgressRecord(membership_id=pk, programme_id=programme.pk, user_id=user_id)
            for pk, user_id in members.values_list("pk", "user_id")
            if pk not in have
        ],
        batch_size=BATCH,
    )
    # The rule as stored, not as an instance in memory holds it (it may be stale).
    programme = Programme.objects.only(
        "certificate_allows_late_completion", "certificate_requires_post_test"
    ).get(pk=programme.pk)
    kept.update(**_worked_out(programme))
    kept.update(complete=_meets_rule(programme))


def _worked_out(programme) -> dict:
    attended = (
        AttendanceRecord.objects.filter(
            session__programme_id=programme.pk, user_id=OuterRef("user_id"), status="present"
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    completed = CourseCompletion.objects.filter(
        course__programme_id=programme.pk,
        course__is_required=True,
        completed=True,
        user_id=OuterRef("user_id"),
    )
    if not programme.certificate_allows_late_completion:
        completed = completed.filter(is_late=False)
    counted = completed.order_by().values("user_id").annotate(n=Count("pk")).values("n")
    submitted = Response.objects.filter(
        questionnaire__programme_id=programme.pk,
        questionnaire__kind="post",
        submitted_at__isnull=False,
        user_id=OuterRef("user_id"),
    )
    return {
        "sessions_attended": Coalesce(Subquery(attended, output_field=IntegerField()), 0),
        "courses_counted": Coalesce(Subquery(counted, output_field=IntegerField()), 0),
        "post_test_submitted": Exists(submitted),
    }


def _meets_rule(programme):
    condition = Q(
        sessions_attended=VirtualSession.objects.filter(programme_id=programme.pk).count(),
        courses_counted=Course.objects.filter(programme_id=programme.pk, is_required=True).count(),
    )
    if programme.certificate_requires_post_test:
        condition &= Q(post_test_submitted=True)
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


class NOTHING_YET:  # noqa: N801 - read like a record
    sessions_attended = courses_counted = 0
    post_test_submitted = complete = False


def differences(programme) -> list[str]:
    """Where the kept progress of `programme` differs from the rule worked out afresh, one
    line each (empty when they agree)."""
    kept = {
        record.membership_id: record
        for record in ProgressRecord.objects.filter(programme=programme).select_related(
            "membership"
        )
    }
    submitted = set(
        Response.objects.filter(
            questionnaire__programme=programme,
            questionnaire__kind="post",
            submitted_at__isnull=False,
        ).values_list("user_id", flat=True)
    )
    found = []
    for progress in progress_of(programme, participants(programme)):
        membership = progress.membership
        record = kept.pop(membership.pk, None)
        who = f"{membership.user.email} (user {membership.user_id})"
        if record is None:
            # No record reads as nothing done yet (a membership made outside the services).
            record = NOTHING_YET
        expected = {
            "sessions_attended": sum(1 for item in progress.sessions if item.state == State.DONE),
            "courses_counted": sum(
                1
                for item in progress.courses
                if item.course.is_required
                and item.state
                in ((State.DONE, State.LATE) if progress.allows_late else (State.DONE,))
            ),
            "post_test_submitted": membership.user_id in submitted,
            "complete": progress.is_complete,
        }
        for name, value in expected.items():
            if getattr(record, name) != value:
                found.append(f"{who}: {name} kept {getattr(record, name)}, worked out {value}")
    for record in kept.values():
        found.append(
            f"user {record.user_id}: kept progress for a membership that is not a participant's"
        )
    return found
