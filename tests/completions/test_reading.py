"""Reading Moodle's course completion report: every shape sites export, English or Spanish
headers, the encodings, the date orders and zones; unreadable files and rows said clearly."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import translation

from capacita.completions.dates import parse_moodle_date
from capacita.completions.moodle import ReportError, read_completion_report

from .reports import (
    HEADER_EN,
    HEADER_EN_SPLIT,
    HEADER_ES,
    HEADER_ES_SPLIT,
    excel_report,
    report,
    row,
    split_row,
)

MEXICO = zoneinfo.ZoneInfo("America/Mexico_City")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def summary(result) -> list[tuple]:
    return [(r.number, r.name, r.email, r.completed, r.completed_at) for r in result.rows]


def test_the_default_shape_name_and_course_complete_as_a_date():
    content = report(
        HEADER_EN,
        row(7, "Ana Prueba", "ana@example.org", "03/11/21, 10:22"),
        row(8, "Bruno Ejemplo", "bruno@example.org"),
    )

    result = read_completion_report(content, "dmy", "UTC")

    assert summary(result) == [
        (2, "Ana Prueba", "ana@example.org", True, utc(2021, 11, 3, 10, 22)),
        (3, "Bruno Ejemplo", "bruno@example.org", False, None),
    ]
    assert result.rows[0].moodle_id == "7"
    assert result.rows[0].date_text == "03/11/21, 10:22"
    assert result.problems == []
    assert result.columns["email"] == "Email address"
    assert result.columns["course_complete"] == "Course complete"


def test_first_and_last_names_and_a_state_word_with_its_own_date_column():
    content = report(
        HEADER_EN_SPLIT,
        split_row(7, "Ana", "Prueba", "ana@example.org", "03/11/21, 10:22"),
        split_row(8, "Bruno", "Ejemplo", "bruno@example.org"),
    )

    result = read_completion_report(content, "dmy", "UTC")

    assert summary(result) == [
        (2, "Ana Prueba", "ana@example.org", True, utc(2021, 11, 3, 10, 22)),
        (3, "Bruno Ejemplo", "bruno@example.org", False, None),
    ]
    assert result.columns["course_date"] == "Course complete Date"


def test_spanish_headers_and_state_words():
    default = report(
        HEADER_ES,
        row(7, "Ana Prueba", "ana@example.org", "03/11/21, 10:22", "es"),
        row(8, "Bruno Ejemplo", "bruno@example.org", "", "es"),
    )
    split = report(
        HEADER_ES_SPLIT,
        split_row(7, "Ana", "Prueba", "ana@example.org", "03/11/2021, 10:22", "es"),
        split_row(8, "Bruno", "Ejemplo", "bruno@example.org", "", "es"),
    )

    for content in (default, split):
        result = read_completion_report(content, "dmy", "UTC")
        assert summary(result) == [
            (2, "Ana Prueba", "ana@example.org", True, utc(2021, 11, 3, 10, 22)),
            (3, "Bruno Ejemplo", "bruno@example.org", False, None),
        ]
    assert read_completion_report(split, "dmy").columns["course_date"] == (
        "Curso completado - Fecha de finalización"
    )


@pytest.mark.parametrize(
    "header",
    [
        ["ID", "Nombre", "Correo electrónico", "Curso completado"],
        ["ID", "Name", "Email", "Course complete"],
        ["ID", "Nombre completo", "Dirección de correo electrónico", "Course complete"],
        ["ID", "Name", "E-mail address", "COURSE COMPLETE"],
    ],
)
def test_headers_are_found_whatever_their_spelling(header):
    content = report(header, ["1", "Ana Prueba", "ana@example.org", "03/11/21, 10:22"])

    result = read_completion_report(content, "dmy")

    assert [(r.name, r.email, r.completed) for r in result.rows] == [
        ("Ana Prueba", "ana@example.org", True)
    ]


def test_a_state_word_in_course_complete_without_a_date_column():
    content = report(
        ["ID", "Name", "Email address", "Course complete"],
        ["1", "Ana", "ana@example.org", "Completed"],
        ["2", "Bruno", "bruno@example.org", "Not completed"],
        ["3", "Carmen", "carmen@example.org", ""],
    )

    result = read_completion_report(content, "dmy")

    assert [(r.completed, r.completed_at) for r in result.rows] == [
        (True, None),
        (False, None),
        (False, None),
    ]


def test_the_activity_columns_are_not_mistaken_for_the_course():
    # An activity's own date is not the course's: only the last column says the course.
    content = report(HEADER_EN, ["1", "Ana", "ana@example.org", "Completed", "01/11/21, 09:00", ""])

    (only,) = read_completion_report(content, "dmy").rows

    assert only.completed is False


def test_utf8_with_bom_and_semicolons():
    content = report(
        HEADER_ES,
        row(7, "Óscar Muñoz", "oscar@example.org", "03/11/21, 10:22", "es"),
        separator=";",
        bom=True,
    )

    (only,) = read_completion_report(content, "dmy").rows

    assert (only.moodle_id, only.name, only.completed) == ("7", "Óscar Muñoz", True)


def test_utf16_tab_separated_excel_csv():
    content = excel_report(
        HEADER_ES_SPLIT,
        split_row(7, "Óscar", "Muñoz, Prueba", "oscar@example.org", "03/11/21, 10:22", "es"),
        split_row(8, "Inés", "Ensayo", "ines@example.org", "", "es"),
    )
    assert content.startswith(b"\xff\xfe")

    result = read_completion_report(content, "dmy", "UTC")

    assert summary(result) == [
        (2, "Óscar Muñoz, Prueba", "oscar@example.org", True, utc(2021, 11, 3, 10, 22)),
        (3, "Inés Ensayo", "ines@example.org", False, None),
    ]


def test_windows_1252():
    content = report(
        HEADER_ES,
        row(7, "Darío Núñez", "dario@example.org", "03/11/21, 10:22", "es"),
        encoding="cp1252",
    )

    (only,) = read_completion_report(content, "dmy").rows

    assert only.name == "Darío Núñez"


def test_03_11_21_is_3_november_day_first_and_11_march_month_first():
    content = report(HEADER_EN, row(1, "Ana", "ana@example.org", "03/11/21, 10:22"))

    (dmy,) = read_completion_report(content, "dmy", "UTC").rows
    (mdy,) = read_completion_report(content, "mdy", "UTC").rows

    assert dmy.completed_at == utc(2021, 11, 3, 10, 22)
    assert mdy.completed_at == utc(2021, 3, 11, 10, 22)


def test_dates_are_read_in_the_sites_zone_and_come_back_in_utc():
    content = report(HEADER_EN, row(1, "Ana", "ana@example.org", "06/11/21, 00:30"))

    (mexico,) = read_completion_report(content, "dmy", MEXICO).rows
    (by_name,) = read_completion_report(content, "dmy", "America/Mexico_City").rows

    # Mexico City left daylight saving time on 31 October 2021: UTC-6.
    assert mexico.completed_at == utc(2021, 11, 6, 6, 30) == by_name.completed_at
    assert mexico.completed_at.tzinfo == dt.UTC


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("03/11/21, 10:22", "dmy", dt.datetime(2021, 11, 3, 10, 22)),
        ("03/11/2021, 10:22", "dmy", dt.datetime(2021, 11, 3, 10, 22)),
        ("3/11/2021", "dmy", dt.datetime(2021, 11, 3)),
        ("03.11.2021 10:22", "dmy", dt.datetime(2021, 11, 3, 10, 22)),
        ("11/3/21, 10:22 PM", "mdy", dt.datetime(2021, 11, 3, 22, 22)),
        ("21/11/03, 10:22", "ymd", dt.datetime(2021, 11, 3, 10, 22)),
        ("2021-11-03 10:22", "mdy", dt.datetime(2021, 11, 3, 10, 22)),
        ("2021/11/03 10:22:15", "dmy", dt.datetime(2021, 11, 3, 10, 22, 15)),
        ("Wednesday, 3 November 2021, 10:22 AM", "dmy", dt.datetime(2021, 11, 3, 10, 22)),
        ("3 November 2021, 12:05 AM", "mdy", dt.datetime(2021, 11, 3, 0, 5)),
        ("November 3, 2021, 12:05 PM", "dmy", dt.datetime(2021, 11, 3, 12, 5)),
        ("miércoles, 3 de noviembre de 2021, 22:05", "dmy", dt.datetime(2021, 11, 3, 22, 5)),
        ("3 nov. 2021 10:22 p. m.", "dmy", dt.datetime(2021, 11, 3, 22, 22)),
    ],
)
def test_the_date_forms_moodle_writes(text, order, expected):
    assert parse_moodle_date(text, order) == expected


def test_an_iso_date_with_its_offset_keeps_it():
    assert parse_moodle_date("2021-11-03T10:22:00-06:00") == dt.datetime(
        2021, 11, 3, 16, 22, tzinfo=dt.UTC
    )


@pytest.mark.parametrize("text", ["13/13/21", "32/01/2021", "yesterday", "3/11", "25:00 3/11/21"])
def test_dates_that_cannot_be_read(text):
    with pytest.raises(ValueError, match="cannot be read as day/month/year"):
        parse_moodle_date(text, "dmy")


def test_a_row_whose_date_cannot_be_read_is_a_problem_and_the_others_are_read():
    content = report(
        HEADER_EN,
        row(1, "Ana", "ana@example.org", "03/11/21, 10:22"),
        row(2, "Bruno", "bruno@example.org", "someday"),
        ["3", "Carmen", "carmen@example.org", "", "", "13/13/21"],
    )

    result = read_completion_report(content, "dmy")

    assert [r.email for r in result.rows] == ["ana@example.org"]
    assert [(p.number, p.email) for p in result.problems] == [
        (3, "bruno@example.org"),
        (4, "carmen@example.org"),
    ]
    assert result.problems[0].message == ("The date “someday” cannot be read as day/month/year.")


def test_a_title_above_the_header_and_blank_lines_are_passed_over():
    content = (
        b"Course completion report\r\n\r\n"
        + report(HEADER_EN, row(1, "Ana", "ana@example.org", "03/11/21, 10:22"))
        + b"\r\n,,,,,\r\n"
    )

    result = read_completion_report(content, "dmy")

    assert [(r.number, r.email) for r in result.rows] == [(4, "ana@example.org")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"PK\x03\x04 rest of a workbook", "spreadsheet workbook, not CSV"),
        (b"\r\n\r\n", "The file has no rows."),
        (
            report(["ID", "Name", "Course complete"], ["1", "Ana", ""]),
            "The report has no e-mail column",
        ),
        (
            report(["ID", "Name", "Email address", "Quiz 1"], ["1", "Ana", "a@example.org", ""]),
            "The report has no “Course complete” column",
        ),
        (b'ID,Name\r\n"1,\x00', "cannot be read as CSV"),
    ],
)
def test_files_that_are_not_reports_say_why(content, message):
    with pytest.raises(ReportError) as error:
        read_completion_report(content, "dmy")
    assert message in error.value.message


def test_an_unknown_date_order_or_zone_is_refused():
    content = report(HEADER_EN, row(1, "Ana", "ana@example.org"))
    with pytest.raises(ReportError, match="date order"):
        read_completion_report(content, "dym")
    with pytest.raises(ReportError, match="time zone"):
        read_completion_report(content, "dmy", "Mars/Olympus_Mons")


@pytest.mark.parametrize(
    ("cell", "order", "expected"),
    [
        ("Completed 07/11/21, 09:15", "dmy", utc(2021, 11, 7, 15, 15)),
        ("Completado 07/11/21, 09:15", "dmy", utc(2021, 11, 7, 15, 15)),
        ("Completed 11/07/21, 09:15 AM", "mdy", utc(2021, 11, 7, 15, 15)),
        ("Completed on Sunday, 7 November 2021, 9:15 AM", "dmy", utc(2021, 11, 7, 15, 15)),
        ("Completado el domingo, 7 de noviembre de 2021, 09:15", "dmy", utc(2021, 11, 7, 15, 15)),
        ("Completed (achieved pass grade) 07/11/21, 09:15", "dmy", utc(2021, 11, 7, 15, 15)),
        # A state word alone, or with words in brackets: completed, with no date.
        ("Completed", "dmy", None),
        ("Completed (achieved pass grade)", "dmy", None),
    ],
)
def test_a_state_word_followed_by_its_date_and_time_keeps_them(cell, order, expected):
    content = report(
        ["ID", "Name", "Email address", "Course complete"],
        ["1", "Ana", "ana@example.org", cell],
    )

    result = read_completion_report(content, order, MEXICO)

    assert result.problems == []
    assert [(r.completed, r.completed_at) for r in result.rows] == [(True, expected)]


def test_a_state_word_with_its_date_beside_an_empty_date_column_keeps_the_date():
    content = report(
        HEADER_EN_SPLIT,
        ["1", "Ana", "Prueba", "ana@example.org", "", "", "Completed 07/11/21, 09:15", ""],
    )

    (only,) = read_completion_report(content, "dmy", MEXICO).rows

    assert (only.completed, only.completed_at) == (True, utc(2021, 11, 7, 15, 15))


@pytest.mark.parametrize(
    "cell", ["Completed 07/13/21, 09:15", "Completado ayer", "Completed on 7 Smarch 2021"]
)
def test_a_state_word_with_a_date_that_cannot_be_read_is_refused_never_counted(cell):
    content = report(
        ["ID", "Name", "Email address", "Course complete"],
        ["1", "Ana", "ana@example.org", "Completed 03/11/21, 10:22"],
        ["2", "Bruno", "bruno@example.org", cell],
    )

    result = read_completion_report(content, "dmy", MEXICO)

    assert [r.email for r in result.rows] == ["ana@example.org"]
    [problem] = result.problems
    assert (problem.number, problem.email) == (3, "bruno@example.org")
    assert problem.message == (
        f"“{cell}” says the course is completed, but its date cannot be read as day/month/year."
    )
