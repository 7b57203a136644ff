"""The learning site (IOM's E-Campus, a Moodle site): what goes to it and what comes back.

`moodle_users_csv` writes the programme's accepted participants as the CSV that Moodle's
"Upload users" administration tool takes, enrolling each of them on the programme's courses.

`read_completion_report` reads the course completion report that Moodle exports as CSV
(`report/completion/index.php?course=…&format=csv` or `format=excelcsv`). Its columns are:
`ID`, `Name` (some sites: `First name` and `Last name`), the site's identity fields (the
e-mail address among them), then per activity criterion its state (`Completed` /
`Not completed`, or the words of the site's language) and `<activity> - Completion date`,
other criteria as one date column each, and last `Course complete`, holding the date the
course was completed, blank while it is not. Some sites give `Course complete` as a state word
with the date in a separate `Course complete Date` column. Only the e-mail, the name and the
course's own completion are read; the columns are found by their headers, in English or
Spanish. Dates are written in the site's short format, in the zone of whoever exported the
report (`03/11/21, 10:22` is 3 November 2021 in Moodle's default day-first format), so the
reader is told the date order and the zone; `dates.parse_moodle_date` reads them.

Reading touches no database, so it can be tested on its own. It raises `ReportError`, with a
message in the active language, when the file cannot be read as a report at all; a row whose
completion cannot be read is listed among the problems, and the other rows are still read.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from capacita.shared import uploads
from capacita.shared.errors import UserError
from capacita.shared.sheets import csv_file
from capacita.shared.spreadsheets import NotText, count_outside_quotes, decode_text
from capacita.shared.typed_text import folded, without_accents

from .dates import DATE_ORDERS, DateError, clean_text, order_label, parse_moodle_date
from .selectors import participants

MAX_BYTES = 5 * 1024 * 1024  # a report of a few thousand people is far smaller
MAX_ROWS = 20_000
# Records read at most, blank lines included: more is refused before they are all read.
MAX_RECORDS = 5 * MAX_ROWS
# The header is looked for among this many first non-empty rows (a title may sit above it).
HEADER_SEARCH_ROWS = 10
SEPARATORS = ("\t", ";", ",")  # on a tie, the first wins: commas also occur inside names


class ReportError(UserError):
    """The file cannot be read as a completion report; `message` says why."""


# --- The participants, for Moodle's "Upload users" -----------------------------------------


def _sort_key(text: str) -> str:
    return folded(text or "")


def moodle_users_csv(programme) -> bytes:
    """The CSV that Moodle's "Upload users" tool takes, for the programme's accepted
    participants (their PARTICIPANT memberships), sorted by last name then first name.

    Columns: `username` (the e-mail in lower case: Moodle's usernames are lower case),
    `firstname`, `lastname`, `email`, then `course1`, `course2`, … holding the short name of
    each of the programme's courses, required and optional alike (the course's `code`, which
    must be its short name on the learning site). UTF-8 without BOM, comma separated, quoted
    by the csv module where needed.

    Every cell is formula-safe (`capacita.shared.sheets.csv_text`): a cell starting with =, +, -, @,
    a tab or a carriage return (the username and the e-mail address too) is written after a
    single quote, so that no spreadsheet program runs it when the file is opened. Moodle's
    "Upload users" reads the file literally: in a name the quote is kept and shown; in an
    e-mail address it makes another address (Moodle accepts it, `'` being allowed before the
    @), which the learning site's messages do not reach and whose completion rows come back
    unmatched; in a username, "Standardise usernames" (on by default) removes it with every
    other character but letters, digits and - _ . @ (unless the site allows extended
    characters in usernames). Such an address is to be corrected, not uploaded.
    """
    codes = list(programme.courses.order_by("position", "code").values_list("code", flat=True))
    people = sorted(
        participants(programme),
        key=lambda user: (
            _sort_key(user.last_name),
            _sort_key(user.first_name),
            user.email.lower(),
        ),
    )
    header = ["username", "firstname", "lastname", "email"] + [
        f"course{number}" for number in range(1, len(codes) + 1)
    ]
    lines = (
        [
            user.email.strip().lower(),
            user.first_name.strip(),
            user.last_name.strip(),
            user.email.strip(),
            *codes,
        ]
        for user in people
    )
    return csv_file(header, lines, bom=False)


# --- The completion report -----------------------------------------------------------------


@dataclass(frozen=True)
class CompletionRow:
    """One person's line of the report."""

    number: int  # the record's number in the file, the header's line being 1
    moodle_id: str
    name: str
    email: str  # as written, without the spaces around it ("" when the row has none)
    completed: bool
    completed_at: dt.datetime | None  # aware, in UTC; None when not completed or undated
    date_text: str  # the completion date as the report wrote it

    def as_dict(self) -> dict:
        data = asdict(self)
        data["completed_at"] = self.completed_at.isoformat() if self.completed_at else None
        return data


