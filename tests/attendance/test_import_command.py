"""`capacita import_attendance <programme> <session> <file.csv> --timezone <zone> [--dry-run]`:
each person's minutes and verdict, the unmatched rows; exit 0 when saved, 1 when the file
cannot be read (nothing saved)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from capacita.attendance.models import AttendanceRecord, JoinInterval, MeetingReport

from .reports import UNIQUE_USERS_HEADER, person, report, row


def run(*args) -> tuple[list[str], list[str], int]:
    """The command's output lines, its error lines and its exit code."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        try:
            call_command("import_attendance", *args, stdout=out, stderr=err)
        except SystemExit as exit_:
            code = exit_.code
        else:
            code = 0
    return out.getvalue().splitlines(), err.getvalue().splitlines(), code


@pytest.fixture
def write(tmp_path):
    def write_file(name: str, content: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return write_file


@pytest.fixture
def jose(programme):
    return person(programme, "jose.pena@example.org", "José", "Peña Núñez")


CONTENT = report(
    row("Peña Núñez, José", "", "01:50 PM", "03:00 PM"),
    row("José Peña Núñez", "jose.pena@example.org", "02:45 PM", "04:10 PM"),
    row("Visitante", "", "02:00 PM", "02:45 PM"),
)


def test_it_saves_and_prints_each_persons_minutes_and_verdict_then_the_unmatched_rows(
    programme, jose, write
):
    lines, errors, code = run(
        "crm-2021", "1", write("zoom.csv", CONTENT), "--timezone", "America/Mexico_City"
    )
    assert code == 0, errors
    assert "José Peña Núñez <jose.pena@example.org>: 120 min, present" in lines
    assert "Demo Participant MX <participant.mx@example.org>: 0 min, absent" in lines
    assert "unmatched: Visitante <>: 1 rows, 45 min" in lines
    assert lines[-1].startswith("Session 1: 3 rows, 2 matched, 1 unmatched; 1 present, ")
    assert lines[-1].endswith("Saved.")
    assert AttendanceRecord.objects.get(user=jose, session__number=1).status == "present"

    # Again: nothing changes, and it says so.
    again, _errors, code = run(
        "crm-2021", "1", write("zoom.csv", CONTENT), "--timezone", "America/Mexico_City"
    )
    assert code == 0
    assert again[-1].endswith("This report was already imported: nothing changed.")
    assert MeetingReport.objects.count() == 1


def test_another_zone_gives_other_minutes(programme, jose, write):
    lines, _errors, code = run(
        "crm-2021", "1", write("zoom.csv", CONTENT), "--timezone", "America/New_York"
    )
    assert code == 0
    # Read in New York (an hour ahead of Mexico City that day), the rows end an hour earlier.
    assert "José Peña Núñez <jose.pena@example.org>: 70 min, absent" in lines


def test_a_dry_run_prints_the_same_and_saves_nothing(programme, jose, write):
    lines, _errors, code = run(
        "crm-2021",
        "1",
        write("zoom.csv", CONTENT),
        "--timezone",
        "America/Mexico_City",
        "--dry-run",
    )
    assert code == 0
    assert "José Peña Núñez <jose.pena@example.org>: 120 min, present" in lines
    assert lines[-1].endswith("Dry run: nothing was saved.")
    assert not MeetingReport.objects.exists()
    assert not AttendanceRecord.objects.exists()


def test_a_hand_correction_is_printed_beside_the_imported_figure(programme, jose, users, write):
    from capacita.attendance.services import mark_attendance

    from .reports import session

    mark_attendance(session(programme), jose, "excused", "On an official trip.", users["manager"])
    lines, _errors, code = run(
        "crm-2021", "1", write("zoom.csv", CONTENT), "--timezone", "America/Mexico_City"
    )
    assert code == 0
    assert (
        "José Peña Núñez <jose.pena@example.org>: 120 min, present; "
        "marked excused by hand (On an official trip.)"
    ) in lines


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            report(row("José", "", "03:00 PM", "02:00 PM")),
            "Row 5: the leave time 10/26/2021 02:00:00 PM is before the join time",
        ),
        (
            report(["José", "jose.pena@example.org", "120", "No"], header=UNIQUE_USERS_HEADER),
            "unique users",
        ),
        (b"", "The file is empty."),
    ],
)
def test_an_unreadable_report_exits_1_and_saves_nothing(programme, jose, write, content, message):
    lines, errors, code = run(
        "crm-2021", "1", write("zoom.csv", content), "--timezone", "America/Mexico_City"
    )
    assert code == 1
    assert any(message in line for line in errors), errors
    assert not MeetingReport.objects.exists()
    assert not JoinInterval.objects.exists()
    assert not AttendanceRecord.objects.exists()


def test_a_missing_file_exits_1(programme, tmp_path):
    _lines, errors, code = run(
        "crm-2021", "1", str(tmp_path / "nowhere.csv"), "--timezone", "America/Mexico_City"
    )
    assert code == 1
    assert "Cannot read" in errors[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope", "1"), "No programme"),
        (("crm-2021", "9"), "has no session 9"),
    ],
)
def test_unknown_programme_or_session(programme, write, args, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "import_attendance",
            *args,
            write("zoom.csv", CONTENT),
            "--timezone",
            "America/Mexico_City",
        )


def test_an_unknown_zone_is_refused(programme, write):
    with pytest.raises(CommandError, match="not a time zone"):
        call_command(
            "import_attendance",
            "crm-2021",
            "1",
            write("zoom.csv", CONTENT),
            "--timezone",
            "Nowhere",
        )
