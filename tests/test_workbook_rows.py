"""Workbooks take time in proportion to their rows: writing a row never goes over the rows
already written. openpyxl's `max_row` and `max_column` read every cell of the sheet; asked
once per row, they made the board's workbook of 10,000 people take minutes."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.worksheet.worksheet import Worksheet

from capacita.evaluation.workbook import sheet
from capacita.shared.sheets import FORMULA_STARTS, fill_sheet, saved, sheet_text, text_workbook


def lines(count: int) -> list[list[str]]:
    return [[f"Persona {n}", f"p{n}@example.org", "=1+1", "present"] for n in range(count)]


def a_text_workbook(count: int) -> None:
    text_workbook("People", ["Name", "E-mail", "Note", "Status"], lines(count))


def an_evaluation_sheet(count: int) -> None:
    sheet(Workbook(), "Figures", ["Name", "E-mail", "Note", "Status", "Score"], [
        (*line, 0.5) for line in lines(count)
    ])  # fmt: skip


@pytest.mark.parametrize("build", [a_text_workbook, an_evaluation_sheet])
def test_writing_rows_does_not_measure_the_sheet_again_for_each(build, monkeypatch):
    reads = []
    for name in ("max_row", "max_column"):
        measure = getattr(Worksheet, name).fget
        monkeypatch.setattr(
            Worksheet, name, property(lambda ws, measure=measure: reads.append(1) or measure(ws))
        )
    counts = []
    for count in (10, 200):
        reads.clear()
        build(count)
        counts.append(len(reads))
    assert counts[0] == counts[1], counts


def test_the_text_cells_stay_text(tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_bytes(text_workbook("People", ["Name", "Note"], [["Ana", "=1+1"], ["Bo", "-2"]]))
    rows = list(load_workbook(path).active.iter_rows(min_row=2, values_only=True))
    cells = list(load_workbook(path).active.iter_rows(min_row=2))
    assert rows == [("Ana", "=1+1"), ("Bo", "-2")]
    assert {cell.data_type for row in cells for cell in row} == {"s"}


# What people type that a spreadsheet program, or openpyxl, could take for something other
# than text: formulas, errors, numbers and dates written as text, control characters.
TRICKY = [
    *(f"{start}1+1" for start in FORMULA_STARTS),
    '=HYPERLINK("http://evil.example","clic")',
    "=",
    *ERROR_CODES,
    "",
    "12",
    "2021-03-04",
    "TRUE",
    "Ana\x0bMaría",
    "Línea 1\nlínea 2",
    "x" * 80,
]


def test_what_looks_like_a_formula_an_error_or_a_number_stays_text_exactly():
    sheet = load_workbook(io.BytesIO(text_workbook("People", ["Note"], [[v] for v in TRICKY])))
    cells = [row[0] for row in sheet.active.iter_rows(min_row=2)]
    # XML reads a carriage return back as a line feed, whichever way the file is written.
    expected = [sheet_text(value).replace("\r", "\n") for value in TRICKY]
    assert [cell.value or "" for cell in cells] == expected
    assert {cell.data_type for cell in cells if cell.value is not None} == {"s"}


def test_the_workbook_is_written_as_it_goes_not_kept_whole(monkeypatch):
    import capacita.shared.sheets as sheets

    modes = []

    def recording(*args, **kwargs):
        modes.append(kwargs.get("write_only", False))
        return Workbook(*args, **kwargs)

    monkeypatch.setattr(sheets, "Workbook", recording)
    text_workbook("People", ["Name"], [["Ana"]])
    assert modes == [True]


def kept_whole(title, header, lines) -> bytes:
    """The text workbook as it was written before write-only mode: each cell kept, then
    measured."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    fill_sheet(sheet, header, lines)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = min(
            max(len(str(cell.value or "")) for cell in column) + 2, 60
        )
    return saved(workbook)


def cells_of(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    return (
        sheet.title,
        sheet.freeze_panes,
        {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()},
        [[(c.value, c.data_type, bool(c.font.b)) for c in row] for row in sheet.iter_rows()],
    )


def test_the_workbook_holds_the_same_cells_as_when_it_was_kept_whole():
    header = ["Nombre", "=Correo", "Nota", "Estado"]
    body = [
        [f"Persona {n}", f"p{n}@example.org", TRICKY[n % len(TRICKY)], "x" * (n % 7)]
        for n in range(300)
    ]
    body.append(["solo"])  # a shorter line: its missing cells are empty
    assert cells_of(text_workbook("Participantes", header, body)) == cells_of(
        kept_whole("Participantes", header, body)
    )