@dataclass(frozen=True)
class RowProblem:
    """A row whose completion could not be read: it is left out of the import."""

    number: int
    name: str
    email: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CompletionRows:
    rows: list[CompletionRow]
    problems: list[RowProblem]
    columns: dict[str, str]  # what each column used holds -> its header as written
    time_zone: str


def _normalise(text: str) -> str:
    """No accents, lower case, single spaces, no little words: "Dirección de correo" →
    "direccion correo"."""
    text = without_accents(text or "").lower()
    words = re.sub(r"[\W_]+", " ", text).split()
    return " ".join(word for word in words if word not in LITTLE_WORDS)


LITTLE_WORDS = frozenset({"de", "del", "la", "el", "los", "las", "the", "of"})

COURSE_COMPLETE = (
    "course complete", "course completed", "course completion", "course completion status",
    "curso completado", "curso completo", "curso finalizado", "curso terminado",
    "finalizacion curso", "estado finalizacion curso", "culminacion curso",
)  # fmt: skip
DATE_WORDS = (
    "date", "completion date", "date completed", "time completed", "fecha",
    "fecha finalizacion", "fecha terminacion", "fecha completado", "fecha finalizado",
)  # fmt: skip
HEADERS = {
    "moodle_id": ("id", "user id", "userid", "id usuario", "identificador", "moodle id"),
    "name": (
        "name", "full name", "fullname", "nombre completo", "nombre y apellido",
        "nombre y apellidos", "nombres y apellidos", "apellidos y nombre", "apellidos y nombres",
    ),
    # "Nombre" is the first name beside a surname column, the whole name without one.
    "first_or_name": ("nombre", "nombres", "nombre s"),
    "first_name": (
        "first name", "firstname", "first names", "given name", "given names", "primer nombre",
    ),
    "last_name": (
        "last name", "lastname", "surname", "surnames", "family name", "apellido", "apellidos",
        "apellido s",
    ),
    "email": (
        "email", "e mail", "email address", "e mail address", "correo", "correo electronico",
        "correo e", "direccion correo", "direccion correo electronico", "direccion email",
        "direccion e mail", "mail",
    ),
    "course_complete": COURSE_COMPLETE,
    "course_date": (
        *(f"{state} {date}" for state in COURSE_COMPLETE for date in DATE_WORDS),
        *(f"{date} {state}" for state in COURSE_COMPLETE for date in DATE_WORDS),
        "completion date", "date completed", "time completed", "fecha finalizacion",
        "fecha terminacion", "fecha finalizacion curso", "fecha terminacion curso",
    ),
}  # fmt: skip
ROLE_OF = {_normalise(alias): role for role, aliases in HEADERS.items() for alias in aliases}

# The state words of Moodle's `completion-y`, `completion-n` (and -pass, -fail) strings.
COMPLETE_WORDS = frozenset(
    {
        "completed", "complete", "yes", "y", "done", "si", "completado", "completada",
        "completo", "completa", "finalizado", "finalizada", "terminado", "terminada",
    }
)  # fmt: skip
NOT_COMPLETE_WORDS = frozenset(
    {
        "not completed", "not complete", "incomplete", "no", "n", "not yet", "in progress",
        "no completado", "no completada", "no finalizado", "no finalizada", "no terminado",
        "no terminada", "sin completar", "sin finalizar", "incompleto", "incompleta",
        "en progreso", "en curso", "pendiente",
    }
)  # fmt: skip
BLANKS = frozenset({"", "-", "--", "—", "–", "n a", "na"})


