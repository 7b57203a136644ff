"""Every change to course completion: each in one transaction, each with its audit record.

Views, commands and tests call these functions; none of them changes a completion alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capacita.audit.models import AuditEvent
from capacita.audit.services import account_of, audit_record, given_reason
from capacita.programmes.events import progress_changed
from capacita.programmes.models import Course
from capacita.shared.errors import UserError

from .models import CompletionReport, CourseCompletion
from .moodle import CompletionRow, CompletionRows, RowProblem, read_completion_report
from .selectors import last_report, participants

Source = CourseCompletion.Source

COMPLETED = "completed"
LATE = "late"
NOT_COMPLETED = "not_completed"


class CompletionError(UserError):
    """A change that cannot be made; `message` says why in the active language."""


def is_late(course: Course, completed: bool, completed_at) -> bool:
    """Completed after the course's deadline (a completion without a date is not late)."""
    return bool(completed and completed_at and course.deadline and completed_at > course.deadline)


def deadline_changed(course: Course) -> int:
    """Each completion of `course` late or not against its deadline as it now is (called in
    the transaction that changes it); the number of completions whose lateness changed."""
    completions = CourseCompletion.objects.filter(course=course)
    late = completions.none()
    if course.deadline:
        late = completions.filter(
            completed=True, completed_at__isnull=False, completed_at__gt=course.deadline
        )
    changed = (
        completions.filter(is_late=True).exclude(pk__in=late.values("pk")).update(is_late=False)
    )
    changed += late.filter(is_late=False).update(is_late=True)
    progress_changed(course.programme)
    return changed


@dataclass(frozen=True)
class Verdict:
    """What the report says of one participant, and what the import did with it."""

    row: CompletionRow
    user: object
    completion: CourseCompletion  # as the import leaves it (not saved on a dry run)
    outcome: str  # COMPLETED, LATE or NOT_COMPLETED: the report's figure
    kept_by_hand: bool  # marked by hand: that status stays, the report's figure is stored beside
    changed: bool  # False when the record already held exactly this


@dataclass
class Outcome:
    course: Course
    verdicts: list[Verdict] = field(default_factory=list)
    unmatched: list[CompletionRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    report: CompletionReport | None = None
    saved: bool = False
    dry_run: bool = False
    # The same file as the course's last report, and nothing to change: nothing was written.
    already_imported: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for verdict in self.verdicts if verdict.outcome == outcome)

    @property
    def changed(self) -> int:
        return sum(1 for verdict in self.verdicts if verdict.changed)

    @property
    def kept_by_hand(self) -> list[Verdict]:
        return [verdict for verdict in self.verdicts if verdict.kept_by_hand]


def _lock(course: Course) -> None:
    # Serialises the imports and hand marks of one course (a PostgreSQL row lock; SQLite's
    # write transactions are serial already), so that two at once cannot both create a record.
    Course.objects.select_for_update().filter(pk=course.pk).first()


