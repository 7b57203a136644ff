"""Reading Zoom's participants report (Reports → Usage → Participants, exported as CSV).

What it accepts:

- UTF-8 with or without a byte-order mark; lines with or without a trailing comma;
- with or without the meeting block above the participants (`Meeting ID,Topic,…`, one row
  of values, a blank line);
- the participants' columns `Name (Original Name)` (any case) or `Name`, `User Email` or
  `Email`, `Join Time`, `Leave Time`, and any others (`Duration (Minutes)`, `Guest`,
  `Recording Consent`, `In Waiting Room`…), which are not needed;
- times as Zoom writes them, `10/26/2021 02:03:00 PM` (also without seconds, or on a
  24-hour clock `10/26/2021 14:03:00`), in the zone of the account that exported them.

What it refuses, with a `ReportError` whose message says what to do:

- an empty file, a file that is not UTF-8, a file without the participants' columns;
- the "unique users" variant (one row per person with `Total Duration (Minutes)` and no
  join and leave times): it cannot show overlapping devices or the time outside the session;
- a file with any unreadable time or any row leaving before it joins: every such row is
  named in `problems`, and nothing of the file is used.

Rows spent in the waiting room (`In Waiting Room` = Yes) are not time in the meeting: they
are left out and counted in `ParsedReport.waiting_room_rows`.

Speed: the import of a 100,000-row report is budgeted at three times the time the csv module
alone takes to read it (`bench/bench_zoom_import.py`). So one loop groups the rows by name
and e-mail as the csv module yields them (one look-up and one `extend` per row, no object
kept per row), each distinct time string is converted once, and the checks run over whole
groups with C-level built-ins. Irregular files (blank or short lines among the rows, faulty
times) are read again row by row, which names the faulty rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zoneinfo
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter, lt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from capacita.shared import uploads
from capacita.shared.errors import UserError
from capacita.shared.spreadsheets import NotText, decode_text

# How many problem rows a refusal lists before saying "and N more".
MAX_PROBLEMS_LISTED = 50
# The participants' header must appear within this many lines of the top.
HEADER_SEARCH_LINES = 20
# Records read at most (a 100,000-row report is about 10 MB): more is refused, unread.
MAX_RECORDS = 300_000

NAME_COLUMNS = ("name (original name)", "name", "participant", "user name", "display name")
EMAIL_COLUMNS = ("user email", "email", "e-mail", "user e-mail")
JOIN_COLUMN = "join time"
LEAVE_COLUMN = "leave time"
UNIQUE_USERS_COLUMN = "total duration (minutes)"
WAITING_ROOM_COLUMN = "in waiting room"
MEETING_ID_COLUMN = "meeting id"
TOPIC_COLUMN = "topic"
YES = frozenset({"yes", "sí", "si", "true", "1"})

_TIME = re.compile(
    r"\s*(\d{1,2})/(\d{1,2})/(\d{4})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"\s*([AaPp]\.?\s*[Mm]\.?)?\s*$"
)
_ISO_TIME = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?\s*$")
# A time that cannot be read: below every real one.
UNREADABLE = -(2**62)


class ReportError(UserError):
    """The report cannot be used. `message` says why in the active language; `problems`
    names each faulty row."""


@dataclass
class RowGroup:
    """The rows of one name and e-mail: the first one's row number in the file (as a
    spreadsheet numbers it), and each row's join and leave times, position by position, in
    whole seconds since 1970-01-01 UTC."""

    first_row: int
    joined: tuple[int, ...]
    left: tuple[int, ...]

    @property
    def row_count(self) -> int:
        return len(self.joined)

    @property
    def spans(self) -> list[tuple[int, int]]:
        return list(zip(self.joined, self.left, strict=True))

    @property
    def spans_at(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """The rows' intervals as aware datetimes in UTC."""
        return [(_utc(joined), _utc(left)) for joined, left in self.spans]


