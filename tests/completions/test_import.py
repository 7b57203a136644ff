"""Importing a completion report: matched by e-mail, late after the deadline, unmatched rows
listed, hand marks kept, the same report twice changes nothing, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from capacita.audit.models import AuditEvent
from capacita.completions.models import CompletionReport, CourseCompletion
from capacita.completions.moodle import ReportError
from capacita.completions.services import (
    COMPLETED,
    LATE,
    NOT_COMPLETED,
    import_completion_report,
    mark_completion,
)

from .reports import HEADER_EN, HEADER_ES_SPLIT, excel_report, report, row, some_participants

pytestmark = pytest.mark.usefixtures("english")


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def state(course) -> dict:
    """email → (completed, completed_at, is_late, source, imported figure)."""
    return {
        c.user.email: (
            c.completed,
            c.completed_at,
            c.is_late,
            c.source,
            c.imported_completed,
            c.imported_completed_at,
        )
        for c in CourseCompletion.objects.filter(course=course).select_related("user")
    }


def test_the_deadline_is_the_end_of_5_november_in_mexico_city(course):
    assert course.deadline == utc(2021, 11, 6, 5, 59, 59)


def test_completed_late_and_not_completed(course, users):
    ana, bruno, carmen = some_participants(course.programme)
    content = report(
        HEADER_EN,
        row(1, ana.get_full_name(), ana.email, "03/11/21, 10:22"),
        # 06/11 00:30 in Mexico City is after the deadline (it would not be in UTC).
        row(2, bruno.get_full_name(), bruno.email, "06/11/21, 00:30"),
        row(3, carmen.get_full_name(), carmen.email),
    )

    outcome = import_completion_report(
        course, "completion.csv", content, "dmy", actor=users["manager"]
    )

    assert outcome.saved and not outcome.dry_run
    assert [(v.user, v.outcome, v.changed) for v in outcome.verdicts] == [
        (ana, COMPLETED, True),
        (bruno, LATE, True),
        (carmen, NOT_COMPLETED, True),
    ]
    on_time, late = utc(2021, 11, 3, 16, 22), utc(2021, 11, 6, 6, 30)
    assert state(course) == {
        ana.email: (True, on_time, False, "import", True, on_time),
        bruno.email: (True, late, True, "import", True, late),
        carmen.email: (False, None, False, "import", False, None),
    }
    saved = outcome.report
    assert (saved.filename, saved.date_order, saved.time_zone, saved.row_count) == (
        "completion.csv", "dmy", "America/Mexico_City", 3,
    )  # fmt: skip
    assert saved.uploaded_by == users["manager"]
    assert CourseCompletion.objects.filter(course=course, report=saved).count() == 3


def test_a_completion_just_before_the_deadline_is_on_time(course):
    (ana,) = some_participants(course.programme, 1)
    content = report(HEADER_EN, row(1, "Ana", ana.email, "05/11/21, 23:59"))

    outcome = import_completion_report(course, "c.csv", content, "dmy", actor=None)

    assert outcome.verdicts[0].outcome == COMPLETED
    assert CourseCompletion.objects.get(course=course, user=ana).is_late is False


def test_the_time_zone_can_be_given(course):
    (ana,) = some_participants(course.programme, 1)
    content = report(HEADER_EN, row(1, "Ana", ana.email, "06/11/21, 00:30"))

    outcome = import_completion_report(course, "c.csv", content, "dmy", None, time_zone="UTC")

    assert outcome.verdicts[0].outcome == COMPLETED
    assert outcome.report.time_zone == "UTC"


def test_month_first_dates(course):
    (ana,) = some_participants(course.programme, 1)
    content = report(HEADER_EN, row(1, "Ana", ana.email, "11/06/21, 10:00"))

    outcome = import_completion_report(course, "c.csv", content, "mdy", actor=None)

    assert outcome.verdicts[0].outcome == LATE
    assert CourseCompletion.objects.get(course=course, user=ana).completed_at == utc(
        2021, 11, 6, 16, 0
    )


def test_rows_are_matched_by_email_without_case_and_the_others_listed(course):
    ana, bruno = some_participants(course.programme, 2)
    content = report(
        HEADER_EN,
        row(1, "Ana", f"  {ana.email.upper()} ", "03/11/21, 10:22"),
        row(2, "Stranger", "stranger@example.org", "03/11/21, 10:22"),
        row(3, "No Mail", ""),
        row(4, bruno.get_full_name(), bruno.email),
    )

    outcome = import_completion_report(course, "c.csv", content, "dmy", actor=None)

    assert [v.user for v in outcome.verdicts] == [ana, bruno]
    assert [(r.number, r.email) for r in outcome.unmatched] == [
        (3, "stranger@example.org"),
        (4, ""),
    ]
    assert outcome.report.unmatched == [
        {
            "number": 3,
            "moodle_id": "2",
            "name": "Stranger",
            "email": "stranger@example.org",
            "completed": True,
            "completed_at": "2021-11-03T16:22:00+00:00",
            "date_text": "03/11/21, 10:22",
        },
        {
            "number": 4,
            "moodle_id": "3",
            "name": "No Mail",
            "email": "",
            "completed": False,
            "completed_at": None,
            "date_text": "",
        },
    ]


def test_people_who_are_not_participants_are_unmatched(course, users):
    content = report(HEADER_EN, row(1, "Focal", users["focal_point"].email, "03/11/21, 10:22"))

    outcome = import_completion_report(course, "c.csv", content, "dmy", actor=None)

    assert outcome.verdicts == []
    assert [r.email for r in outcome.unmatched] == [users["focal_point"].email]
    assert not CourseCompletion.objects.filter(course=course).exists()


def test_a_row_whose_date_cannot_be_read_is_listed_and_saves_nothing_for_that_person(course):
    ana, bruno = some_participants(course.programme, 2)
    content = report(
        HEADER_EN,
        row(1, "Ana", ana.email, "03/11/21, 10:22"),
        row(2, "Bruno", bruno.email, "tomorrow"),
    )

    outcome = import_completion_report(course, "c.csv", content, "dmy", actor=None)

    assert [v.user for v in outcome.verdicts] == [ana]
    assert [(p.number, p.email) for p in outcome.problems] == [(3, bruno.email)]
    assert outcome.report.problems[0]["message"].startswith("The date “tomorrow”")
    assert set(state(course)) == {ana.email}


def test_two_rows_for_one_person_use_the_completed_one(course):
    (ana,) = some_participants(course.programme, 1)
    content = report(
        HEADER_EN,
        row(1, "Ana", ana.email),
        row(2, "Ana again", ana.email.upper(), "03/11/21, 10:22"),
    )

    outcome = import_completion_report(course, "c.csv", content, "dmy", actor=None)

    assert [(v.row.number, v.outcome) for v in outcome.verdicts] == [(3, COMPLETED)]
    assert [p.number for p in outcome.problems] == [2]
    assert "which is the one used" in outcome.problems[0].message


def test_the_spanish_excel_csv_imports_the_same(course):
    ana, bruno = some_participants(course.programme, 2)
    content = excel_report(
        HEADER_ES_SPLIT,
        [
            "1", ana.first_name, ana.last_name, ana.email,
            "Completado", "03/11/21, 10:22", "Completado", "03/11/21, 10:22",
        ],
        [
            "2", bruno.first_name, bruno.last_name, bruno.email,
            "No completado", "", "No completado", "",
        ],
    )  # fmt: skip

    outcome = import_completion_report(course, "c.csv", content, "dmy", actor=None)

    assert [(v.user, v.outcome) for v in outcome.verdicts] == [
        (ana, COMPLETED),
        (bruno, NOT_COMPLETED),
    ]


def test_the_same_report_again_changes_nothing(course, users):
    ana, bruno = some_participants(course.programme, 2)
    content = report(
        HEADER_EN,
        row(1, "Ana", ana.email, "03/11/21, 10:22"),
        row(2, "Bruno", bruno.email),
        row(3, "Stranger", "stranger@example.org"),
    )
    import_completion_report(course, "c.csv", content, "dmy", actor=users["manager"])
    before = state(course)
    updated = dict(CourseCompletion.objects.values_list("pk", "updated_at"))
    reports = CompletionReport.objects.count()
    events = AuditEvent.objects.count()

    again = import_completion_report(course, "c.csv", content, "dmy", actor=users["manager"])

    assert again.already_imported and again.saved
    assert [v.changed for v in again.verdicts] == [False, False]
    assert state(course) == before
    assert dict(CourseCompletion.objects.values_list("pk", "updated_at")) == updated
    assert CompletionReport.objects.count() == reports
    assert AuditEvent.objects.count() == events


def test_a_newer_report_updates_what_changed_only(course):
    ana, bruno = some_participants(course.programme, 2)
    first = report(HEADER_EN, row(1, "Ana", ana.email, "03/11/21, 10:22"), row(2, "B", bruno.email))
    second = report(
        HEADER_EN,
        row(1, "Ana", ana.email, "03/11/21, 10:22"),
        row(2, "B", bruno.email, "07/11/21, 08:00"),
    )
    import_completion_report(course, "first.csv", first, "dmy", actor=None)

    outcome = import_completion_report(course, "second.csv", second, "dmy", actor=None)

    assert [(v.user, v.outcome, v.changed) for v in outcome.verdicts] == [
        (ana, COMPLETED, False),
        (bruno, LATE, True),
    ]
    assert CompletionReport.objects.filter(course=course).count() == 2
    assert CourseCompletion.objects.get(user=bruno, course=course).report == outcome.report
    assert CourseCompletion.objects.get(user=ana, course=course).report.filename == "first.csv"


def test_a_hand_mark_keeps_its_status_and_the_imported_figure_goes_beside_it(course, users):
    ana, bruno = some_participants(course.programme, 2)
    mark_completion(
        course, ana, True, "Certificate sent by e-mail", users["manager"],
        completed_at=utc(2021, 11, 2, 15, 0),
    )  # fmt: skip
    mark_completion(course, bruno, False, "Account shared with a colleague", users["manager"])
    content = report(
        HEADER_EN, row(1, "Ana", ana.email), row(2, "Bruno", bruno.email, "03/11/21, 10:22")
    )

    outcome = import_completion_report(course, "c.csv", content, "dmy", actor=None)

    assert [(v.user, v.outcome, v.kept_by_hand) for v in outcome.verdicts] == [
        (ana, NOT_COMPLETED, True),
        (bruno, COMPLETED, True),
    ]
    assert state(course) == {
        ana.email: (True, utc(2021, 11, 2, 15, 0), False, "hand", False, None),
        bruno.email: (False, None, False, "hand", True, utc(2021, 11, 3, 16, 22)),
    }
    kept = CourseCompletion.objects.get(course=course, user=ana)
    assert kept.reason == "Certificate sent by e-mail"
    assert kept.marked_by == users["manager"]


def test_a_dry_run_saves_nothing(course):
    (ana,) = some_participants(course.programme, 1)
    content = report(HEADER_EN, row(1, "Ana", ana.email, "03/11/21, 10:22"))

    outcome = import_completion_report(course, "c.csv", content, "dmy", None, dry_run=True)

    assert outcome.dry_run and not outcome.saved
    assert [v.outcome for v in outcome.verdicts] == [COMPLETED]
    assert not CourseCompletion.objects.filter(course=course).exists()
    assert not CompletionReport.objects.filter(course=course).exists()


def test_a_file_that_cannot_be_read_saves_nothing(course):
    with pytest.raises(ReportError):
        import_completion_report(course, "c.csv", b"Name;Quiz\nAna;x\n", "dmy", actor=None)
    assert not CompletionReport.objects.exists()
    assert not CourseCompletion.objects.exists()


def test_each_change_is_audited(course, users):
    ana, bruno = some_participants(course.programme, 2)
    content = report(
        HEADER_EN, row(1, "Ana", ana.email, "03/11/21, 10:22"), row(2, "B", bruno.email)
    )

    outcome = import_completion_report(course, "c.csv", content, "dmy", actor=users["manager"])

    events = AuditEvent.objects.filter(action=AuditEvent.Action.COMPLETION_IMPORTED)
    assert events.filter(subject_type="completions.completionreport").count() == 1
    on_ana = events.get(
        subject_type="completions.coursecompletion",
        subject_id=str(CourseCompletion.objects.get(course=course, user=ana).pk),
    )
    assert on_ana.actor == users["manager"]
    assert on_ana.programme == course.programme
    assert on_ana.details["report"] == outcome.report.pk
    assert on_ana.details["before"] is None
    assert on_ana.details["after"]["completed_at"] == "2021-11-03T16:22:00+00:00"


def test_a_completion_written_with_its_time_after_the_deadline_is_late(course):
    ana, bruno, carmen = some_participants(course.programme)
    content = report(
        ["ID", "Name", "Email address", "Course complete"],
        ["1", "Ana", ana.email, "Completed 03/11/21, 10:22"],
        # 7 November, after the deadline (the end of 5 November in Mexico City).
        ["2", "Bruno", bruno.email, "Completado 07/11/21, 09:15"],
        ["3", "Carmen", carmen.email, "Completed sometime"],
    )

    outcome = import_completion_report(course, "c.csv", content, "dmy", actor=None)

    assert [(v.user, v.outcome) for v in outcome.verdicts] == [(ana, COMPLETED), (bruno, LATE)]
    assert state(course)[bruno.email][:3] == (True, utc(2021, 11, 7, 15, 15), True)
    # The cell nobody can read is refused, with its row, and saves nothing for Carmen.
    assert [(p.number, p.email) for p in outcome.problems] == [(4, carmen.email)]
    assert "“Completed sometime” says the course is completed" in outcome.problems[0].message
    assert carmen.email not in state(course)
