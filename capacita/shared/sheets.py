"""The CSV files and XLSX workbooks the platform writes: no cell is ever run as a formula.

A spreadsheet program takes a cell starting with =, +, -, @, a tab or a carriage return for a
formula ("CSV injection"), and what people type (names, e-mail addresses, answers, reasons)
reaches these files. Every writer goes through this module:

- in CSV, such a cell gets a single quote before it (`csv_text`), which spreadsheet programs
  show as text. So does such a character after a semicolon or a line break inside a cell:
  where the list separator is the semicolon (many Spanish-speaking settings), a spreadsheet
  program splits a comma-separated file at semicolons, and an unquoted line break ends the
  row, so what follows would start a cell of its own;
- in a workbook, typed text goes into a cell of type text (`text_cell`), which is never a
  formula whatever it starts with: the text is kept exactly as typed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet program may start a cell inside one CSV cell's text, before one of the
# FORMULA_STARTS: at its beginning, after a semicolon, after a line break.
_CELL_START_BEFORE_FORMULA = re.compile(r"(?:^|(?<=[;\r\n]))(?=[=+\-@\t\r])")
# Values a workbook holds as they are: they are never a formula.
_PLAIN_VALUES = (int, float, Decimal, dt.date, dt.time, dt.timedelta)


def csv_text(value) -> str:
    """The text of one CSV cell: `value` as text, with a single quote before every one of
    =, +, -, @, tab or carriage return that starts it or follows a semicolon or a line break.
    Other text is written as it is."""
    text = "" if value is None else str(value)
    return _CELL_START_BEFORE_FORMULA.sub("'", text)


def csv_file(header: Iterable, lines: Iterable[Iterable], *, bom: bool = True) -> bytes:
    """A CSV file (UTF-8, comma separated, CRLF line ends, quoted by the csv module where
    needed) of `header` and `lines`, every cell through `csv_text`. With `bom`, a byte-order
    mark first, which lets spreadsheet programs read the accents right."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_text(value) for value in header])
    for line in lines:
        writer.writerow([csv_text(value) for value in line])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def sheet_text(value) -> str:
    """Text a spreadsheet cell can hold: control characters (which XLSX forbids) removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))


def text_cell(sheet, value, *, row: int | None = None, column: int | None = None) -> Cell:
    """A cell of `sheet` holding `value` as text, never a formula (openpyxl would otherwise
    write “=…” as one). Without `row` and `column`, a cell to `append` in a row (changing
    cells after `append` means finding the row again, and `sheet.max_row` goes over every
    cell: a workbook of 10,000 rows took 24 s); with them, the cell at that place, written."""
    cell = Cell(sheet) if row is None else sheet.cell(row=row, column=column)
    cell.value = sheet_text(value)
    cell.data_type = "s"
    return cell


def sheet_cell(sheet, value):
    """What to `append` for `value`: a number, a date or nothing as it is, anything else as
    a text cell."""
    if value is None or isinstance(value, _PLAIN_VALUES):
        return value
    return text_cell(sheet, value)


def fill_sheet(sheet, header, lines, cell=text_cell) -> None:
    """`header` in bold and frozen, as text, then `lines`, each value through `cell`
    (`text_cell`, or `sheet_cell` to keep numbers and dates as they are)."""
    sheet.append([text_cell(sheet, value) for value in header])
    for title in sheet[1]:
        title.font = Font(bold=True)
    for line in lines:
        sheet.append([cell(sheet, value) for value in line])
    sheet.freeze_panes = "A2"


def text_workbook(title: str, header, lines) -> bytes:
    """A one-sheet workbook whose every cell is text: what people typed is never read as a
    formula. Bold header, frozen, columns as wide as their content (up to 60).

    Written in openpyxl's write-only mode, row after row into the file, instead of keeping
    every cell to measure and save (the board's 10,000 rows × 11 columns: 1.4 s → 1.0 s).
    The columns' widths are measured on the texts first, as a write-only sheet takes them
    before its rows."""
    header = [sheet_text(value) for value in header]
    lines = [[sheet_text(value) for value in line] for line in lines]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    widths = [len(value) for value in header]
    for line in lines:
        if len(line) > len(widths):
            widths.extend([0] * (len(line) - len(widths)))
        for index, value in enumerate(line):
            if len(value) > widths[index]:
                widths[index] = len(value)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_text(sheet, value, bold) for value in header])
    for line in lines:
        sheet.append([value if _stays_text(value) else _text(sheet, value) for value in line])
    return saved(workbook)


def _stays_text(text: str) -> bool:
    """Whether openpyxl keeps `text`, appended as it is, as text: it takes a text starting
    with = for a formula and one like #N/A for an error, so those go in a cell made text
    (`_text`). The others are appended as they are: a cell made for each of 100,000 texts
    took a third of the workbook's time."""
    return not text.startswith("=") and text not in ERROR_CODES


def _text(sheet, text: str, font=None) -> Cell:
    """A text cell of a write-only `sheet` for `text`, already through `sheet_text`."""
    cell = Cell(sheet, row=1, column=1)  # placed by `append`
    cell.value = text
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def saved(workbook) -> bytes:
    """The workbook's XLSX file."""
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
