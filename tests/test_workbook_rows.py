"""Workbooks take time in proportion to their rows: writing a row never goes over the rows
already written. openpyxl's `max_row` and `max_column` read every cell of the sheet; asked
once per row, they made the board's workbook of 10,000 people take minutes."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from capacita.evaluation.workbook import sheet
from capacita.progress.exports import text_workbook


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