def _snapshot(completion: CourseCompletion) -> dict:
    return {
        "completed": completion.completed,
        "completed_at": _iso(completion.completed_at),
        "is_late": completion.is_late,
        "source": completion.source,
        "imported_completed": completion.imported_completed,
        "imported_completed_at": _iso(completion.imported_completed_at),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _better(row: CompletionRow, other: CompletionRow) -> bool:
    """Of two rows for one person, the completed one, and of two completed the earlier."""
    if row.completed != other.completed:
        return row.completed
    if row.completed_at and other.completed_at:
        return row.completed_at < other.completed_at
    return bool(row.completed_at) and not other.completed_at


def import_completion_report(
    course: Course,
    filename: str,
    content: bytes,
    date_order: str,
    actor,
    time_zone=None,
    dry_run: bool = False,
) -> Outcome:
    """Import a Moodle course completion report (CSV bytes) for `course`.

    Rows are matched by e-mail, without case, to the programme's participants; rows matching
    nobody are listed (and kept on the CompletionReport), rows whose completion cannot be read
    are listed as problems. For each matched person the CourseCompletion takes the report's
    figure: completed or not, when (dates in `time_zone`, by default the programme's, written
    in `date_order`), late when completed after the course's deadline. A record marked by hand
    keeps its status: only the imported figure beside it changes. When one person has two
    rows, the completed (earlier) one is used and the other listed as a problem.

    All in one transaction. Raises ReportError (from `moodle`) when the file cannot be read:
    then nothing is saved. With `dry_run` nothing is saved either. Importing again the same
    file as the course's last report, with nothing to change, writes nothing.
    """
    zone = time_zone or course.programme.zone
    return import_completion_rows(
        course,
        read_completion_report(content, date_order, zone),
        filename=filename,
        fingerprint=hashlib.sha256(content).hexdigest(),
        date_order=date_order,
        actor=actor,
        dry_run=dry_run,
    )


def import_completion_rows(
    course: Course,
    report_rows: CompletionRows,
    *,
    filename: str,
    fingerprint: str,
    date_order: str,
    actor,
    dry_run: bool = False,
) -> Outcome:
    """The completion rows of a report, read from its file (`import_completion_report`) or
    from the learning site's web services (`capacita.completions.learning_site`), taken as
    `import_completion_report` says: one code path, the same verdicts, the same audit."""
    programme = course.programme
    outcome = Outcome(course=course, problems=list(report_rows.problems), dry_run=dry_run)

    with transaction.atomic():
        _lock(course)
        people = {user.email.strip().lower(): user for user in participants(programme)}
        chosen: dict[int, CompletionRow] = {}
        for row in report_rows.rows:
            user = people.get(row.email.strip().lower()) if row.email else None
            if user is None:
                outcome.unmatched.append(row)
                continue
            other = chosen.get(user.pk)
            if other is not None:
                kept, dropped = (row, other) if _better(row, other) else (other, row)
                outcome.problems.append(
                    RowProblem(
                        dropped.number,
                        dropped.name,
                        dropped.email,
                        _("%(email)s is also on row %(row)s, which is the one used.")
                        % {"email": dropped.email, "row": kept.number},
                    )
                )
                row = kept
            chosen[user.pk] = row
        outcome.problems.sort(key=lambda problem: problem.number)
        users = {user.pk: user for user in people.values()}
        existing = {
            completion.user_id: completion
            for completion in CourseCompletion.objects.filter(course=course, user__in=list(chosen))
        }

        changes: list[tuple[CourseCompletion, CompletionRow, dict | None]] = []
        for user_id, row in sorted(chosen.items(), key=lambda item: item[1].number):
            completion = existing.get(user_id) or CourseCompletion(
                course=course, user_id=user_id, source=Source.IMPORT
            )
            before = _snapshot(completion) if completion.pk else None
            kept_by_hand = completion.source == Source.HAND
            changed = _take_figure(completion, course, row)
            late = is_late(course, row.completed, row.completed_at)
            outcome.verdicts.append(
                Verdict(
                    row=row,
                    user=users[user_id],
                    completion=completion,
                    outcome=LATE if late else COMPLETED if row.completed else NOT_COMPLETED,
                    kept_by_hand=kept_by_hand,
                    changed=changed,
                )
            )
            if changed:
                changes.append((completion, row, before))

        if dry_run:
            return outcome
        outcome.saved = True
        unmatched = [row.as_dict() for row in outcome.unmatched]
        problems = [problem.as_dict() for problem in outcome.problems]
        latest = last_report(course)
        if (
            not changes
            and latest is not None
            and latest.sha256 == fingerprint
            and latest.date_order == date_order
            and latest.time_zone == report_rows.time_zone
            and latest.unmatched == unmatched
            and latest.problems == problems
        ):
            outcome.already_imported = True
            outcome.report = latest
            return outcome

        report = CompletionReport.objects.create(
            course=course,
            uploaded_by=account_of(actor),
            filename=(filename or "")[:255],
            date_order=date_order,
            time_zone=report_rows.time_zone,
            sha256=fingerprint,
            row_count=len(report_rows.rows) + len(report_rows.problems),
            unmatched=unmatched,
            problems=problems,
        )
        outcome.report = report
        audit_record(
            actor=actor,
            action=AuditEvent.Action.COMPLETION_IMPORTED,
            subject=report,
            programme=programme,
            details={
                "course": course.code,
                "filename": report.filename,
                "sha256": fingerprint,
                "rows": report.row_count,
                "matched": len(outcome.verdicts),
                "changed": len(changes),
                "unmatched": len(unmatched),
                "problems": len(problems),
            },
        )
        for completion, row, before in changes:
            completion.report = report
            completion.save()
            audit_record(
                actor=actor,
                action=AuditEvent.Action.COMPLETION_IMPORTED,
                subject=completion,
                programme=programme,
                # The account read with the report's people: no query per row for it.
                person=users[completion.user_id],
                details={
                    "course": course.code,
                    "user": completion.user_id,
                    "report": report.pk,
                    "row": row.number,
                    "before": before,
                    "after": _snapshot(completion),
                    "kept_by_hand": completion.source == Source.HAND,
                },
            )
        progress_changed(programme, [done.user_id for done, _row, _before in changes])
    return outcome


def _take_figure(completion: CourseCompletion, course: Course, row: CompletionRow) -> bool:
    """Put the report's figure on `completion` (and its status, unless marked by hand);
    True when anything changed."""
    when = row.completed_at if row.completed else None
    before = _snapshot(completion) if completion.pk else None
    completion.imported_completed = row.completed
    completion.imported_completed_at = when
    if completion.source != Source.HAND:
        completion.source = Source.IMPORT
        completion.completed = row.completed
        completion.completed_at = when
        completion.is_late = is_late(course, row.completed, when)
    return before is None or before != _snapshot(completion)


def withdraw_completion_mark(course: Course, user, reason: str, actor):
    """Take back `user`'s hand mark of `course`, with a reason (required): the completion is
    again what the learning site's last report said of them, or none when no report named
    them. Audited with the record taken back. Returns the completion, or None when none is
    left. Raises CompletionError."""
    reason = given_reason(
        reason, missing=_("Say why you take back this hand mark."), error=CompletionError
    )
    with transaction.atomic():
        _lock(course)
        completion = CourseCompletion.objects.filter(course=course, user=user).first()
        if completion is None or completion.source != Source.HAND:
            raise CompletionError(
                _("The completion of %(name)s is not marked by hand.")
                % {"name": user.get_full_name() or user.email}
            )
        before = {**_snapshot(completion), "reason": completion.reason}
        from_report = completion.imported_completed is not None
        if from_report:
            completion.source = Source.IMPORT
            completion.completed = completion.imported_completed
            completion.completed_at = completion.imported_completed_at
            completion.is_late = is_late(course, completion.completed, completion.completed_at)
            completion.marked_by, completion.marked_at, completion.reason = None, None, ""
            completion.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.COMPLETION_MARK_WITHDRAWN,
            subject=completion,
            programme=course.programme,
            reason=reason,
            details={
                "course": course.code,
                "user": user.pk,
                "before": before,
                "completed": completion.completed if from_report else None,
            },
        )
        if not from_report:
            completion.delete()
        progress_changed(course.programme, [user.pk])
        if not from_report:
            return None
    return completion


