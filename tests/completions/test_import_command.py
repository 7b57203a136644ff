"""`capacita import_completion <programme> <course code> <file.csv> [--date-order dmy|mdy|ymd]
[--dry-run]`: the verdict per participant and the unmatched rows; exit 0 when saved, 1 when
the file cannot be read (nothing saved)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from capacita.completions.models import CompletionReport, CourseCompletion

from .reports import HEADER_EN, report, row, some_participants

pytestmark = pytest.mark.usefixtures("english")


def run(*args) -> tuple[list[str], int]:
    """The command's output lines and its exit code."""
    out = io.StringIO()
    try:
        call_command("import_completion", *args, stdout=out)
    except CommandError as error:
        return [*out.getvalue().splitlines(), str(error)], error.returncode
    except SystemExit as exit_:
        return out.getvalue().splitlines(), exit_.code
    return out.getvalue().splitlines(), 0


@pytest.fixture
def write(tmp_path):
    def write_file(name: str, content: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return write_file


@pytest.fixture
def three(course):
    return some_participants(course.programme, 3)


def test_it_prints_each_verdict_and_the_unmatched_rows_and_exits_0(course, three, write):
    ana, bruno, carmen = three
    path = write(
        "completion.csv",
        report(
            HEADER_EN,
            row(1, "Ana", ana.email, "03/11/21, 10:22"),
            row(2, "Bruno", bruno.email, "06/11/21, 09:00"),
            row(3, "Carmen", carmen.email),
            row(4, "Stranger", "stranger@example.org", "01/11/21, 08:00"),
            row(5, "Broken", "broken@example.org", "31/02/21, 08:00"),
        ),
    )

    lines, code = run("crm-2021", "migration-trends", path)

    assert code == 0
    assert lines == [
        f"row 2: {ana.get_full_name()} <{ana.email}>: completed on 2021-11-03 10:22 "
        "(America/Mexico_City)",
        f"row 3: {bruno.get_full_name()} <{bruno.email}>: completed late on 2021-11-06 09:00 "
        "(America/Mexico_City)",
        f"row 4: {carmen.get_full_name()} <{carmen.email}>: not completed",
        "row 5: matched to nobody: Stranger <stranger@example.org>: completed on "
        "2021-11-01 08:00 (America/Mexico_City)",
        "row 6: not read: The date “31/02/21, 08:00” cannot be read as day/month/year.",
        "3 participants found: 2 completed (1 late), 1 not completed; 1 rows matched to "
        "nobody, 1 rows not read; 3 records changed. Saved.",
    ]
    assert CourseCompletion.objects.filter(course=course, completed=True).count() == 2
    report_ = CompletionReport.objects.get(course=course)
    assert report_.uploaded_by is None
    assert [r["email"] for r in report_.unmatched] == ["stranger@example.org"]


def test_month_first_dates(course, three, write):
    ana = three[0]
    path = write("c.csv", report(HEADER_EN, row(1, "Ana", ana.email, "03/11/21, 10:22")))

    lines, code = run("crm-2021", "migration-trends", path, "--date-order", "mdy")

    assert code == 0
    assert "completed on 2021-03-11 10:22" in lines[0]


def test_again_changes_nothing(course, three, write):
    ana = three[0]
    path = write("c.csv", report(HEADER_EN, row(1, "Ana", ana.email, "03/11/21, 10:22")))
    run("crm-2021", "migration-trends", path)

    lines, code = run("crm-2021", "migration-trends", path)

    assert code == 0
    assert lines[0].endswith("(unchanged)")
    assert lines[-1].endswith("0 records changed. Already imported: nothing changed.")
    assert CompletionReport.objects.filter(course=course).count() == 1


def test_a_hand_mark_is_said_to_stay(course, three, write, users):
    from capacita.completions.services import mark_completion

    ana = three[0]
    mark_completion(course, ana, False, "Shared account", users["manager"])
    path = write("c.csv", report(HEADER_EN, row(1, "Ana", ana.email, "03/11/21, 10:22")))

    lines, code = run("crm-2021", "migration-trends", path)

    assert code == 0
    assert "; marked by hand as not completed, which stays" in lines[0]
    assert CourseCompletion.objects.get(course=course, user=ana).completed is False


def test_dry_run_saves_nothing(course, three, write):
    ana = three[0]
    path = write("c.csv", report(HEADER_EN, row(1, "Ana", ana.email, "03/11/21, 10:22")))

    lines, code = run("crm-2021", "migration-trends", path, "--dry-run")

    assert code == 0
    assert lines[-1].endswith("Dry run: nothing was saved.")
    assert not CourseCompletion.objects.exists()
    assert not CompletionReport.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"ID,Name,Course complete\r\n1,Ana,\r\n", "The report has no e-mail column"),
    ],
)
def test_a_file_that_cannot_be_read_exits_1_and_saves_nothing(course, write, content, message):
    path = write("c.csv", content)

    lines, code = run("crm-2021", "migration-trends", path)

    assert code == 1
    assert message in lines[-1]
    assert lines[-1].endswith("Nothing was saved.")
    assert not CompletionReport.objects.exists()


def test_a_missing_file_an_unknown_course_or_programme_exit_1(course, write, tmp_path):
    path = write("c.csv", report(HEADER_EN, row(1, "Ana", "ana@example.org")))

    assert run("crm-2021", "migration-trends", str(tmp_path / "nope.csv"))[1] == 1
    lines, code = run("crm-2021", "no-such-course", path)
    assert code == 1
    assert "its courses are corporate-responsibility, migration-trends" in lines[-1]
    assert run("no-such-programme", "migration-trends", path)[1] == 1


def test_an_unknown_date_order_is_refused_by_the_parser(course, write):
    path = write("c.csv", report(HEADER_EN, row(1, "Ana", "ana@example.org")))

    with pytest.raises(CommandError, match="invalid choice"):
        call_command("import_completion", "crm-2021", "migration-trends", path, "--date-order=x")
