"""Reading a country's list of nominees from XLSX and CSV files as people make them, and the
downloadable template. No database: the reader is pure Python and openpyxl."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
import zipfile

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from capacita.nominations import spreadsheets
from capacita.nominations.spreadsheets import (
    FIELDS,
    MAX_BYTES,
    MAX_ROWS,
    Sheet,
    SheetError,
    nomination_template,
    read_nomination_sheet,
)
from capacita.shared.spreadsheets import cell_text

HEADER_ES = ["Nombre", "Apellidos", "Cargo/Puesto", "Institución", "Correo electrónico"]
ANA = ["Ana", "Pérez", "Consejera de empleo", "Ministerio de Trabajo", "ana@example.org"]
JOSE = ["José", "Ñúñez", "Inspector laboral", "Secretaría del Trabajo", "jose@example.org"]

# Hypothesis runs many examples in one test; the project's autouse settings fixture is
# harmless to share between them.
FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def xlsx(*rows, sheet_title=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if sheet_title:
        sheet.title = sheet_title
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(*rows, separator=",", encoding="utf-8") -> bytes:
    output = io.StringIO(newline="")
    csv.writer(output, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return output.getvalue().encode(encoding)


def read(content: bytes, filename="lista.csv") -> Sheet:
    return read_nomination_sheet(filename, content)


def refusal(content: bytes, filename="lista.csv") -> str:
    with translation.override("en"), pytest.raises(SheetError) as raised:
        read_nomination_sheet(filename, content)
    return raised.value.message


def required(row) -> list[str]:
    return [row.values[field] for field in spreadsheets.REQUIRED_FIELDS]


# --- XLSX ----------------------------------------------------------------------------------


def test_it_reads_an_xlsx_list_with_spanish_headers():
    sheet = read(xlsx(HEADER_ES, ANA, JOSE), "lista.xlsx")
    assert [required(row) for row in sheet.rows] == [ANA, JOSE]
    assert [row.number for row in sheet.rows] == [2, 3]


def test_it_reads_headers_in_any_order_case_and_accents():
    header = ["CORREO ELECTRONICO", "Institucion", "apellido(s)", "CARGO", "nombre(s)"]
    row = ["ana@example.org", "Ministerio", "Pérez", "Consejera", "Ana"]
    sheet = read(xlsx(header, row), "lista.xlsx")
    assert sheet.rows[0].values["email"] == "ana@example.org"
    assert sheet.rows[0].values["institution"] == "Ministerio"
    assert sheet.rows[0].values["first_name"] == "Ana"
    assert sheet.columns["email"] == "CORREO ELECTRONICO"
    assert sheet.columns["last_name"] == "apellido(s)"


def test_it_reads_english_headers_and_the_optional_columns():
    header = [
        "First name",
        "Surname",
        "Job title",
        "Organization",
        "E-mail address",
        "Profile",
        "Gender",
        "Preferred language",
    ]
    row = ["Ann", "Lee", "Counsellor", "Labour Ministry", "ann@example.org", "Other: x", "F", "en"]
    sheet = read(csv_bytes(header, row))
    assert sheet.rows[0].values == dict(zip(FIELDS, row, strict=True))
    assert set(sheet.columns) == set(FIELDS)


def test_every_row_has_every_field_as_a_key():
    sheet = read(csv_bytes(HEADER_ES, ANA))
    assert set(sheet.rows[0].values) == set(FIELDS)
    assert sheet.rows[0].values["profile"] == ""
    assert sheet.rows[0].values["language"] == ""


def test_it_turns_a_date_cell_into_an_iso_date():
    sheet = read(xlsx([*HEADER_ES, "Fecha"], [*ANA[:3], dt.datetime(2021, 10, 26), ANA[4]]))
    assert sheet.rows[0].values["institution"] == "2021-10-26"


def test_it_keeps_the_time_of_a_date_and_time_cell():
    sheet = read(xlsx(HEADER_ES, [*ANA[:3], dt.datetime(2021, 10, 26, 14, 30), ANA[4]]))
    assert sheet.rows[0].values["institution"] == "2021-10-26T14:30:00"


def test_it_turns_number_cells_into_the_digits_shown():
    sheet = read(xlsx(HEADER_ES, [123, 4560.0, 0.0000001, True, ANA[4]]))
    values = sheet.rows[0].values
    assert values["first_name"] == "123"
    assert values["last_name"] == "4560"
    assert values["position"] == "0.0000001"
    assert values["institution"] == "TRUE"


@pytest.mark.parametrize(
    ("value", "text"),
    [(4560.0, "4560"), (1e20, "100000000000000000000"), (1e-7, "0.0000001"), (2.5, "2.5"),
     (dt.datetime(2021, 10, 26, 13, 59, 59, 999_998), "2021-10-26T14:00:00"),
     (dt.datetime(2021, 10, 25, 23, 59, 59, 999_999), "2021-10-26"), (dt.date(2021, 10, 28),
     "2021-10-28"), (False, "FALSE"), (None, "")],
)  # fmt: skip
def test_it_writes_cell_values_as_the_text_a_person_sees(value, text):
    assert cell_text(value) == text


def test_it_skips_empty_rows_and_keeps_the_sheet_row_numbers():
    sheet = read(xlsx(HEADER_ES, ANA, [], [None, "  ", None], JOSE))
    assert [row.number for row in sheet.rows] == [2, 5]
    assert [row.values["first_name"] for row in sheet.rows] == ["Ana", "José"]


def test_it_names_extra_columns_and_leaves_them_out():
    header = ["No.", *HEADER_ES[:2], "País", *HEADER_ES[2:], "", "Observaciones"]
    sheet = read(xlsx(header, [1, *ANA[:2], "Guatemala", *ANA[2:], "x", "nota"]))
    assert sheet.ignored_columns == ["No.", "País", "Observaciones"]
    assert required(sheet.rows[0]) == ANA
    assert "Guatemala" not in sheet.rows[0].values.values()


def test_it_skips_rows_that_only_fill_ignored_columns():
    sheet = read(xlsx(["No.", *HEADER_ES], [1, *ANA], [2], [3]))
    assert [row.number for row in sheet.rows] == [2]


def test_it_ignores_cells_beyond_the_header():
    sheet = read(xlsx(HEADER_ES, [*ANA, "sobra", "también"]))
    assert required(sheet.rows[0]) == ANA
    assert sheet.ignored_columns == []


def test_it_reads_the_first_worksheet():
    workbook = Workbook()
    workbook.active.append(HEADER_ES)
    workbook.active.append(ANA)
    workbook.create_sheet("Otra").append(["nada", "que", "ver"])
    output = io.BytesIO()
    workbook.save(output)
    assert required(read(output.getvalue()).rows[0]) == ANA


def test_it_keeps_a_cell_starting_with_equals_as_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER_ES)
    sheet.append(ANA)
    sheet["A2"] = '=HYPERLINK("http://example.org","x")'
    sheet["A2"].data_type = "s"
    output = io.BytesIO()
    workbook.save(output)
    assert read(output.getvalue()).rows[0].values["first_name"].startswith("=HYPERLINK(")
    assert read(csv_bytes(HEADER_ES, ["=1+1", *ANA[1:]])).rows[0].values["first_name"] == "=1+1"


def test_it_reads_a_workbook_whose_stated_size_is_too_small():
    original = xlsx(HEADER_ES, ANA, JOSE)
    damaged = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', data)
                assert count == 1
            target.writestr(info, data)
    sheet = read(damaged.getvalue())
    assert [required(row) for row in sheet.rows] == [ANA, JOSE]


# --- CSV -----------------------------------------------------------------------------------


def test_it_reads_a_utf8_csv():
    sheet = read(csv_bytes(HEADER_ES, ANA, JOSE))
    assert [required(row) for row in sheet.rows] == [ANA, JOSE]


def test_it_reads_a_utf8_csv_with_a_byte_order_mark():
    sheet = read(csv_bytes(HEADER_ES, ANA, encoding="utf-8-sig"))
    assert sheet.columns["first_name"] == "Nombre"
    assert required(sheet.rows[0]) == ANA


def test_it_reads_a_windows_1252_csv_with_accents_and_enye():
    row = ["José", "Ñúñez Peña", "Técnico – “empleo”", "Dirección de Empleo", "jose@example.org"]
    sheet = read(csv_bytes(HEADER_ES, row, separator=";", encoding="cp1252"))
    assert required(sheet.rows[0]) == row
    assert sheet.columns["institution"] == "Institución"


def test_it_reads_bytes_undefined_in_windows_1252_without_failing():
    # 0x81 has no character in Windows-1252: the file is read as Latin-1 instead.
    content = csv_bytes(HEADER_ES, ["Peña", "Ruiz", "C", "Instituto\x81", "p@example.org"])
    sheet = read(content.decode().encode("latin-1"))
    assert sheet.rows[0].values["first_name"] == "Peña"
    assert sheet.rows[0].values["institution"] == "Instituto"


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_it_detects_the_separator(separator):
    sheet = read(csv_bytes(HEADER_ES, ANA, separator=separator))
    assert required(sheet.rows[0]) == ANA


def test_it_detects_semicolons_when_the_text_has_commas():
    row = ["Ana María", "Pérez, de López", "Consejera", "Ministerio, Trabajo", "ana@example.org"]
    sheet = read(csv_bytes(HEADER_ES, row, separator=";"))
    assert required(sheet.rows[0]) == row


def test_it_reads_quoted_fields_with_separators_quotes_and_line_breaks():
    content = (
        "Nombre,Apellidos,Cargo,Institución,Correo\r\n"
        '"Ana, María","Pérez","Consejera ""senior""","Ministerio\nde Trabajo",ana@example.org\r\n'
        "José,Ñúñez,Inspector,Secretaría,jose@example.org\r\n"
    ).encode()
    sheet = read(content)
    assert sheet.rows[0].values["first_name"] == "Ana, María"
    assert sheet.rows[0].values["position"] == 'Consejera "senior"'
    assert sheet.rows[0].values["institution"] == "Ministerio de Trabajo"
    assert [row.number for row in sheet.rows] == [2, 3]