def completion_state(text: str) -> bool | None:
    """True for a "completed" word, False for a "not completed" one, None for anything else.
    "Completed (achieved pass grade)" and the like count as completed."""
    words = _normalise(text)
    if words in NOT_COMPLETE_WORDS or words.startswith(("not ", "no ", "sin ", "incomplet")):
        return False
    if words in COMPLETE_WORDS or words.split(" ", 1)[0] in COMPLETE_WORDS - {"y", "yes", "si"}:
        return True
    return None


def read_completion_report(
    content: bytes, date_order: str = "dmy", time_zone=None
) -> CompletionRows:
    """The rows of a Moodle course completion report (CSV, or Moodle's "Excel CSV": UTF-16
    with tabs).

    `date_order` ("dmy", "mdy" or "ymd") says how the site writes its short dates; four-digit
    years first are always read year first. `time_zone` (a name or a tzinfo; UTC when None)
    is the zone the dates are written in: they come back aware, in UTC. The encoding (UTF-8
    with or without BOM, UTF-16, else Windows-1252) and the separator (comma, semicolon or
    tab) are recognised.

    Raises ReportError when the file is empty, too large, not CSV text, or has no header with
    an e-mail column and a "Course complete" column. A row whose completion cannot be read
    is listed in `problems` and left out of `rows`.
    """
    if date_order not in DATE_ORDERS:
        raise ReportError(
            _("Unknown date order “%(order)s”: use dmy, mdy or ymd.") % {"order": date_order}
        )
    zone = _zone(time_zone)
    if not content:
        raise ReportError(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise ReportError(
            _("The file is larger than %(size)s MB: this is not a completion report.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if uploads.signature_kind(content) in ("zip", "ole"):
        raise ReportError(
            _(
                "This is a spreadsheet workbook, not CSV: download the completion report "
                "from the learning site as CSV."
            )
        )
    if uploads.sniff(content[: uploads.SNIFF_BYTES]) not in ("text", None):
        # A PDF, an image, a video…, whatever its name says. (None: binary-looking, which
        # UTF-16 without its byte-order mark also is; decoding judges it.)
        raise _not_csv()
    try:
        text = decode_text(content)
    except NotText as error:
        raise _not_csv() from error
    if "\x00" in text:
        raise _not_csv()
    try:
        records = list(
            uploads.csv_records(text, max_records=MAX_RECORDS, delimiter=_separator(text))
        )
    except uploads.MalformedCSV as error:
        raise _not_csv() from error
    except uploads.UploadError as error:
        raise ReportError(error.message) from error
    return _rows_of(records, date_order, zone)


def _not_csv() -> ReportError:
    return ReportError(
        _(
            "This file cannot be read as CSV: download the completion report from the "
            "learning site again, as CSV."
        )
    )


def _zone(time_zone) -> dt.tzinfo:
    if time_zone is None:
        return dt.UTC
    if isinstance(time_zone, dt.tzinfo):
        return time_zone
    try:
        return zoneinfo.ZoneInfo(str(time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ReportError(
            _("“%(zone)s” is not a time zone name such as America/Mexico_City.")
            % {"zone": time_zone}
        ) from error


def _separator(text: str) -> str:
    """Tab, semicolon or comma: the one found most often outside quotes on the first line
    that has any."""
    for line in text[:65536].splitlines()[:HEADER_SEARCH_ROWS]:
        counts = count_outside_quotes(line, SEPARATORS)
        if any(counts.values()):
            return max(SEPARATORS, key=lambda separator: counts[separator])
    return ","


def _columns(cells: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        role = ROLE_OF.get(_normalise(clean_text(cell)))
        if role == "course_complete":
            # Moodle puts the course's own column last: an activity of the same name is earlier.
            positions[role] = index
        elif role is not None:
            positions.setdefault(role, index)
    if "first_or_name" in positions:
        target = "first_name" if "last_name" in positions else "name"
        positions.setdefault(target, positions.pop("first_or_name"))
    return positions


def _rows_of(records: list[list[str]], order: str, zone: dt.tzinfo) -> CompletionRows:
    header_at = None
    candidates = 0
    first = None
    for index, cells in enumerate(records):
        if not any(clean_text(cell) for cell in cells):
            continue
        first = first if first is not None else index
        positions = _columns(cells)
        if "email" in positions and "course_complete" in positions:
            header_at = index
            break
        candidates += 1
        if candidates >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise ReportError(_("The file has no rows."))
    if header_at is None:
        positions = _columns(records[first])
        if "email" not in positions:
            raise ReportError(
                _(
                    "The report has no e-mail column. Rows are matched to participants by "
                    "their e-mail address: on the learning site, show it among the identity "
                    "fields of the report (showuseridentity) and download the report again."
                )
            )
        raise ReportError(
            _(
                "The report has no “Course complete” column: is this the course completion "
                "report (Reports › Course completion), downloaded as CSV?"
            )
        )

    header = records[header_at]
    positions = _columns(header)
    columns = {role: clean_text(header[index]) for role, index in positions.items()}
    rows: list[CompletionRow] = []
    problems: list[RowProblem] = []

    def cell(cells: list[str], role: str) -> str:
        index = positions.get(role)
        return clean_text(cells[index]) if index is not None and index < len(cells) else ""

    for index in range(header_at + 1, len(records)):
        cells = records[index]
        if not any(clean_text(value) for value in cells):
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            raise ReportError(_("The report has more than %(count)s rows.") % {"count": MAX_ROWS})
        number = index + 1
        name = cell(cells, "name") or " ".join(
            part for part in (cell(cells, "first_name"), cell(cells, "last_name")) if part
        )
        email = cell(cells, "email")
        state_text = cell(cells, "course_complete")
        date_text = cell(cells, "course_date")
        try:
            completed, local = _completion(state_text, date_text, "course_date" in positions, order)
        except DateError as error:
            problems.append(RowProblem(number, name, email, error.message))
            continue
        when = None
        if local is not None:
            when = local if local.tzinfo else local.replace(tzinfo=zone)
            when = when.astimezone(dt.UTC)
        rows.append(
            CompletionRow(
                number=number,
                moodle_id=cell(cells, "moodle_id"),
                name=name,
                email=email,
                completed=completed,
                completed_at=when,
                date_text=(date_text or state_text) if completed else "",
            )
        )
    zone_name = getattr(zone, "key", None) or str(zone)
    return CompletionRows(rows=rows, problems=problems, columns=columns, time_zone=zone_name)


def _completion(
    state_text: str, date_text: str, has_date_column: bool, order: str
) -> tuple[bool, dt.datetime | None]:
    """(completed, when) from the "Course complete" cell and, where the report has one, the
    separate date cell."""
    state_blank = _normalise(state_text) in BLANKS
    date_blank = _normalise(date_text) in BLANKS
    state = None if state_blank else completion_state(state_text)
    # "Completed 07/11/21, 09:15": the state word followed by the date, as some sites write
    # it; the date is read, never dropped (a cell whose date cannot be read is refused).
    written = _date_after_state(state_text) if state else None
    if has_date_column:
        if state is None and not state_blank:
            # Not a state word: a site writing the date here too.
            return True, parse_moodle_date(state_text, order)
        if state is None:
            state = not date_blank  # no state, but a date: completed then
        if not state:
            return False, None
        if not date_blank:
            return True, parse_moodle_date(date_text, order)
        return True, None if written is None else _state_date(state_text, written, order)
    if state_blank:
        return False, None
    if state is not None:
        if state and written is not None:
            return True, _state_date(state_text, written, order)
        return state, None
    return True, parse_moodle_date(state_text, order)


STATE_WORD = re.compile(r"^\W*[^\W\d_]+")


def _date_after_state(text: str) -> str | None:
    """What follows the state word of a "completed" cell, without the words in brackets
    ("Completed (achieved pass grade)"); None when nothing does."""
    text = clean_text(text)
    match = STATE_WORD.match(text)
    rest = text[match.end() :] if match else text
    rest = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", rest)
    rest = rest.strip(" \t:;,-–—")
    return rest or None


def _state_date(state_text: str, written: str, order: str) -> dt.datetime:
    """The date and time written after the state word; DateError naming the whole cell when
    they cannot be read (such a row is refused, never counted without its date)."""
    try:
        return parse_moodle_date(written, order)
    except DateError as error:
        raise DateError(
            _("“%(text)s” says the course is completed, but its date cannot be read as %(order)s.")
            % {"text": clean_text(state_text), "order": order_label(order)}
        ) from error
