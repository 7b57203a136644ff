"""Attendance read from the meeting tool's reports (Zoom's Reports API) instead of its report
file, and taken through the same import as the file (`services.import_parsed_report`): rows
grouped by name and e-mail, intervals merged, names matched, the same verdicts, the same
audit; a run that finds nothing new writes nothing.

Each session names its meeting (`VirtualSession.zoom_meeting`): a meeting ID gives the
report of its latest occurrence, a UUID that of one occurrence. A report whose rows are all
outside the session's scheduled time is of another occurrence (a recurring meeting held
again since): it is refused, not imported as everyone absent."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from capacita.shared.formats import when
from capacita.shared.zoom_api import (
    MEETING_NOT_FOUND,
    ZoomClient,
    ZoomError,
    not_configured,
    not_ready,
)

from . import services
from .zoom import MAX_PROBLEMS_LISTED, ParsedReport, RowGroup

# A report's name for what came from the Reports API (a record's name, not a page's text).
SOURCE_NAME = "Zoom Reports API"
# Zoom answers "Meeting does not exist" (3001) for a meeting just ended whose report it is
# still preparing: within this time after the session's end, that answer means "not ready".
READY_WITHIN = dt.timedelta(hours=24)
# Rows this far outside the scheduled time still show the report is of this session.
SCHEDULE_MARGIN = dt.timedelta(hours=2)
WAITING_ROOM = "in_waiting_room"


def configured() -> bool:
    return bool(
        settings.ZOOM_ACCOUNT_ID and settings.ZOOM_CLIENT_ID and settings.ZOOM_CLIENT_SECRET
    )


def available(session) -> bool:
    """Whether `session`'s attendance can be read from Zoom: configured, meeting named."""
    return configured() and bool(session.zoom_meeting.strip())


def client(**options) -> ZoomClient:
    if not configured():
        raise not_configured()
    return ZoomClient(
        settings.ZOOM_ACCOUNT_ID,
        settings.ZOOM_CLIENT_ID,
        settings.ZOOM_CLIENT_SECRET,
        oauth_url=settings.ZOOM_OAUTH_URL,
        api_url=settings.ZOOM_API_URL,
        **options,
    )


def _seconds(text) -> int | None:
    """Zoom's time (`2021-10-26T19:03:00Z`) as whole seconds since 1970 UTC; None if none."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp())


def _times(row: dict) -> tuple[int | None, int | None]:
    """A row's join and leave times; the leave time from the duration when it is missing."""
    joined, left = _seconds(row.get("join_time")), _seconds(row.get("leave_time"))
    if left is None and joined is not None and isinstance(row.get("duration"), int):
        left = joined + row["duration"]
    return joined, left


def parsed_rows(rows: list[dict], meeting: str) -> ParsedReport:
    """The Reports API's participant rows as the report file's (`zoom.ParsedReport`): each
    row's name, e-mail, join and leave times (UTC), grouped by name and e-mail, numbered in
    the order Zoom gives them; the waiting room's rows set aside. Raises ZoomError, naming
    the rows, when any has no time that can be read."""
    pairs: dict[tuple[str, str], tuple[int, list[int], list[int]]] = {}
    waiting = 0
    problems = []
    for number, row in enumerate(rows, start=1):
        if row.get("status") == WAITING_ROOM:
            waiting += 1
            continue
        joined, left = _times(row)
        if joined is None or left is None or left < joined:
            problems.append(number)
            continue
        key = (
            " ".join(str(row.get("name") or "").split()),
            str(row.get("user_email") or "").strip(),
        )
        found = pairs.setdefault(key, (number, [], []))
        found[1].append(joined)
        found[2].append(left)
    if problems:
        raise ZoomError(
            ngettext(
                "Nothing was imported: %(count)s row of Zoom's report has no join and leave "
                "times that can be read.",
                "Nothing was imported: %(count)s rows of Zoom's report have no join and leave "
                "times that can be read.",
                len(problems),
            )
            % {"count": len(problems)},
            "badrows",
            [
                _("Row %(number)s: no join and leave times that can be read.") % {"number": number}
                for number in problems[:MAX_PROBLEMS_LISTED]
            ],
        )
    return ParsedReport(
        groups={
            key: RowGroup(first, tuple(joins), tuple(leaves))
            for key, (first, joins, leaves) in pairs.items()
        },
        meeting_id=meeting_id(meeting),
        waiting_room_rows=waiting,
    )


def meeting_id(meeting: str) -> str:
    """`meeting` as recorded: a numeric id without its spaces, a UUID as it is."""
    compact = "".join(meeting.split())
    return compact if compact.isdigit() else meeting.strip()


def fingerprint(meeting: str, rows: list[dict]) -> str:
    """What tells the same report read again: the meeting and its rows, in any order."""
    kept = sorted(
        json.dumps(
            [
                str(row.get(name) or "")
                for name in ("name", "user_email", "join_time", "leave_time", "status")
            ]
        )
        for row in rows
    )
    return hashlib.sha256(json.dumps(["zoom", meeting_id(meeting), kept]).encode()).hexdigest()


def _check_occurrence(session, parsed: ParsedReport, meeting: str) -> None:
    """Refuse a report with no row near the session's scheduled time: another occurrence."""
    start = int((session.starts_at - SCHEDULE_MARGIN).timestamp())
    end = int((session.ends_at + SCHEDULE_MARGIN).timestamp())
    joins = [joined for group in parsed.groups.values() for joined in group.joined]
    leaves = [left for group in parsed.groups.values() for left in group.left]
    if any(left > start and joined < end for joined, left in zip(joins, leaves, strict=True)):
        return
    first = dt.datetime.fromtimestamp(min(joins), dt.UTC)
    raise ZoomError(
        _(
            "Zoom's report of meeting %(meeting)s is of another occurrence (it starts on "
            "%(when)s), not of this session: give the UUID of this session's occurrence as "
            "its Zoom meeting."
        )
        % {"meeting": meeting, "when": when(first, session.programme.zone)},
        "othermeeting",
    )


def import_attendance(session, actor, *, dry_run: bool = False, site=None, progress=None):
    """Import `session`'s attendance from Zoom's report of its meeting
    (`services.ImportOutcome`). Raises ZoomError, with nothing saved, when Zoom cannot
    answer for the meeting, its report is not ready yet, or it is of another occurrence."""
    meeting = session.zoom_meeting.strip()
    if not meeting:
        raise ZoomError(
            _(
                "Session %(number)s names no Zoom meeting: give its meeting ID in the "
                "session's settings."
            )
            % {"number": session.number},
            "nomeeting",
        )
    site = site or client()
    try:
        rows = site.meeting_participants(meeting, progress)
    except ZoomError as error:
        recent = timezone.now() < session.ends_at + READY_WITHIN
        if error.code == str(MEETING_NOT_FOUND) and recent:
            raise not_ready(meeting) from error
        raise
    parsed = parsed_rows(rows, meeting)
    if not parsed.groups:
        raise not_ready(meeting)
    _check_occurrence(session, parsed, meeting)
    return services.import_parsed_report(
        session,
        parsed,
        filename=SOURCE_NAME,
        fingerprint=fingerprint(meeting, rows),
        time_zone="UTC",
        actor=actor,
        dry_run=dry_run,
        details={"meeting": meeting_id(meeting)},
        # Zoom's report read again is the whole report, grown since: it replaces the last.
        replaces_earlier=True,
    )