def test_it_reports_the_row_numbers_as_the_file_shows_them():
    content = "\r\n".join([",".join(HEADER_ES), ",".join(ANA), "", ",".join(JOSE), ""]).encode()
    assert [row.number for row in read(content).rows] == [2, 4]


def test_it_pads_short_rows():
    content = (",".join(HEADER_ES) + "\nAna,Pérez\n").encode()
    values = read(content).rows[0].values
    assert (values["first_name"], values["last_name"], values["email"]) == ("Ana", "Pérez", "")


def test_it_reads_tab_separated_utf16_text_from_excel():
    content = "\r\n".join(["\t".join(HEADER_ES), "\t".join(JOSE)]).encode("utf-16")
    assert required(read(content).rows[0]) == JOSE


def test_it_decides_the_format_by_content_not_by_name():
    assert required(read(csv_bytes(HEADER_ES, ANA), "lista.xlsx").rows[0]) == ANA
    assert required(read(xlsx(HEADER_ES, ANA), "lista.csv").rows[0]) == ANA


# --- Cleaning ------------------------------------------------------------------------------


def test_it_trims_spaces_non_breaking_spaces_and_invisible_characters():
    row = ["  Ana\xa0", "\u200bPérez ", "\tConsejera\ufeff", "\xa0 Ministerio", " ana@example.org "]
    sheet = read(csv_bytes(HEADER_ES, row))
    assert required(sheet.rows[0]) == ANA[:2] + ["Consejera", "Ministerio", "ana@example.org"]


