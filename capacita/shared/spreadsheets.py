"""Spreadsheets people upload, read as text: what every reader of a CSV or XLSX file needs,
whatever the file is a list of.

- Text: `decode_text` is the one reading of an uploaded text file's bytes (the encodings
  spreadsheet programs and other sites write); `detect_separator` tells which of `;`, tab or
  `,` splits its cells, counting only outside quotes (`count_outside_quotes`).
- Rows: `csv_rows` and `xlsx_rows` give a file's rows as (number as the person sees it in the
  file, cell texts), read lazily within the limits the caller sets; `cell_text` is an XLSX
  value as the text a person sees in its cell.
- Cells: `clean` is a cell's text as a name or a header is kept: no control characters, no
  zero-width marks, single spaces.

The signatures that tell a workbook from text are `uploads`' table (`uploads.signature_kind`).
Each reader turns the errors raised here into its own, with its own words.
"""

from __future__ import annotations

import codecs
import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal

from django.utils.translation import gettext as _

from capacita.shared import uploads
from capacita.shared.errors import UserError

Rows = Iterator[tuple[int, list[str]]]  # (row number as the person sees it, cell texts)

SEPARATORS = (";", "\t", ",")  # on a tie, the first wins: commas also occur inside text
# The separator is looked for on this many first non-blank lines (a title may sit above the
# header, and have none).
SEPARATOR_SEARCH_LINES = 10
# How much of a file's start the separator is looked for in.
SEPARATOR_SEARCH_CHARS = 65536


class SheetError(UserError):
    """The file cannot be read as rows of cells; `message` says why in the active language."""


class NotText(SheetError):
    """The bytes are no text in any encoding `decode_text` reads."""


# --- Text ----------------------------------------------------------------------------------


def decode_text(content: bytes, *, utf8_only: bool = False) -> str:
    """The text of an uploaded file, whose encoding is told from its bytes:

    1. UTF-16, when it starts with a UTF-16 byte-order mark, or when zero bytes fill every
       other byte of its start (Moodle's "Excel CSV" is UTF-16; some tools drop the mark);
    2. else UTF-8, with or without its byte-order mark;
    3. else Windows-1252 (what Excel writes as "CSV" on Windows in Spanish and English);
    4. else Latin-1, which reads any byte: Windows-1252 leaves five bytes undefined.

    A byte-order mark is never part of the text. With `utf8_only`, only step 2 is tried.
    Raises NotText when the bytes are not text in the encoding they are told to be in (a
    UTF-16 start with an odd number of bytes or a broken pair; with `utf8_only`, anything
    that is not UTF-8).
    """
    if utf8_only:
        # For files that only one program writes, in UTF-8 (Zoom's reports): any other
        # encoding means the file was opened and saved again by another program, which also
        # rewrites the cells in its own way, and the person is better told to export it again
        # than given a reading of it.
        try:
            return content.removeprefix(codecs.BOM_UTF8).decode("utf-8")
        except UnicodeDecodeError as error:
            raise _not_text() from error
    encoding = _utf16_encoding(content)
    if encoding:
        try:
            # "utf-16" drops the mark it reads; a second one, or the mark of a file whose
            # encoding was told from its zero bytes, is dropped here: it is never text.
            return content.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            raise _not_text() from error
    content = content.removeprefix(codecs.BOM_UTF8)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def _utf16_encoding(content: bytes) -> str | None:
    """The UTF-16 codec for `content`, or None when it does not look like UTF-16."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # Text of the Latin alphabet in UTF-16 has a zero byte beside nearly every letter, where
    # text in UTF-8 or a one-byte encoding has none: such a file is read as the UTF-16 it is
    # rather than as a text full of NULs, which every reader refuses. A reader that refuses
    # binary-looking files before decoding never gets this far with one.
    head = content[:200]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0] != 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1] != 0:
        return "utf-16-be"
    return None


def _not_text() -> NotText:
    return NotText(_("This file is not a text file: save it as XLSX or CSV."))


def count_outside_quotes(line: str, separators: tuple[str, ...] = SEPARATORS) -> dict[str, int]:
    """How often each of `separators` occurs in `line` outside double quotes."""
    counts = dict.fromkeys(separators, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return counts


def detect_separator(
    text: str,
    separators: tuple[str, ...] = SEPARATORS,
    search_lines: int = SEPARATOR_SEARCH_LINES,
) -> str:
    """The one of `separators` found most often outside quotes on the first line that has
    any (a title above the headers may have none; blank lines are passed over), looking at
    `search_lines` non-blank lines at most; a comma when none has any."""
    checked = 0
    for line in text[:SEPARATOR_SEARCH_CHARS].splitlines():
        if not line.strip():
            continue
        counts = count_outside_quotes(line, separators)
        if any(counts.values()):
            return max(separators, key=lambda separator: counts[separator])
        checked += 1
        if checked >= search_lines:
            break
    return ","


# --- Rows ----------------------------------------------------------------------------------


def csv_rows(text: str, *, max_records: int, search_lines: int = SEPARATOR_SEARCH_LINES) -> Rows:
    """The records of CSV `text`, split at the separator `detect_separator` finds, numbered
    as a spreadsheet program shows the file: a quoted cell spanning two lines is one row, a
    blank line is a row of its own. Read lazily (close the iterator to stop early); raises
    what `uploads.csv_records` raises, past `max_records` records among others."""
    delimiter = detect_separator(text, search_lines=search_lines)
    records = uploads.csv_records(text, max_records=max_records, delimiter=delimiter)
    try:
        yield from enumerate(records, start=1)
    finally:
        records.close()


def xlsx_rows(content: bytes, *, max_rows: int, max_unpacked: int | None = None) -> Rows:
    """The first worksheet's non-empty rows, numbered as in Excel, each cell as the text a
    person sees in it (`cell_text`). Read lazily (close the iterator to stop early), so that
    reading stops where the caller refuses the file; raises what `uploads.xlsx_rows` raises
    (a zip bomb, cells beyond the sheet's limits, more than `max_rows` rows…)."""
    rows = uploads.xlsx_rows(content, max_rows=max_rows, max_unpacked=max_unpacked)
    try:
        for number, values in rows:
            yield number, [cell_text(value) for value in values]
    finally:
        rows.close()


def cell_text(value: object) -> str:
    """An XLSX cell's value as the text a person sees in it (dates as ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        # Excel keeps times as fractions of a day: 14:30 may come back as 14:29:59.999998.
        value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


# --- Cells ---------------------------------------------------------------------------------

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
JOINERS = "\u200c\u200d"  # meaningful inside some scripts; dropped only at the ends


def clean(text: str) -> str:
    """A cell's text as a name is kept: NFC, no invisible characters, single inner spaces,
    nothing around. Accents and ñ stay as written."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = CONTROL_CHARACTERS.sub(" ", text)
    if not text.isascii():
        # Zero-width spaces, BOMs, soft hyphens and direction marks come with copied text.
        text = "".join(
            char for char in text if char in JOINERS or unicodedata.category(char) != "Cf"
        )
        text = " ".join(text.split()).strip(JOINERS)
    return " ".join(text.split())
