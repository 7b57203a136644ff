"""Every reader of an uploaded spreadsheet or CSV refuses, with a message and without reading
it all, a zip bomb, a sheet whose cells lie past its last column or row, a sheet that only
claims to be huge, an endless file and an oversized cell."""

from __future__ import annotations

import zoneinfo

import openpyxl
import pytest
from django.utils import translation
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from capacita.attendance import zoom
from capacita.completions import moodle
from capacita.evaluation.services import EvaluationError, read_response_file
from capacita.nominations.spreadsheets import SheetError, read_nomination_sheet
from capacita.shared import uploads

from .files import bomb, inline_row, sheet, with_sheet, xlsx

HEADER = ["First name", "Surname", "Position", "Institution", "Email"]
ANA = ["Ana", "Pérez", "Analyst", "Ministry", "ana@example.org"]
BASE = xlsx(HEADER, ANA)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def nomination_refusal(content: bytes) -> str:
    with pytest.raises(SheetError) as refused:
        read_nomination_sheet("lista.xlsx", content)
    return refused.value.message


def response_refusal(content: bytes) -> str:
    with pytest.raises(EvaluationError) as refused:
        read_response_file("answers.xlsx", content)
    return refused.value.message


@pytest.fixture
def no_full_parse(monkeypatch):
    """Opening the workbook, or padding a sheet's rows to the size it claims, fails the test."""

    def refused(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", refused)
    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", refused)


# --- Zip bombs -----------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_any_xml_is_parsed(no_full_parse):
    content = bomb(BASE, 3)  # 3 MB of blanks in a few KB: packed a thousand to one
    assert len(content) < 50_000
    assert "too large once unpacked" in nomination_refusal(content)
    assert "too large once unpacked" in response_refusal(content)


def test_a_workbook_that_unpacks_past_the_total_limit_is_refused(
    no_full_parse, settings, monkeypatch
):
    monkeypatch.setattr(uploads, "MAX_COMPRESSION_RATIO", 10**9)  # only the total counts
    settings.UPLOAD_MAX_SPREADSHEET_BYTES = 100_000  # at most 1 MB unpacked
    assert "too large once unpacked" in response_refusal(bomb(BASE, 2))


def test_a_zip_that_is_no_workbook_is_refused(no_full_parse):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert "not a spreadsheet we can read" in response_refusal(out.getvalue())


# --- Huge sheets ---------------------------------------------------------------------------


def test_a_sheet_claiming_a_billion_cells_is_read_as_the_cells_it_holds(no_full_parse, monkeypatch):
    monkeypatch.undo()  # the workbook may be opened; its claimed size must not be padded to
    monkeypatch.setattr(
        ReadOnlyWorksheet,
        "_cells_by_row",
        lambda *a, **k: (_ for _ in ()).throw(AssertionError("rows padded to the dimension")),
    )
    rows_xml = inline_row(1, ("A1", "email"), ("B1", "q1")) + inline_row(
        2, ("A2", "ana@example.org"), ("B2", "3")
    )
    content = with_sheet(BASE, sheet(rows_xml, dimension=b"A1:XFD1048576"))

    columns, rows = read_response_file("answers.xlsx", content)

    assert columns == ["email", "q1"]
    assert rows == [(2, {"email": "ana@example.org", "q1": "3"})]


def test_a_cell_far_to_the_right_is_refused_not_padded_to():
    rows_xml = b"".join(
        [
            inline_row(1, *zip(["A1", "B1", "C1", "D1", "E1"], HEADER, strict=True)),
            inline_row(2, *zip(["A2", "B2", "C2", "D2", "E2"], ANA, strict=True)),
            *(inline_row(number, (f"XFD{number}", "x")) for number in range(3, 50)),
        ]
    )
    content = with_sheet(BASE, sheet(rows_xml, dimension=b"A1:XFD49"))
    assert "beyond column 200" in nomination_refusal(content)
    assert "beyond column 200" in response_refusal(content)


def test_a_row_past_excels_last_row_is_refused():
    rows_xml = inline_row(1, *zip(["A1", "B1", "C1", "D1", "E1"], HEADER, strict=True))
    rows_xml += inline_row(2_000_000_000, ("A2000000000", "x"))
    content = with_sheet(BASE, sheet(rows_xml))
    assert "beyond Excel's last row" in nomination_refusal(content)
    assert "beyond Excel's last row" in response_refusal(content)


def test_a_sheet_of_too_many_cells_is_refused(monkeypatch):
    rows_xml = inline_row(1, *zip(["A1", "B1", "C1", "D1", "E1"], HEADER, strict=True))
    rows_xml += b"".join(
        f'<row r="{n}"><c r="A{n}" s="0"/><c r="B{n}" s="0"/></row>'.encode() for n in range(2, 400)
    )
    content = with_sheet(BASE, sheet(rows_xml))
    original = uploads.xlsx_rows
    monkeypatch.setattr(
        uploads, "xlsx_rows", lambda content, **options: original(content, **options, max_cells=500)
    )
    assert "too many cells" in response_refusal(content)


def test_rows_far_apart_are_read_without_the_empty_rows_between():
    rows_xml = inline_row(1, *zip(["A1", "B1", "C1", "D1", "E1"], HEADER, strict=True))
    rows_xml += inline_row(
        1_048_576,
        *zip(["A1048576", "B1048576", "C1048576", "D1048576", "E1048576"], ANA, strict=True),
    )
    rows = list(uploads.xlsx_rows(with_sheet(BASE, sheet(rows_xml)), max_rows=10))
    assert [number for number, _values in rows] == [1, 1_048_576]


# --- CSV -----------------------------------------------------------------------------------


def test_an_oversized_csv_cell_is_refused_by_every_csv_reader():
    cell = "x" * 100_000  # under the csv module's default limit, over ours
    nominations_csv = (",".join(HEADER) + "\n" + ",".join([*ANA[:4], cell]) + "\n").encode()
    with pytest.raises(SheetError, match="65536"):
        read_nomination_sheet("lista.csv", nominations_csv)
    with pytest.raises(moodle.ReportError, match="65536"):
        moodle.read_completion_report(
            f"Email address,Course complete\nana@example.org,{cell}\n".encode()
        )
    with pytest.raises(EvaluationError, match="65536"):
        read_response_file("answers.csv", f"email,q1\nana@example.org,{cell}\n".encode())
    zoom_report = (
        "Name (Original Name),User Email,Join Time,Leave Time\n"
        f"{cell},a@example.org,10/26/2021 02:03:00 PM,10/26/2021 03:03:00 PM\n"
    ).encode()
    with pytest.raises(zoom.ReportError, match="65536"):
        zoom.parse_report(zoom_report, zoneinfo.ZoneInfo("UTC"))


def test_a_completion_report_of_endless_blank_lines_is_refused_after_the_record_limit():
    content = b"Email address,Course complete\n" + b"\n" * (moodle.MAX_RECORDS + 10)
    with pytest.raises(moodle.ReportError, match=str(moodle.MAX_RECORDS)):
        moodle.read_completion_report(content)


def test_a_nominations_csv_of_endless_blank_lines_is_refused():
    from capacita.nominations import spreadsheets

    content = (",".join(HEADER) + "\n").encode() + b",\n" * (spreadsheets.MAX_CSV_RECORDS + 1)
    assert str(spreadsheets.MAX_CSV_RECORDS) in nomination_refusal(content)


def test_a_zoom_report_past_the_record_limit_is_refused_unread(monkeypatch):
    monkeypatch.setattr(zoom, "MAX_RECORDS", 10)
    rows = "".join(
        f"P{i},p{i}@example.org,10/26/2021 02:03:00 PM,10/26/2021 03:03:00 PM\n" for i in range(20)
    )
    content = ("Name (Original Name),User Email,Join Time,Leave Time\n" + rows).encode()
    with pytest.raises(zoom.ReportError, match="more than 10 rows"):
        zoom.parse_report(content, zoneinfo.ZoneInfo("UTC"))


def test_the_responses_file_is_refused_past_its_row_limit(monkeypatch):
    from capacita.evaluation import services

    monkeypatch.setattr(services, "MAX_RESPONSE_ROWS", 3)
    content = "email,q1\n" + "".join(f"p{i}@example.org,1\n" for i in range(5))
    with pytest.raises(EvaluationError, match="more than 3 rows"):
        read_response_file("answers.csv", content.encode())
