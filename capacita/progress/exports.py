"""The board as a spreadsheet (XLSX) or CSV: the same rows as the page."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value) -> str:
    """A cell never starts a formula: what people typed is shown as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def sheet_text(value) -> str:
    """Text a spreadsheet cell can hold: control characters (which XLSX forbids) removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))


def text_cell(sheet, value) -> Cell:
    """A cell of `sheet` holding `value` as text, to `append` in a row: openpyxl would
    otherwise write “=…” as a formula. (Changing cells after `append` means finding the row
    again, and `sheet.max_row` goes over every cell: a workbook of 10,000 rows took 24 s.)"""
    cell = Cell(sheet, value=sheet_text(value))
    cell.data_type = "s"
    return cell


def board_table(programme, rows) -> tuple[list[str], list[list[str]]]:
    sessions = list(programme.sessions.all())
    courses = list(programme.courses.all())
    header = [
        _("First name(s)"),
        _("Surname(s)"),
        _("E-mail"),
        _("Country"),
        *[_("Session %(number)s") % {"number": session.number} for session in sessions],
        *[course.code for course in courses],
        _("All requirements met"),
        _("Missing"),
    ]
    body = []
    for row in rows:
        user = row.user
        body.append(
            [
                user.first_name,
                user.last_name,
                user.email,
                row.membership.country.name if row.membership.country_id else "",
                *[item.label for item in row.sessions],
                *[item.label for item in row.courses],
                _("yes") if row.is_complete else _("no"),
                "; ".join(row.missing),
            ]
        )
    return header, body


def board_csv(programme, rows) -> bytes:
    header, body = board_table(programme, rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for line in body:
        writer.writerow([safe_text(value) for value in line])
    # A BOM lets spreadsheet programs read the accents right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def board_xlsx(programme, rows) -> bytes:
    header, body = board_table(programme, rows)
    return text_workbook(_("Participants"), header, body)


def text_workbook(title: str, header, lines) -> bytes:
    """A one-sheet workbook whose every cell is text: what people typed is never read as a
    formula. Bold header, frozen, columns as wide as their content (up to 60)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append([text_cell(sheet, value) for value in line])
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = min(
            max(len(str(cell.value or "")) for cell in column) + 2, 60
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
