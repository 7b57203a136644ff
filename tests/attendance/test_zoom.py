"""Reading Zoom's participants report: the variants Zoom writes, times in the stated zone,
and every file that must be refused, with a message saying why."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import translation

from capacita.attendance.zoom import ReportError, parse_report, parse_time

from .reports import UNIQUE_USERS_HEADER, at, report, row

MEXICO = zoneinfo.ZoneInfo("America/Mexico_City")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def utc(hour: int, minute: int = 0, second: int = 0, day: int = 26) -> dt.datetime:
    return dt.datetime(2021, 10, day, hour, minute, second, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def spans_of(parsed, name, email=""):
    return parsed.groups[(name, email)].spans_at


@pytest.mark.parametrize("meeting", [True, False])
@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("trailing_comma", [True, False])
def test_it_reads_the_report_with_or_without_meeting_block_bom_or_trailing_commas(
    meeting, bom, trailing_comma
):
    content = report(
        row("Ana Gómez", "ana@example.org", "01:58:00 PM", "03:10:30 PM"),
        row("Ana Gómez", "ana@example.org", "03:12 PM", "04:02 PM"),
        row("Invitado", "", "02:00 PM", "02:30 PM"),
        meeting=meeting,
        bom=bom,
        trailing_comma=trailing_comma,
    )
    parsed = parse_report(content, MEXICO)

    assert parsed.row_count == 3
    assert spans_of(parsed, "Ana Gómez", "ana@example.org") == [
        (utc(18, 58), utc(20, 10, 30)),
        (utc(20, 12), utc(21, 2)),
    ]
    assert spans_of(parsed, "Invitado") == [(utc(19), utc(19, 30))]
    if meeting:
        assert parsed.meeting_id == "812 3456 7890"
        assert parsed.topic.startswith("Sesión 1")


def test_the_first_row_number_is_the_line_a_spreadsheet_shows():
    content = report(
        row("Ana", "ana@example.org", "02:00 PM", "03:00 PM"),
        row("Bruno", "bruno@example.org", "02:00 PM", "03:00 PM"),
    )
    parsed = parse_report(content, MEXICO)
    # Meeting header, its values, a blank line, the participants' header: rows from line 5.
    assert parsed.groups[("Ana", "ana@example.org")].first_row == 5
    assert parsed.groups[("Bruno", "bruno@example.org")].first_row == 6


def test_the_same_wall_clock_times_differ_by_the_zone_stated():
    content = report(row("Ana", "ana@example.org", "02:00 PM", "04:00 PM"))
    in_mexico = spans_of(parse_report(content, MEXICO), "Ana", "ana@example.org")
    in_new_york = spans_of(parse_report(content, NEW_YORK), "Ana", "ana@example.org")
    # On 26 October 2021 Mexico City was at UTC−05:00 and New York at UTC−04:00.
    assert in_mexico == [(utc(19), utc(21))]
    assert in_new_york == [(utc(18), utc(20))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10/26/2021 02:03:00 PM", utc(19, 3)),
        ("10/26/2021 02:03 PM", utc(19, 3)),
        ("10/26/2021 14:03:00", utc(19, 3)),
        ("10/26/2021 14:03", utc(19, 3)),
        ("10/26/2021 12:30:00 AM", utc(5, 30)),
        ("10/26/2021 12:30:00 PM", utc(17, 30)),
        (" 10/26/2021 02:03:00 pm ", utc(19, 3)),
        ("2021-10-26 14:03:00", utc(19, 3)),
    ],
)
def test_times_as_zoom_writes_them(text, expected):
    assert parse_time(text, MEXICO) == expected


@pytest.mark.parametrize(
    "text",
    ["", "yesterday", "13/26/2021 02:03:00 PM", "10/26/2021 13:03:00 PM", "10/32/2021 10:00"],
)
def test_what_is_not_a_time(text):
    assert parse_time(text, MEXICO) is None


def test_a_time_after_the_clocks_went_back_is_read_in_the_zone_of_that_day():
    # Mexico City left summer time on 31 October 2021 at 02:00 (back to 01:00).
    content = report(
        row("Ana", "ana@example.org", "12:30 AM", "03:00 AM"),
    ).replace(b"10/26/2021", b"10/31/2021")
    spans = spans_of(parse_report(content, MEXICO), "Ana", "ana@example.org")
    assert spans == [(utc(5, 30, day=31), utc(9, 0, day=31))]


@pytest.mark.parametrize(
    "header",
    [
        ["Name (original name)", "Email", "Join time", "Leave time", "Duration (minutes)"],
        ["Name", "User Email", "Join Time", "Leave Time", "Duration (Minutes)"],
    ],
)
def test_column_names_in_other_cases_and_spellings(header):
    content = report(
        ["Ana", "ana@example.org", at("02:00 PM"), at("03:00 PM"), "60"],
        header=header,
        meeting=False,
    )
    assert spans_of(parse_report(content, MEXICO), "Ana", "ana@example.org") == [(utc(19), utc(20))]


def test_a_report_without_email_column_reads_every_row_without_email():
    content = report(
        ["Ana", at("02:00 PM"), at("03:00 PM")],
        header=["Name (Original Name)", "Join Time", "Leave Time"],
    )
    assert list(parse_report(content, MEXICO).groups) == [("Ana", "")]


def test_extra_columns_are_ignored_and_waiting_room_rows_left_out():
    content = report(
        [*row("Ana", "ana@example.org", "01:50 PM", "01:59 PM"), "Yes", "Yes"],
        [*row("Ana", "ana@example.org", "01:59 PM", "03:00 PM"), "Yes", "No"],
        [*row("Bruno", "bruno@example.org", "01:55 PM", "02:10 PM"), "Yes", "Yes"],
        header=[
            "Name (Original Name)",
            "User Email",
            "Join Time",
            "Leave Time",
            "Duration (Minutes)",
            "Guest",
            "Recording Consent",
            "In Waiting Room",
        ],
    )
    parsed = parse_report(content, MEXICO)
    assert parsed.waiting_room_rows == 2
    assert list(parsed.groups) == [("Ana", "ana@example.org")]
    assert spans_of(parsed, "Ana", "ana@example.org") == [(utc(18, 59), utc(20))]


def test_spaces_around_names_and_emails_do_not_make_another_person():
    content = report(
        row("Ana  Gómez ", " ana@example.org", "02:00 PM", "03:00 PM"),
        row("Ana Gómez", "ana@example.org", "03:00 PM", "04:00 PM"),
    )
    parsed = parse_report(content, MEXICO)
    assert list(parsed.groups) == [("Ana Gómez", "ana@example.org")]
    assert parsed.groups[("Ana Gómez", "ana@example.org")].row_count == 2


def test_blank_lines_and_lines_of_commas_among_the_rows_are_skipped():
    content = report(
        row("Ana", "ana@example.org", "02:00 PM", "03:00 PM"),
        [],
        ["", "", "", "", "", ""],
        row("Bruno", "bruno@example.org", "02:00 PM", "03:00 PM"),
    )
    parsed = parse_report(content, MEXICO)
    assert parsed.row_count == 2
    assert parsed.groups[("Bruno", "bruno@example.org")].first_row == 8


def test_the_unique_users_report_is_refused_asking_for_the_full_report():
    content = report(
        ["Ana", "ana@example.org", "95", "No"],
        header=UNIQUE_USERS_HEADER,
    )
    with pytest.raises(ReportError) as refused:
        parse_report(content, MEXICO)
    assert "unique users" in refused.value.message
    assert "untick “Show unique users”" in refused.value.message


def test_rows_leaving_before_they_join_or_with_unreadable_times_refuse_the_whole_file():
    content = report(
        row("Ana", "ana@example.org", "02:00 PM", "03:00 PM"),
        row("Bruno", "bruno@example.org", "03:00 PM", "02:00 PM"),
        ["Carmen", "carmen@example.org", "mañana", at("03:00 PM"), "", "No"],
        row("Darío", "dario@example.org", "02:00 PM", "03:00 PM"),
        ["Elena", "elena@example.org", at("02:00 PM")],
    )
    with pytest.raises(ReportError) as refused:
        parse_report(content, MEXICO)
    assert refused.value.message.startswith("Nothing was imported: 3 rows cannot be read.")
    assert refused.value.problems == [
        "Row 6: the leave time 10/26/2021 02:00:00 PM is before the join time "
        "10/26/2021 03:00:00 PM.",
        "Row 7: “mañana” is not a time such as 10/26/2021 02:03:00 PM.",
        "Row 9: some columns are missing.",
    ]


def test_many_faulty_rows_are_listed_up_to_fifty():
    content = report(
        *[row(f"P{n}", "", "03:00 PM", "02:00 PM") for n in range(60)],
        meeting=False,
    )
    with pytest.raises(ReportError) as refused:
        parse_report(content, MEXICO)
    assert len(refused.value.problems) == 51
    assert refused.value.problems[-1] == "… and 10 more rows."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"  \r\n", "The file is empty."),
        (b"Nombre;Correo\nAna;ana@example.org\n", "no column “Join Time”"),
        (b"\xff\xfeN\x00a\x00m\x00e\x00", "UTF-8"),
        (
            b"Name (Original Name),User Email,Join Time,Duration (Minutes)\r\n",
            "no column “Leave Time”",
        ),
        (
            b"Name (Original Name),User Email,Join Time,Leave Time\r\n",
            "no participants' rows",
        ),
    ],
)
def test_files_that_are_not_a_participants_report(content, message):
    with pytest.raises(ReportError) as refused:
        parse_report(content, MEXICO)
    assert message in refused.value.message


def test_a_regular_file_reads_the_same_as_through_the_careful_path():
    """The fast reading and the careful one (taken when a blank line appears) agree."""
    rows = [
        row(f"Persona {n % 7}", f"p{n % 7}@example.org" if n % 3 else "", "02:00 PM", "02:30 PM")
        for n in range(40)
    ]
    fast = parse_report(report(*rows), MEXICO)
    careful = parse_report(report(*rows, []), MEXICO)
    assert fast.groups == careful.groups