def _utc(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


@dataclass
class ParsedReport:
    """The participants' rows, grouped by (name, e-mail) as the report shows them (spaces
    around them removed)."""

    groups: dict[tuple[str, str], RowGroup]
    meeting_id: str = ""
    topic: str = ""
    waiting_room_rows: int = 0
    columns: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(group.row_count for group in self.groups.values())


def parse_time(text: str, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """`text` as Zoom writes a time, read in `zone`, in UTC; None when it is not a time.

    Wall-clock times repeated when the clocks go back are read as the first of the two.
    """
    match = _TIME.match(text)
    if match:
        month, day, year, hour, minute, second, meridiem = match.groups()
        hour = int(hour)
        if meridiem:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if meridiem[0] in "Pp" else 0)
    else:
        match = _ISO_TIME.match(text)
        if not match:
            return None
        year, month, day, hour, minute, second = match.groups()
        hour = int(hour)
    try:
        local = dt.datetime(
            int(year), int(month), int(day), hour, int(minute), int(second or 0), tzinfo=zone
        )
    except ValueError:
        return None
    return local.astimezone(dt.UTC)


class _Clock:
    """`seconds(text)`: Zoom's local time `text` in `zone` as whole seconds since 1970 UTC
    (UNREADABLE when it is not a time), the same as `parse_time` but faster: the zone's
    offset is worked out once per local hour (offsets change on the hour)."""

    def __init__(self, zone: zoneinfo.ZoneInfo):
        self.zone = zone
        self.hours: dict[tuple, int] = {}

    def seconds(self, text: str) -> int:
        match = _TIME.match(text)
        if match:
            month, day, year, hour, minute, second, meridiem = match.groups()
            key = (year, month, day, hour, meridiem[0] in "Pp" if meridiem else None)
        else:
            match = _ISO_TIME.match(text)
            if not match:
                return UNREADABLE
            year, month, day, hour, minute, second = match.groups()
            key = (year, month, day, hour, None)
        base = self.hours.get(key)
        if base is None:
            base = self.hours[key] = self._hour(*key)
        minute, second = int(minute), int(second or 0)
        if base == UNREADABLE or minute > 59 or second > 59:
            return UNREADABLE
        return base + minute * 60 + second

    def _hour(self, year, month, day, hour, afternoon) -> int:
        hour = int(hour)
        if afternoon is not None:
            if not 1 <= hour <= 12:
                return UNREADABLE
            hour = hour % 12 + (12 if afternoon else 0)
        try:
            local = dt.datetime(int(year), int(month), int(day), hour, tzinfo=self.zone)
        except ValueError:
            return UNREADABLE
        return int(local.timestamp())


class _Seconds(dict):
    """Time string → seconds, converting a string on its first look-up; `unreadable` tells
    whether any string so far was not a time."""

    def __init__(self, convert):
        super().__init__()
        self.convert = convert
        self.unreadable = False

    def __missing__(self, text: str) -> int:
        value = self[text] = self.convert(text)
        if value == UNREADABLE:
            self.unreadable = True
        return value


def _decode(content: bytes) -> str:
    try:
        text = decode_text(content, utf8_only=True)
    except NotText:
        raise ReportError(
            _(
                "The file is not a CSV file as Zoom exports it (UTF-8 text). Export the "
                "participants report from Zoom again and upload that file unchanged."
            )
        ) from None
    if not text or text.isspace():
        raise ReportError(_("The file is empty."))
    return text


def _clean(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").split()).lower()


def _find(columns: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in columns:
            return columns.index(name)
    return None


def _csv_error(reader, exc) -> ReportError:
    return ReportError(
        _("The file cannot be read as CSV (line %(line)s): %(error)s")
        % {"line": reader.line_num, "error": exc}
    )


@dataclass
class _Layout:
    """Where the participants' columns are, and how many lines precede the first row."""

    header: list[str]
    lines_before: int
    name_at: int
    email_at: int | None
    join_at: int
    leave_at: int
    waiting_at: int | None
    meeting_id: str = ""
    topic: str = ""

    @property
    def picked(self) -> list[int]:
        """The columns read from each row."""
        return [*self.key_columns, self.join_at, self.leave_at]

    @property
    def key_columns(self) -> list[int]:
        """The columns that group rows: name, then e-mail and waiting room if present."""
        return [at for at in (self.name_at, self.email_at, self.waiting_at) if at is not None]

    def key_parts(self, key) -> tuple[str, str, str]:
        """(name, e-mail, waiting room) from a group's key (a string for the name alone)."""
        if isinstance(key, str):
            return key, "", ""
        values = iter(key)
        name = next(values)
        email = next(values) if self.email_at is not None else ""
        waiting = next(values) if self.waiting_at is not None else ""
        return name, email, waiting


def _layout(reader) -> _Layout:
    """Read the lines above the participants' rows (the meeting block, the header)."""
    meeting_id = topic = ""
    number = 0
    header = None
    try:
        for cells in reader:
            number += 1
            if number > HEADER_SEARCH_LINES:
                break
            columns = [_clean(cell) for cell in cells]
            if JOIN_COLUMN in columns:
                header = columns
                break
            if UNIQUE_USERS_COLUMN in columns:
                raise ReportError(
                    _(
                        "This is Zoom's “unique users” report: it has one total per person and "
                        "no join and leave times, so time outside the session and two devices "
                        "at once cannot be told apart. In Zoom, open Reports → Usage → "
                        "Participants, untick “Show unique users” and export again; upload "
                        "that full report."
                    )
                )
            if MEETING_ID_COLUMN in columns and TOPIC_COLUMN in columns:
                values = next(reader, [])
                number += 1
                at = columns.index(MEETING_ID_COLUMN)
                meeting_id = values[at].strip() if at < len(values) else ""
                at = columns.index(TOPIC_COLUMN)
                topic = values[at].strip() if at < len(values) else ""
    except csv.Error as exc:
        raise _csv_error(reader, exc) from None
    if header is None:
        raise ReportError(
            _(
                "This is not Zoom's participants report: no column “Join Time” was found. "
                "In Zoom, open Reports → Usage → Participants and export the list as CSV."
            )
        )
    name_at = _find(header, NAME_COLUMNS)
    leave_at = _find(header, (LEAVE_COLUMN,))
    missing = [
        label
        for label, at in (("Name (Original Name)", name_at), ("Leave Time", leave_at))
        if at is None
    ]
    if missing:
        raise ReportError(
            _("The participants report has no column %(columns)s.")
            % {"columns": ", ".join(f"“{label}”" for label in missing)}
        )
    return _Layout(
        header=header,
        lines_before=number,
        name_at=name_at,
        email_at=_find(header, EMAIL_COLUMNS),
        join_at=header.index(JOIN_COLUMN),
        leave_at=leave_at,
        waiting_at=_find(header, (WAITING_ROOM_COLUMN,)),
        meeting_id=meeting_id,
        topic=topic,
    )


def parse_report(content: bytes, zone: zoneinfo.ZoneInfo) -> ParsedReport:
    """Every participants' row of the report, times read in `zone`, kept in UTC, grouped
    by name and e-mail.

    Raises `ReportError` when the file cannot be used at all or when any row is faulty
    (`problems` then names them by row): a report is taken whole or not at all.
    """
    if uploads.sniff(content[: uploads.SNIFF_BYTES]) in ("zip", "xlsx", "ole"):
        raise ReportError(
            _(
                "This is a spreadsheet workbook, not CSV. Export the participants report "
                "from Zoom again as CSV and upload that file unchanged."
            )
        )
    text = _decode(content)
    # A field longer than this is no name, e-mail or time: the csv module refuses it.
    csv.field_size_limit(uploads.MAX_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text))
    layout = _layout(reader)
    try:
        return _finish(_read_fast(reader, layout), layout, zone, problems=None)
    except _Irregular:
        pass
    reader = csv.reader(io.StringIO(text))
    for _line in range(layout.lines_before):
        next(reader)
    problems: list[tuple[int, str]] = []
    return _finish(_read_slowly(reader, layout, problems), layout, zone, problems=problems)


class _Irregular(Exception):
    """Something in the rows needs the careful reading: a blank or short line, a time that
    cannot be read, a row leaving before it joins."""


@dataclass
class _Read:
    """The rows as read, grouped by their key columns (name, then e-mail and waiting room
    when the report has them): each group's join and leave times as written, one after the
    other (join, leave, join, leave…), the line of its first row and, from the careful
    reading only, every row's number."""

    pairs: dict
    first_line: dict
    numbers: dict | None = None


def _read_fast(reader, layout: _Layout) -> _Read:
    """The one loop over every row of a regular report, so it does as little as it can:
    one dictionary look-up and one `extend` per row (the waiting-room column is part of
    the key, not a test). Anything irregular raises `_Irregular`."""
    pairs: dict = {}
    first_line: dict = {}
    find = pairs.get
    key_of = itemgetter(*layout.key_columns)
    times_of = itemgetter(layout.join_at, layout.leave_at)
    try:
        for cells in islice(reader, MAX_RECORDS - layout.lines_before):
            key = key_of(cells)
            found = find(key)
            if found is None:
                found = pairs[key] = []
                first_line[key] = reader.line_num
            found.extend(times_of(cells))  # no object kept per row: no work for the GC
        _refuse_more(reader)
    except IndexError:  # a blank or short line
        raise _Irregular from None
    except csv.Error as exc:
        raise _csv_error(reader, exc) from None
    return _Read(pairs, first_line)


def _refuse_more(reader) -> None:
    """Refuse the report when `reader` has a record beyond MAX_RECORDS (it is not read)."""
    if next(reader, None) is not None:
        raise ReportError(
            _("The report has more than %(count)s rows: split the meeting's report.")
            % {"count": MAX_RECORDS}
        )


def _read_slowly(reader, layout: _Layout, problems: list) -> _Read:
    """`_read_fast` row by row, for irregular reports: blank lines (or lines of commas only)
    are skipped, short lines go to `problems`, every row's number is kept."""
    read = _Read({}, {}, {})
    key_of = itemgetter(*layout.key_columns)
    times_of = itemgetter(layout.join_at, layout.leave_at)
    needed = max(layout.picked) + 1
    try:
        records = islice(reader, MAX_RECORDS - layout.lines_before)
        for number, cells in enumerate(records, start=layout.lines_before + 1):
            if not any(map(str.strip, cells)):
                continue
            if len(cells) < needed:
                problems.append((number, _("some columns are missing")))
                continue
            key = key_of(cells)
            if key not in read.pairs:
                read.pairs[key], read.numbers[key] = [], []
                read.first_line[key] = number
            read.pairs[key].extend(times_of(cells))
            read.numbers[key].append(number)
        _refuse_more(reader)
    except csv.Error as exc:
        raise _csv_error(reader, exc) from None
    return read


def _finish(
    read: _Read, layout: _Layout, zone: zoneinfo.ZoneInfo, problems: list | None
) -> ParsedReport:
    """Times converted and checked, waiting-room rows set aside, names and e-mails
    stripped of spaces around them.

    With `problems` None (the fast reading, no row numbers) any faulty time raises
    `_Irregular` so the careful reading can name the rows."""
    columns = {key: (times[0::2], times[1::2]) for key, times in read.pairs.items()}
    # Each distinct time string converted once (a report repeats them: Zoom writes whole
    # seconds), on its first look-up.
    seconds = _Seconds(_Clock(zone).seconds)
    second_of = seconds.__getitem__
    parts_of = layout.key_parts
    groups: dict[tuple[str, str], RowGroup] = {}
    waiting_rows = 0
    for key, (joins, leaves) in columns.items():
        name, email, waiting = parts_of(key)
        if waiting and waiting.strip().lower() in YES:
            waiting_rows += len(joins)
            continue
        joined = tuple(map(second_of, joins))
        left = tuple(map(second_of, leaves))
        if seconds.unreadable or any(map(lt, left, joined)):
            if problems is None:
                raise _Irregular
            problems += _time_problems(read.numbers[key], joins, joined, leaves, left)
        group = RowGroup(read.first_line[key], joined, left)
        key = (" ".join(name.split()), email.strip())
        if key in groups:  # the same name and e-mail but for spaces or the waiting room
            group = _merged(groups[key], group)
        groups[key] = group
    if problems:
        raise _refusal(problems)
    if not groups:
        raise ReportError(_("The participants report has no participants' rows."))
    return ParsedReport(
        groups=groups,
        meeting_id=layout.meeting_id,
        topic=layout.topic,
        waiting_room_rows=waiting_rows,
        columns=layout.header,
    )


def _merged(first: RowGroup, second: RowGroup) -> RowGroup:
    return RowGroup(
        min(first.first_row, second.first_row),
        first.joined + second.joined,
        first.left + second.left,
    )


def _time_problems(numbers, joins, joined, leaves, left) -> list[tuple[int, str]]:
    problems = []
    for number, joined_text, joined_at, left_text, left_at in zip(
        numbers, joins, joined, leaves, left, strict=True
    ):
        if joined_at == UNREADABLE or left_at == UNREADABLE:
            bad = joined_text if joined_at == UNREADABLE else left_text
            problems.append(
                (
                    number,
                    _("“%(value)s” is not a time such as 10/26/2021 02:03:00 PM")
                    % {"value": bad.strip()},
                )
            )
        elif left_at < joined_at:
            problems.append(
                (
                    number,
                    _("the leave time %(left)s is before the join time %(joined)s")
                    % {"left": left_text.strip(), "joined": joined_text.strip()},
                )
            )
    return problems


def _refusal(problems: list[tuple[int, str]]) -> ReportError:
    problems = sorted(problems)
    lines = [
        _("Row %(number)s: %(problem)s.") % {"number": number, "problem": problem}
        for number, problem in problems[:MAX_PROBLEMS_LISTED]
    ]
    more = len(problems) - MAX_PROBLEMS_LISTED
    if more > 0:
        lines.append(
            ngettext("… and %(count)s more row.", "… and %(count)s more rows.", more)
            % {"count": more}
        )
    return ReportError(
        ngettext(
            "Nothing was imported: %(count)s row cannot be read. Correct it, or export "
            "the report from Zoom again.",
            "Nothing was imported: %(count)s rows cannot be read. Correct them, or export "
            "the report from Zoom again.",
            len(problems),
        )
        % {"count": len(problems)},
        lines,
    )