def test_it_collapses_the_spaces_inside_a_cell():
    row = ["Ana   María", "Pérez\xa0\xa0López", "Consejera\nde empleo", *ANA[3:]]
    values = read(xlsx(HEADER_ES, row)).rows[0].values
    assert values["first_name"] == "Ana María"
    assert values["last_name"] == "Pérez López"
    assert values["position"] == "Consejera de empleo"


def test_it_keeps_accents_and_enye_in_composed_form():
    decomposed = unicodedata.normalize("NFD", "José Ñúñez")
    sheet = read(csv_bytes(HEADER_ES, [decomposed, *ANA[1:]]))
    assert sheet.rows[0].values["first_name"] == "José Ñúñez"
    assert sheet.rows[0].values["first_name"] == unicodedata.normalize("NFC", "José Ñúñez")


def test_it_keeps_the_e_mail_as_written():
    sheet = read(csv_bytes(HEADER_ES, [*ANA[:4], "Ana.Perez@Example.ORG"]))
    assert sheet.rows[0].values["email"] == "Ana.Perez@Example.ORG"


# --- Headers -------------------------------------------------------------------------------


def test_it_finds_the_header_below_a_title():
    sheet = read(xlsx(["Lista de personas nominadas — Guatemala"], [], HEADER_ES, ANA))
    assert required(sheet.rows[0]) == ANA
    assert sheet.rows[0].number == 4


