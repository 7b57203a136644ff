"""Every change to attendance: each in one transaction, each decision with its audit record.

Views, the `import_attendance` command and the tests call these functions; nothing else
writes meeting reports, join intervals, remembered matches or attendance records.

How a person's attendance at a session is worked out (`_recompute`):

- their time is the union of all their join intervals of the session, from every report
  imported for it, clipped to the session's scheduled start and end (two devices at once or
  a rejoin before the old connection closed count once; time before the start or after the
  end does not count);
- they attended (`present`) when that time reaches the programme's
  `attendance_threshold` percent of the scheduled length, otherwise `absent`;
- the record keeps that imported figure (`imported_minutes`, `imported_status`); its
  `status` follows it until a manager corrects it by hand, after which the status stays as
  corrected and later imports only update the imported figure beside it.

Who gets a record: everyone matched to rows of the session (participants, observers,
facilitators), and — once at least one report exists for the session — every participant of
the programme, `absent` with 0 minutes when no row is theirs. Before any report exists only
hand-marked people have records (with an empty imported status).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capacita.agenda.models import VirtualSession
from capacita.audit.models import AuditEvent
from capacita.audit.services import account_of, audit_record, given_reason
from capacita.programmes.events import progress_changed
from capacita.programmes.models import Membership, Role
from capacita.shared.errors import UserError
from capacita.shared.zones import zone_or_none

from . import intervals
from .bulk import insert_rows
from .matching import Matcher, counted_people
from .models import AttendanceRecord, JoinInterval, MeetingReport, NameMatch
from .zoom import ParsedReport, ReportError, parse_report

Action = AuditEvent.Action
Status = AttendanceRecord.Status


class AttendanceError(UserError):
    """A change that cannot be made; `message` says why in the active language."""


@dataclass
class PersonResult:
    """A person's attendance at the session after an import (or as it would be)."""

    user_id: int
    name: str
    email: str
    minutes: int
    imported_status: str
    status: str
    corrected: bool = False
    reason: str = ""


@dataclass
class UnmatchedGroup:
    """The rows of one name and e-mail that match nobody yet."""

    name: str
    email: str
    rows: int
    minutes: int


@dataclass
class ImportOutcome:
    session: VirtualSession
    report: MeetingReport | None = None
    row_count: int = 0
    matched_rows: int = 0
    waiting_room_rows: int = 0
    people: list[PersonResult] = field(default_factory=list)
    unmatched: list[UnmatchedGroup] = field(default_factory=list)
    already_imported: bool = False
    dry_run: bool = False

    @property
    def saved(self) -> bool:
        return self.report is not None and not self.already_imported and not self.dry_run

    @property
    def unmatched_rows(self) -> int:
        return sum(group.rows for group in self.unmatched)

    def count(self, status: str) -> int:
        return sum(1 for person in self.people if person.status == status)


# --- working out the figures -------------------------------------------------------------