def mark_completion(
    course: Course, user, completed: bool, reason: str, actor, completed_at=None
) -> CourseCompletion:
    """Mark by hand whether `user` completed `course` (and when, optionally), with a reason.

    The hand status holds over later imports, which only store the learning site's figure
    beside it. Late is computed as for imports: completed after the course's deadline. A naive
    `completed_at` is read in the programme's zone. Audited with the reason, the record
    before the change and the imported figure. Raises CompletionError without a reason, for
    someone who is not a participant of the programme, for a date in the future, or for a
    date given with "not completed".
    """
    reason = given_reason(
        reason, missing=_("Say why you mark this completion by hand."), error=CompletionError
    )
    programme = course.programme
    if not participants(programme).filter(pk=user.pk).exists():
        raise CompletionError(
            _("%(name)s is not a participant of this programme.")
            % {"name": user.get_full_name() or user.email}
        )
    if completed_at is not None:
        if not completed:
            raise CompletionError(_("A completion date goes only with “completed”."))
        if timezone.is_naive(completed_at):
            completed_at = timezone.make_aware(completed_at, programme.zone)
        if completed_at > timezone.now():
            raise CompletionError(_("The completion date cannot be in the future."))

    with transaction.atomic():
        _lock(course)
        completion = CourseCompletion.objects.filter(course=course, user=user).first()
        if completion is None:
            completion = CourseCompletion(course=course, user=user)
            before = None
        else:
            before = _snapshot(completion)
        completion.source = Source.HAND
        completion.completed = bool(completed)
        completion.completed_at = completed_at if completed else None
        completion.is_late = is_late(course, completion.completed, completion.completed_at)
        completion.marked_by = account_of(actor)
        completion.marked_at = timezone.now()
        completion.reason = reason
        completion.save()
        progress_changed(programme, [user.pk])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.COMPLETION_MARKED,
            subject=completion,
            programme=programme,
            reason=reason,
            details={
                "course": course.code,
                "user": user.pk,
                "completed": completion.completed,
                "completed_at": _iso(completion.completed_at),
                "is_late": completion.is_late,
                "before": before,
                "imported": {
                    "completed": completion.imported_completed,
                    "completed_at": _iso(completion.imported_completed_at),
                },
            },
        )
    return completion


def record_enrolment(programme, actor, details: dict) -> None:
    """Record that the participants were enrolled on the learning site (what `learning_site.
    enrol` did there): who asked, when, and how many accounts and enrolments it made."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditEvent.Action.LEARNING_SITE_ENROLLED,
            subject=programme,
            programme=programme,
            details=details,
        )