def test_it_joins_a_surname_split_over_two_columns():
    header = ["Nombre", "Apellido paterno", "Apellido materno", *HEADER_ES[2:]]
    sheet = read(csv_bytes(header, ["José", "Ñúñez", "Peña", *JOSE[2:]]))
    assert sheet.rows[0].values["last_name"] == "Ñúñez Peña"
    assert sheet.columns["last_name"] == "Apellido paterno + Apellido materno"


def test_it_reads_headers_with_words_around_the_name():
    header = ["Nombre del participante", "Apellidos", "Cargo *", "Nombre de la institución"]
    sheet = read(csv_bytes([*header, "Correo electrónico (obligatorio)"], ANA))
    assert required(sheet.rows[0]) == ANA


def test_it_refuses_a_list_without_a_required_column():
    message = refusal(csv_bytes(HEADER_ES[:4], ANA[:4]))
    assert "e-mail" in message
    assert "first name" not in message


def test_it_names_every_missing_column_in_the_users_language():
    message = refusal(csv_bytes(["Nombre", "Correo", "Teléfono"], ["Ana", "a@b.org", "1"]))
    assert "surname(s)" in message
    assert "position" in message
    assert "institution" in message
    assert "%(" not in message


def test_the_message_is_in_the_active_language():
    with translation.override("es"), pytest.raises(SheetError) as raised:
        read(csv_bytes(["Nombre", "Correo"], ["Ana", "a@b.org"]))
    assert "apellido(s)" in raised.value.message
    assert "surname(s)" not in raised.value.message


def test_it_says_when_one_column_holds_whole_names():
    message = refusal(csv_bytes(["Nombre completo", *HEADER_ES[2:]], ["Ana Pérez", *ANA[2:]]))
    assert "“Nombre completo”" in message


def test_it_refuses_two_columns_for_the_same_field():
    message = refusal(csv_bytes([*HEADER_ES, "E-mail"], [*ANA, "otra@example.org"]))
    assert "“Correo electrónico”" in message
    assert "“E-mail”" in message


# --- Files it refuses ----------------------------------------------------------------------


def test_it_refuses_an_old_xls_file():
    message = refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "lista.xls")
    assert ".xls" in message
    assert "XLSX" in message or "xlsx" in message


def test_it_refuses_a_zip_that_is_not_a_workbook():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("hola.txt", "hola")
    assert "XLSX or CSV" in refusal(archive.getvalue(), "lista.xlsx")


