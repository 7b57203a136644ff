"""Marking a completion by hand: a reason always, late as for imports, audited with the
imported figure; the page's form does the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from capacita.audit.models import AuditEvent
from capacita.audit.services import history_of
from capacita.completions.models import CourseCompletion
from capacita.completions.services import (
    CompletionError,
    import_completion_report,
    mark_completion,
)

from .reports import HEADER_EN, report, row, some_participants

pytestmark = pytest.mark.usefixtures("english")
MARK = "/en/programmes/crm-2021/courses/migration-trends/mark/"
PAGE = "/en/programmes/crm-2021/courses/migration-trends/"


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_a_reason_is_required(course, users):
    (ana,) = some_participants(course.programme, 1)

    for reason in ("", "   "):
        with pytest.raises(CompletionError, match="Say why"):
            mark_completion(course, ana, True, reason, users["manager"])
    assert not CourseCompletion.objects.exists()


def test_marked_completed_with_a_reason_and_audited(course, users):
    (ana,) = some_participants(course.programme, 1)
    import_completion_report(
        course, "c.csv", report(HEADER_EN, row(1, "Ana", ana.email)), "dmy", actor=None
    )

    completion = mark_completion(
        course, ana, True, "  Moodle lost her progress  ", users["manager"],
        completed_at=utc(2021, 11, 4, 12, 0),
    )  # fmt: skip

    assert (completion.completed, completion.completed_at, completion.is_late) == (
        True, utc(2021, 11, 4, 12, 0), False,
    )  # fmt: skip
    assert (completion.source, completion.reason) == ("hand", "Moodle lost her progress")
    assert completion.marked_by == users["manager"]
    assert completion.marked_at is not None
    (event,) = history_of(completion).filter(action=AuditEvent.Action.COMPLETION_MARKED)
    assert event.actor == users["manager"]
    assert event.reason == "Moodle lost her progress"
    assert event.details["completed"] is True
    assert event.details["completed_at"] == "2021-11-04T12:00:00+00:00"
    assert event.details["imported"] == {"completed": False, "completed_at": None}
    assert event.details["before"]["source"] == "import"


def test_a_completion_after_the_deadline_is_late(course, users):
    (ana,) = some_participants(course.programme, 1)

    completion = mark_completion(
        course, ana, True, "Late, by the platform's log", users["manager"],
        completed_at=utc(2021, 11, 6, 6, 0),
    )  # fmt: skip

    assert completion.is_late is True


def test_a_naive_date_is_in_the_programmes_zone(course, users):
    (ana,) = some_participants(course.programme, 1)

    completion = mark_completion(
        course, ana, True, "Seen on the site", users["manager"],
        completed_at=dt.datetime(2021, 11, 6, 0, 30),
    )  # fmt: skip

    assert completion.completed_at == utc(2021, 11, 6, 6, 30)
    assert completion.is_late is True


def test_marked_not_completed_clears_the_date(course, users):
    (ana,) = some_participants(course.programme, 1)
    import_completion_report(
        course,
        "c.csv",
        report(HEADER_EN, row(1, "Ana", ana.email, "03/11/21, 10:22")),
        "dmy",
        actor=None,
    )

    completion = mark_completion(course, ana, False, "Someone else did it", users["manager"])

    assert (completion.completed, completion.completed_at, completion.is_late) == (
        False, None, False,
    )  # fmt: skip
    assert completion.imported_completed is True
    assert completion.imported_completed_at == utc(2021, 11, 3, 16, 22)


@pytest.mark.parametrize(
    ("completed", "when", "message"),
    [
        (True, timezone.now() + dt.timedelta(days=2), "cannot be in the future"),
        (False, utc(2021, 11, 1), "goes only with"),
    ],
)
def test_impossible_dates_are_refused(course, users, completed, when, message):
    (ana,) = some_participants(course.programme, 1)

    with pytest.raises(CompletionError, match=message):
        mark_completion(course, ana, completed, "Because", users["manager"], completed_at=when)


def test_only_participants_can_be_marked(course, users):
    with pytest.raises(CompletionError, match="is not a participant"):
        mark_completion(course, users["observer"], True, "Because", users["manager"])


def test_the_page_form_marks_in_the_programmes_zone(client_as, course):
    (ana,) = some_participants(course.programme, 1)
    client = client_as("manager")

    response = client.post(
        MARK,
        {
            "user": ana.pk,
            "completed": "yes",
            "completed_at": "2021-11-05T23:30",
            "reason": "Certificate seen",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#participant-{ana.pk}"
    completion = CourseCompletion.objects.get(course=course, user=ana)
    assert completion.completed_at == utc(2021, 11, 6, 5, 30)
    assert (completion.is_late, completion.reason) == (False, "Certificate seen")
    page = client.get(PAGE).content.decode()
    assert "is marked by hand" in page
    assert "Certificate seen" in page


def test_the_page_form_without_a_reason_says_so(client_as, course):
    (ana,) = some_participants(course.programme, 1)
    client = client_as("manager")

    response = client.post(MARK, {"user": ana.pk, "completed": "yes", "reason": ""}, follow=True)

    assert "This field is required." in response.content.decode()
    assert not CourseCompletion.objects.exists()


def test_the_page_form_refuses_someone_who_is_not_a_participant(client_as, course, users):
    client = client_as("manager")

    response = client.post(
        MARK, {"user": users["focal_point"].pk, "completed": "yes", "reason": "x"}, follow=True
    )

    assert "is not a participant of this programme" in response.content.decode()
    assert not CourseCompletion.objects.exists()