def scheduled_seconds(session: VirtualSession) -> int:
    return int((session.ends_at - session.starts_at).total_seconds())


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _moment(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


class _Figures:
    """(minutes, status) from a person's intervals in one session, as pairs of seconds."""

    def __init__(self, session: VirtualSession):
        self.start, self.end = _epoch(session.starts_at), _epoch(session.ends_at)
        self.scheduled = scheduled_seconds(session)
        self.threshold = session.programme.attendance_threshold

    def __call__(self, spans) -> tuple[int, str]:
        seconds = intervals.seconds_in_session(spans, self.start, self.end)
        present = intervals.attended(seconds, self.scheduled, self.threshold)
        return intervals.whole_minutes(seconds), Status.PRESENT if present else Status.ABSENT


def _lock(session: VirtualSession) -> VirtualSession:
    """Serialise the changes to one session's attendance (a row lock on PostgreSQL; SQLite's
    write transactions are serial already)."""
    return VirtualSession.objects.select_for_update().select_related("programme").get(pk=session.pk)


def _participant_ids(programme) -> set[int]:
    return set(
        Membership.objects.filter(programme=programme, role=Role.PARTICIPANT).values_list(
            "user_id", flat=True
        )
    )


RECORD_STATE = ("imported_minutes", "imported_status", "status")


def _recompute(
    session: VirtualSession,
    spans_by_user: dict[int, list],
    *,
    has_report: bool,
    only: set[int] | None = None,
    save: bool = True,
) -> dict[int, PersonResult]:
    """Bring the records of `session` in line with `spans_by_user` (every matched interval
    of the session, by user id, as pairs of seconds) and the programme's threshold, as the
    module's docstring says; hand corrections keep their status. `only` limits the work to
    those users; with `save` False nothing is written. Returns each person's figures (names
    and e-mails left empty) by user id."""
    existing = AttendanceRecord.objects.filter(session=session)
    if only is not None:
        existing = existing.filter(user_id__in=only)
    stored = {
        user_id: (pk, (minutes, imported, status), corrected_at is not None, reason)
        for user_id, pk, minutes, imported, status, corrected_at, reason in existing.values_list(
            "user_id", "pk", *RECORD_STATE, "corrected_at", "correction_reason"
        )
    }
    if only is not None:
        user_ids = set(only)
    else:
        user_ids = set(spans_by_user) | set(stored)
        if has_report:
            user_ids |= _participant_ids(session.programme)
    figures = _Figures(session)
    now = timezone.now()
    people: dict[int, PersonResult] = {}
    to_create, to_update, changed = [], [], set()
    for user_id in user_ids:
        spans = spans_by_user.get(user_id)
        if spans:
            minutes, imported = figures(spans)
        elif has_report:
            minutes, imported = 0, Status.ABSENT
        else:
            minutes, imported = 0, ""
        record = stored.get(user_id)
        if record is None:
            status, corrected, reason = imported or Status.ABSENT, False, ""
            to_create.append((session.pk, user_id, minutes, imported, status, "", now))
            changed.add(user_id)
        else:
            pk, state, corrected, reason = record
            status = state[2] if corrected else (imported or state[2])
            if state != (minutes, imported, status):
                changed.add(user_id)
                to_update.append(
                    AttendanceRecord(
                        pk=pk,
                        imported_minutes=minutes,
                        imported_status=imported,
                        status=status,
                        updated_at=now,
                    )
                )
        people[user_id] = PersonResult(
            user_id, "", "", minutes, imported, status, corrected=corrected, reason=reason
        )
    if save:
        insert_rows(
            AttendanceRecord,
            ["session", "user", *RECORD_STATE, "correction_reason", "updated_at"],
            to_create,
        )
        AttendanceRecord.objects.bulk_update(
            to_update, [*RECORD_STATE, "updated_at"], batch_size=500
        )
        progress_changed(session.programme, changed)
    return people


def _session_spans(session: VirtualSession, user_ids=None) -> dict[int, list]:
    """Every matched interval of `session` already stored, by user id, as pairs of seconds."""
    stored = JoinInterval.objects.filter(session=session, user__isnull=False)
    if user_ids is not None:
        stored = stored.filter(user_id__in=user_ids)
    spans: dict[int, list] = defaultdict(list)
    for user_id, pairs in stored.values_list("user_id", "spans"):
        spans[user_id].extend(map(tuple, pairs))
    return spans


def _record(session, user) -> AttendanceRecord:
    return AttendanceRecord.objects.select_related("user").get(session=session, user=user)


# --- importing a report ------------------------------------------------------------------


def import_meeting_report(
    session: VirtualSession,
    filename: str,
    content: bytes,
    time_zone: str,
    actor,
    dry_run: bool = False,
) -> ImportOutcome:
    """Import Zoom's participants report `content` for `session`, its times read in
    `time_zone` (the zone of the Zoom account that exported it).

    Promises:

    - the whole report or nothing: an unreadable file, an unknown zone or any faulty row
      raises `ReportError` (with every faulty row named) and saves nothing;
    - the same file (same bytes) imported again for the same session changes nothing: the
      outcome has `already_imported` and shows the session as it stands;
    - a different report for the same session adds its rows: each person's time is the
      union of all their rows of the session;
    - rows are matched by e-mail, then remembered match, then name; the rest are stored
      unmatched, to be matched by hand (`match_rows`);
    - attendance records are recomputed as the module's docstring says; hand corrections
      keep their status;
    - with `dry_run`, the outcome shows what the import would do and nothing is saved;
    - one audit event (attendance imported) for the report.
    """
    zone = zone_or_none((time_zone or "").strip())
    if zone is None:
        raise ReportError(
            _("“%(zone)s” is not a time zone name such as America/Mexico_City.")
            % {"zone": time_zone}
        )
    fingerprint = hashlib.sha256(content).hexdigest()
    existing = MeetingReport.objects.filter(session=session, sha256=fingerprint).first()
    if existing is not None:
        return _already_imported(session, existing, dry_run)
    parsed = parse_report(content, zone)
    return import_parsed_report(
        session,
        parsed,
        filename=filename,
        fingerprint=fingerprint,
        time_zone=zone.key,
        actor=actor,
        dry_run=dry_run,
    )


def import_parsed_report(
    session: VirtualSession,
    parsed: ParsedReport,
    *,
    filename: str,
    fingerprint: str,
    time_zone: str,
    actor,
    dry_run: bool = False,
    details: dict | None = None,
    replaces_earlier: bool = False,
) -> ImportOutcome:
    """Import the participants' rows `parsed` for `session`, read from a report file or
    from the meeting tool's reports (`meeting_tool`): the one way in after reading, with
    the promises of `import_meeting_report`. `fingerprint` tells a report already imported
    for the session (nothing is then written); `time_zone` is the zone its times were read
    in, as recorded; `details` are added to the audit record's. With `replaces_earlier` (the
    meeting tool's whole report read again, grown since), the session's earlier reports of
    the same source and meeting give way to this one in the same transaction: each row is
    kept once, never twice."""
    existing = MeetingReport.objects.filter(session=session, sha256=fingerprint).first()
    if existing is not None:
        return _already_imported(session, existing, dry_run)
    # Each name and e-mail's rows merged once: all later steps need only the union.
    merged = {
        key: intervals.union_of(group.joined, group.left) for key, group in parsed.groups.items()
    }

    try:
        with transaction.atomic():
            session = _lock(session)
            existing = MeetingReport.objects.filter(session=session, sha256=fingerprint).first()
            if existing is not None:
                return _already_imported(session, existing, dry_run)
            replaced = []
            if replaces_earlier:
                earlier = MeetingReport.objects.filter(
                    session=session, filename=filename[:255], meeting_id=parsed.meeting_id[:64]
                )
                replaced = list(earlier.order_by("pk").values_list("pk", flat=True))
                earlier.delete()  # undone below for a dry run, as the rest
            match = Matcher(session.programme).match
            matches = {key: match(*key) for key in merged}
            spans = _session_spans(session)
            for key, user_id in matches.items():
                if user_id is not None:
                    spans[user_id].extend(merged[key])
            people = _recompute(session, spans, has_report=True, save=not dry_run)
            row_count = parsed.row_count
            unmatched = [key for key, user_id in matches.items() if user_id is None]
            unmatched_rows = sum(parsed.groups[key].row_count for key in unmatched)
            outcome = ImportOutcome(
                session=session,
                row_count=row_count,
                matched_rows=row_count - unmatched_rows,
                waiting_room_rows=parsed.waiting_room_rows,
                people=_named(people.values(), session.programme),
                dry_run=dry_run,
            )
            if dry_run:
                outcome.unmatched = _group_unmatched(
                    session,
                    [
                        (name, email, parsed.groups[name, email].row_count, merged[name, email])
                        for name, email in unmatched
                    ],
                    include_stored=True,
                )
                transaction.set_rollback(True)  # a dry run leaves the earlier reports be
                return outcome
            report = MeetingReport.objects.create(
                session=session,
                uploaded_by=account_of(actor),
                filename=filename[:255],
                sha256=fingerprint,
                time_zone=time_zone,
                row_count=row_count,
                meeting_id=parsed.meeting_id[:64],
                topic=parsed.topic[:300],
                waiting_room_rows=parsed.waiting_room_rows,
            )
            _store_groups(report, session, parsed.groups, merged, matches)
            outcome.report = report
            outcome.unmatched = unmatched_groups(session)
            audit_record(
                actor=actor,
                action=Action.ATTENDANCE_IMPORTED,
                subject=report,
                programme=session.programme,
                details={
                    "session": session.number,
                    "file": report.filename,
                    "time_zone": report.time_zone,
                    "rows": outcome.row_count,
                    "matched_rows": outcome.matched_rows,
                    "unmatched_rows": unmatched_rows,
                    "waiting_room_rows": outcome.waiting_room_rows,
                    "present": outcome.count(Status.PRESENT),
                    "absent": outcome.count(Status.ABSENT),
                    "excused": outcome.count(Status.EXCUSED),
                    **({"replaced_reports": replaced} if replaced else {}),
                    **(details or {}),
                },
            )
            return outcome
    except IntegrityError:
        # The same file imported at the same moment by someone else.
        existing = MeetingReport.objects.filter(session=session, sha256=fingerprint).first()
        if existing is None:
            raise
        return _already_imported(session, existing, dry_run)


def _store_groups(report, session, groups, merged, matches) -> None:
    """One JoinInterval per name and e-mail of the report, with the union of its rows."""
    insert_rows(
        JoinInterval,
        [
            "report",
            "session",
            "row_number",
            "name",
            "email",
            "joined_at",
            "left_at",
            "row_count",
            "spans",
            "user",
        ],
        (
            (
                report.pk,
                session.pk,
                group.first_row,
                name[:300],
                email[:254],
                _moment(merged[name, email][0][0]),  # a union is sorted and disjoint
                _moment(merged[name, email][-1][1]),
                group.row_count,
                merged[name, email],
                matches[name, email],
            )
            for (name, email), group in groups.items()
        ),
    )


def _already_imported(session, report, dry_run) -> ImportOutcome:
    people = [
        PersonResult(
            record.user_id,
            "",
            "",
            record.imported_minutes,
            record.imported_status,
            record.status,
            corrected=record.is_corrected,
            reason=record.correction_reason,
        )
        for record in AttendanceRecord.objects.filter(session=session)
    ]
    return ImportOutcome(
        session=session,
        report=report,
        row_count=report.row_count,
        waiting_room_rows=report.waiting_room_rows,
        people=_named(people, session.programme),
        unmatched=unmatched_groups(session),
        already_imported=True,
        dry_run=dry_run,
    )


def _named(people, programme) -> list[PersonResult]:
    """`people` with their names and e-mails, sorted by name."""
    people = list(people)
    User = get_user_model()
    columns = ("pk", "first_name", "last_name", "email")
    # The programme's people in one query (no list of ids, however many they are), then
    # anyone else who has a record (someone whose role was withdrawn since).
    found = dict(_name_rows(counted_people(programme).values_list(*columns)))
    missing = [person.user_id for person in people if person.user_id not in found]
    if missing:
        found.update(_name_rows(User.objects.filter(pk__in=missing).values_list(*columns)))
    for person in people:
        person.name, person.email = found[person.user_id]
    people.sort(key=lambda person: (person.name.casefold(), person.email))
    return people


def _name_rows(rows):
    for pk, first_name, last_name, email in rows:
        yield pk, (f"{first_name} {last_name}".strip(), email)


def _group_unmatched(session, groups, include_stored=False) -> list[UnmatchedGroup]:
    """`groups` — (name, email, row count, intervals) — added up per name and e-mail, with
    their time in the session."""
    groups = list(groups)
    if include_stored:
        groups += list(
            JoinInterval.objects.filter(session=session, user__isnull=True).values_list(
                "name", "email", "row_count", "spans"
            )
        )
    rows: dict[tuple[str, str], int] = defaultdict(int)
    spans: dict[tuple[str, str], list] = defaultdict(list)
    for name, email, count, pairs in groups:
        rows[name, email] += count
        spans[name, email].extend(map(tuple, pairs))
    start, end = _epoch(session.starts_at), _epoch(session.ends_at)
    result = [
        UnmatchedGroup(
            name=name,
            email=email,
            rows=count,
            minutes=intervals.whole_minutes(
                intervals.seconds_in_session(spans[name, email], start, end)
            ),
        )
        for (name, email), count in rows.items()
    ]
    result.sort(key=lambda group: (group.name.casefold(), group.email))
    return result


def unmatched_groups(session: VirtualSession) -> list[UnmatchedGroup]:
    """The session's rows that match nobody yet, one group per name and e-mail (across its
    reports), with their time in the session."""
    return _group_unmatched(session, [], include_stored=True)


# --- decisions by hand -------------------------------------------------------------------


def _check_counted(session, user) -> None:
    if not counted_people(session.programme).filter(pk=user.pk).exists():
        raise AttendanceError(
            _("%(name)s is not a participant, observer or facilitator of this programme.")
            % {"name": user.get_full_name() or user.email}
        )


def match_rows(
    session: VirtualSession, meeting_name: str, meeting_email: str, user, actor
) -> AttendanceRecord:
    """Match every unmatched row of `session` showing `meeting_name` and `meeting_email` to
    `user`, remember the answer for the programme's next reports, recompute `user`'s record
    and audit the decision (attendance matched). Raises `AttendanceError` when `user` is
    not counted in the programme or no such unmatched row is left."""
    _check_counted(session, user)
    with transaction.atomic():
        session = _lock(session)
        chosen = JoinInterval.objects.filter(
            session=session, user__isnull=True, name=meeting_name, email=meeting_email
        )
        count = sum(chosen.values_list("row_count", flat=True))
        if not chosen.update(user=user):
            raise AttendanceError(
                _("No unmatched row of this session shows “%(name)s”: it may be matched already.")
                % {"name": meeting_name}
            )
        NameMatch.objects.update_or_create(
            programme=session.programme,
            meeting_name=meeting_name[:300],
            meeting_email=meeting_email[:254],
            defaults={"user": user, "created_by": account_of(actor)},
        )
        has_report = MeetingReport.objects.filter(session=session).exists()
        _recompute(
            session, _session_spans(session, [user.pk]), has_report=has_report, only={user.pk}
        )
        record = _record(session, user)
        audit_record(
            actor=actor,
            action=Action.ATTENDANCE_MATCHED,
            subject=record,
            programme=session.programme,
            details={
                "session": session.number,
                "user": user.email,
                "meeting_name": meeting_name,
                "meeting_email": meeting_email,
                "rows": count,
                "imported_minutes": record.imported_minutes,
                "imported_status": record.imported_status,
                "status": record.status,
            },
        )
    return record


def forget_match(match: NameMatch, reason: str, actor) -> int:
    """Take back a match made by hand, with a reason (required): the rows showing its name
    and e-mail go back to nobody in every session of the programme, the person's records are
    worked out again without them, and later reports no longer give those rows to the
    person. Audited with the sessions changed. Returns the number of rows given back.
    Raises `AttendanceError`."""
    reason = given_reason(
        reason, missing=_("Give the reason for taking back the match."), error=AttendanceError
    )
    programme, user = match.programme, match.user
    with transaction.atomic():
        sessions = list(programme.sessions.order_by("number"))
        for session in sessions:
            _lock(session)
        rows = JoinInterval.objects.filter(
            session__programme=programme,
            user=user,
            name=match.meeting_name,
            email=match.meeting_email,
        )
        changed = sorted(set(rows.values_list("session_id", flat=True)))
        count = sum(rows.values_list("row_count", flat=True))
        rows.update(user=None)
        audit_record(
            actor=actor,
            action=Action.ATTENDANCE_UNMATCHED,
            subject=match,
            programme=programme,
            reason=reason,
            details={
                "user": user.email,
                "meeting_name": match.meeting_name,
                "meeting_email": match.meeting_email,
                "rows": count,
                "sessions": [s.number for s in sessions if s.pk in changed],
            },
        )
        match.delete()
        for session in sessions:
            if session.pk in changed:
                has_report = MeetingReport.objects.filter(session=session).exists()
                _recompute(
                    session,
                    _session_spans(session, [user.pk]),
                    has_report=has_report,
                    only={user.pk},
                )
    return count


def mark_attendance(session: VirtualSession, user, status: str, reason: str, actor):
    """Set `user`'s attendance at `session` by hand (present, absent or excused) with a
    reason (required). The record keeps the imported figure beside the correction, later
    imports keep the corrected status, and the decision is audited (attendance corrected)
    with the imported figure and the previous status. Raises `AttendanceError`."""
    reason = given_reason(
        reason, missing=_("Give the reason for marking attendance by hand."), error=AttendanceError
    )
    if status not in Status.values:
        raise AttendanceError(_("Choose present, absent or excused."))
    _check_counted(session, user)
    with transaction.atomic():
        session = _lock(session)
        has_report = MeetingReport.objects.filter(session=session).exists()
        _recompute(
            session, _session_spans(session, [user.pk]), has_report=has_report, only={user.pk}
        )
        record = _record(session, user)
        previous = {
            "status": record.status,
            "corrected": record.is_corrected,
            "reason": record.correction_reason,
        }
        record.status = status
        record.corrected_by = account_of(actor)
        record.corrected_at = timezone.now()
        record.correction_reason = reason
        record.save()
        progress_changed(session.programme, [user.pk])
        audit_record(
            actor=actor,
            action=Action.ATTENDANCE_CORRECTED,
            subject=record,
            programme=session.programme,
            reason=reason,
            details={
                "session": session.number,
                "user": user.email,
                "status": status,
                "previous_status": previous["status"],
                "previous_reason": previous["reason"],
                "imported_minutes": record.imported_minutes,
                "imported_status": record.imported_status,
            },
        )
    return record


def withdraw_attendance_mark(session: VirtualSession, user, reason: str, actor):
    """Take back `user`'s hand mark at `session`, with a reason (required): their status is
    again what the session's reports say, or none while no report is imported. Audited with
    the status and the reason taken back. Returns the record, or None when none is left.
    Raises `AttendanceError`."""
    reason = given_reason(
        reason, missing=_("Give the reason for taking back the hand mark."), error=AttendanceError
    )
    with transaction.atomic():
        session = _lock(session)
        record = AttendanceRecord.objects.filter(session=session, user=user).first()
        if record is None or not record.is_corrected:
            raise AttendanceError(
                _("The attendance of %(name)s is not marked by hand.")
                % {"name": user.get_full_name() or user.email}
            )
        details = {
            "session": session.number,
            "user": user.email,
            "withdrawn_status": record.status,
            "withdrawn_reason": record.correction_reason,
        }
        has_report = MeetingReport.objects.filter(session=session).exists()
        if has_report:
            record.corrected_by, record.corrected_at, record.correction_reason = None, None, ""
            record.save()
            _recompute(session, _session_spans(session, [user.pk]), has_report=True, only={user.pk})
            record.refresh_from_db()
        audit_record(
            actor=actor,
            action=Action.ATTENDANCE_MARK_WITHDRAWN,
            subject=record,
            programme=session.programme,
            reason=reason,
            details={**details, "status": record.status if has_report else None},
        )
        if not has_report:
            record.delete()
        progress_changed(session.programme, [user.pk])
        if not has_report:
            return None
    return record


def remove_meeting_report(report: MeetingReport, reason: str, actor) -> None:
    """Take back an imported report (say, read in the wrong time zone, or for the wrong
    session) with a reason (required): its rows are deleted, every record of the session is
    worked out again from the reports that remain, hand corrections keep their status, and
    the removal is audited with the file's name, fingerprint and zone. The same file can
    then be imported again."""
    reason = given_reason(
        reason, missing=_("Give the reason for removing the report."), error=AttendanceError
    )
    with transaction.atomic():
        session = _lock(report.session)
        audit_record(
            actor=actor,
            action=Action.ATTENDANCE_REPORT_REMOVED,
            subject=report,
            programme=session.programme,
            reason=reason,
            details={
                "session": session.number,
                "filename": report.filename,
                "sha256": report.sha256,
                "time_zone": report.time_zone,
                "rows": report.row_count,
            },
        )
        report.delete()
        has_report = MeetingReport.objects.filter(session=session).exists()
        _recompute(session, _session_spans(session), has_report=has_report)
        if not has_report:
            # Without any report, only hand-marked people keep a record.
            AttendanceRecord.objects.filter(session=session, corrected_at__isnull=True).delete()
        progress_changed(session.programme)


def recompute_session(session: VirtualSession) -> None:
    """Recompute every record of `session` from its stored rows, e.g. after the programme's
    threshold changed. Hand corrections keep their status."""
    with transaction.atomic():
        session = _lock(session)
        has_report = MeetingReport.objects.filter(session=session).exists()
        _recompute(session, _session_spans(session), has_report=has_report)