def test_it_refuses_a_truncated_workbook():
    content = xlsx(HEADER_ES, ANA)
    assert "XLSX or CSV" in refusal(content[: len(content) // 2], "lista.xlsx")


def test_it_refuses_a_workbook_whose_sheet_breaks_halfway():
    original = xlsx(HEADER_ES, ANA, JOSE)
    broken = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row <<</sheetData>")
            target.writestr(info, data)
    assert "XLSX or CSV" in refusal(broken.getvalue(), "lista.xlsx")


def test_it_refuses_a_workbook_that_unpacks_too_large(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 1000)
    assert "too large" in refusal(xlsx(HEADER_ES, ANA), "lista.xlsx")


def test_it_refuses_an_empty_file():
    assert "empty" in refusal(b"")


def test_it_refuses_a_file_of_blank_lines():
    assert "no rows" in refusal(b"\r\n \r\n;;;\r\n")


def test_it_refuses_a_binary_file():
    assert "not a text file" in refusal(b"%PDF-1.4\n\x00\x01\x02binary")


def test_it_refuses_a_file_over_the_size_limit():
    content = csv_bytes(HEADER_ES, ANA) + b"x" * MAX_BYTES
    assert "larger than 5 MB" in refusal(content)


def test_it_refuses_more_rows_than_the_limit_in_csv():
    rows = [[f"N{i}", "P", "C", "I", f"n{i}@example.org"] for i in range(MAX_ROWS + 1)]
    assert str(MAX_ROWS) in refusal(csv_bytes(HEADER_ES, *rows))


def test_it_refuses_more_rows_than_the_limit_in_xlsx():
    rows = [[f"N{i}", "P", "C", "I", f"n{i}@example.org"] for i in range(MAX_ROWS + 1)]
    assert str(MAX_ROWS) in refusal(xlsx(HEADER_ES, *rows), "lista.xlsx")


def test_it_accepts_exactly_the_row_limit_with_blank_rows_between():
    rows = [[f"N{i}", "P", "C", "I", f"n{i}@example.org"] for i in range(MAX_ROWS)]
    assert len(read(csv_bytes(HEADER_ES, *rows, [], ["", " "])).rows) == MAX_ROWS


def test_it_stops_reading_once_over_the_row_limit():
    endless = ((number, list(ANA)) for number in itertools.count(2))
    rows = itertools.chain([(1, list(HEADER_ES))], endless)
    with pytest.raises(SheetError):
        spreadsheets._sheet_from(rows)
    assert next(endless)[0] == MAX_ROWS + 3  # it read one row past the limit, no more


# --- Template ------------------------------------------------------------------------------

PROFILES = ["Consejeros (as) nacionales de empleo", "Inspectores (as) laborales"]


@pytest.mark.parametrize(("language", "first"), [("es", "Nombre(s)"), ("en", "First name(s)")])
def test_the_template_headers_are_read_back(language, first):
    sheet = read(nomination_template(language, PROFILES), "plantilla.xlsx")
    assert set(sheet.columns) == set(FIELDS)
    assert sheet.columns["first_name"] == first
    assert sheet.rows == []
    assert sheet.ignored_columns == []


@pytest.mark.parametrize(
    ("language", "headers"),
    [
        ("es", ["Nombre(s)", "Apellido(s)", "Cargo/Puesto", "Institución", "Correo electrónico",
                "Perfil", "Sexo/Género", "Idioma preferido"]),
        ("en", ["First name(s)", "Surname(s)", "Position", "Institution", "E-mail", "Profile",
                "Sex/gender", "Preferred language"]),
    ],
)  # fmt: skip
def test_the_template_has_a_bold_frozen_header_in_its_language(language, headers):
    workbook = load_workbook(io.BytesIO(nomination_template(language, PROFILES)))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == headers
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width > 20


@pytest.mark.parametrize(
    ("language", "title", "other", "genders"),
    [
        ("es", "Perfiles", "Otro:",
         ["Mujer", "Hombre", "No binaria", "Otra identidad", "Prefiere no decirlo"]),
        ("en", "Profiles", "Other:",
         ["Woman", "Man", "Non-binary", "Another identity", "Prefer not to say"]),
    ],
)  # fmt: skip
def test_the_template_lists_the_profiles_and_accepted_values(language, title, other, genders):
    workbook = load_workbook(io.BytesIO(nomination_template(language, PROFILES)))
    lists = workbook.worksheets[1]
    assert lists.title == title
    column_a = [cell.value for cell in lists["A"] if cell.value]
    assert column_a[1:3] == PROFILES
    assert column_a[-1].startswith(other)
    assert [cell.value for cell in lists["B"] if cell.value][1:] == genders
    assert [cell.value for cell in lists["C"] if cell.value][1:] == [
        "es",
        "en",
        "Español",
        "English",
    ]


def test_the_template_keeps_a_profile_starting_with_equals_as_text():
    workbook = load_workbook(io.BytesIO(nomination_template("en", ["=1+1", *PROFILES])))
    cell = workbook.worksheets[1]["A2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_the_template_falls_back_to_spanish_for_another_language():
    workbook = load_workbook(io.BytesIO(nomination_template("fr", PROFILES)))
    assert workbook.worksheets[0]["A1"].value == "Nombre(s)"


# --- Any input -----------------------------------------------------------------------------


def outcome(content: bytes):
    """A Sheet or a SheetError, and never another exception."""
    try:
        return read_nomination_sheet("upload", content)
    except SheetError as error:
        assert error.message
        return error


@pytest.mark.fuzz
@FUZZ
@given(st.binary(max_size=4096))
def test_any_bytes_give_a_sheet_or_a_sheet_error(content):
    outcome(content)


@pytest.mark.fuzz
@FUZZ
@given(st.sampled_from([b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\xff\xfe", b"\xef\xbb\xbf"]),
       st.binary(max_size=2048))  # fmt: skip
def test_bytes_with_a_known_signature_give_a_sheet_or_a_sheet_error(signature, content):
    outcome(signature + content)


@pytest.mark.fuzz
@FUZZ
@given(
    st.lists(st.lists(st.text(max_size=30), max_size=10), max_size=12),
    st.sampled_from([",", ";", "\t", "|", ""]),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_any_text_gives_a_sheet_or_a_sheet_error(rows, separator, newline, encoding):
    text = newline.join(separator.join(cells) for cells in rows)
    outcome(text.encode(encoding, errors="replace"))


@pytest.mark.fuzz
@FUZZ
@given(st.lists(st.text(max_size=30), min_size=1, max_size=8))
def test_any_text_under_a_valid_header_gives_a_sheet_or_a_sheet_error(cells):
    outcome(("Nombre;Apellido;Cargo;Institución;Correo\n" + ";".join(cells)).encode())


VALID_XLSX = xlsx(HEADER_ES, ANA, JOSE)


@pytest.mark.fuzz
@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(VALID_XLSX) - 1), st.integers(0, 255)),
                min_size=1, max_size=8))  # fmt: skip
def test_a_damaged_workbook_gives_a_sheet_or_a_sheet_error(changes):
    content = bytearray(VALID_XLSX)
    for position, byte in changes:
        content[position] = byte
    outcome(bytes(content))


NAMES = (
    st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)


def as_read(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.mark.fuzz
@FUZZ
@given(st.lists(st.tuples(NAMES, NAMES), min_size=1, max_size=5), st.sampled_from([",", ";"]))
def test_names_written_to_csv_come_back_equal(names, separator):
    rows = [[first, last, "Consejera", "Ministerio", "a@example.org"] for first, last in names]
    sheet = read(csv_bytes(HEADER_ES, *rows, separator=separator))
    assert [(row.values["first_name"], row.values["last_name"]) for row in sheet.rows] == [
        (as_read(first), as_read(last)) for first, last in names
    ]
