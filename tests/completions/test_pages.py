"""The managers' pages: who reaches them, the counts per course, a course's participants,
the upload with its messages and the unmatched rows of the last report."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from capacita.completions.models import CompletionReport, CourseCompletion
from capacita.completions.services import import_completion_report

from ..conftest import ROLES
from .reports import HEADER_EN, HEADER_ES_SPLIT, excel_report, report, row, some_participants

BASE = "/es/programmes/crm-2021/courses/"
COURSE = BASE + "migration-trends/"
MANAGERS = {"manager", "superuser"}
PAGES = [BASE, BASE + "moodle-users.csv", COURSE]
POSTS = [COURSE + "upload/", COURSE + "mark/"]


def text(response) -> str:
    return html.unescape(response.content.decode())


def flash(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_reach_the_pages(role, client_as, programme):
    client = client_as(role)
    for url in PAGES:
        response = client.get(url)
        expected = 200 if role in MANAGERS else 302 if role == "anonymous" else 403
        assert response.status_code == expected, f"{role} GET {url}"
        if role == "anonymous":
            assert response["Location"].startswith("/es/accounts/login/?next=")
    for url in POSTS:
        response = client.post(url)
        # Managers are sent back to the course page with a message; the others stopped.
        expected = 302 if role in MANAGERS | {"anonymous"} else 403
        assert response.status_code == expected, f"{role} POST {url}"
        if role in MANAGERS:
            assert response["Location"] == COURSE
        elif role == "anonymous":
            assert "/accounts/login/" in response["Location"]
    assert not CompletionReport.objects.exists()
    assert not CourseCompletion.objects.exists()


@pytest.mark.parametrize("role", ["manager", "participant", "anonymous"])
def test_posts_need_post(role, client_as, programme):
    for url in POSTS:
        assert client_as(role).get(url).status_code == 405


def test_an_unknown_course_or_programme_is_not_found(client_as, programme):
    client = client_as("manager")
    assert client.get(BASE + "no-such-course/").status_code == 404
    assert client.post(BASE + "no-such-course/upload/").status_code == 404
    assert client.get("/es/programmes/nope/courses/").status_code == 404


def test_the_overview_counts_each_course(client_as, course, users):
    ana, bruno, carmen = some_participants(course.programme, 3)
    import_completion_report(
        course,
        "migration.csv",
        report(
            HEADER_EN,
            row(1, "Ana", ana.email, "03/11/21, 10:22"),
            row(2, "Bruno", bruno.email, "07/11/21, 10:22"),
            row(3, "Carmen", carmen.email),
            row(4, "Stranger", "stranger@example.org"),
        ),
        "dmy",
        actor=users["manager"],
    )

    response = client_as("manager").get("/en/programmes/crm-2021/courses/")

    page = text(response)
    cells = re.search(r'<tr id="course-migration-trends">(.*?)</tr>', page, re.S).group(1)
    numbers = dict(re.findall(r'<td class="([a-z-]+)">(\d+)</td>', cells))
    # 15 participants: 2 completed (1 of them late), 13 not; 1 row matched to nobody.
    assert numbers == {"completed": "2", "late": "1", "not-completed": "13", "unmatched": "1"}
    assert "migration.csv" in cells
    assert "/en/programmes/crm-2021/courses/moodle-users.csv" in page
    other = re.search(r'<tr id="course-corporate-responsibility">(.*?)</tr>', page, re.S)
    assert '<td class="not-completed">15</td>' in other.group(1)


def test_the_course_page_lists_participants_and_the_unmatched_rows(client_as, course, users):
    ana, bruno = some_participants(course.programme, 2)
    import_completion_report(
        course,
        "migration.csv",
        report(
            HEADER_EN,
            row(1, "Ana", ana.email, "03/11/21, 10:22"),
            row(2, "Stranger Person", "stranger@example.org", "02/11/21, 09:00"),
            row(3, "Broken", "broken@example.org", "someday"),
        ),
        "dmy",
        actor=users["manager"],
    )

    page = text(client_as("manager").get("/en/programmes/crm-2021/courses/migration-trends/"))

    ana_row = re.search(
        rf'<tr class="status-completed" id="participant-{ana.pk}">(.*?)</tr>', page, re.S
    ).group(1)
    # Unambiguous whatever the date order: 3 November, in the programme's zone.
    assert (
        '<time datetime="2021-11-03T16:22:00+00:00">Wednesday 3 November 2021, 10:22</time>'
        in ana_row
    )
    assert f'<tr class="status-not_completed" id="participant-{bruno.pk}">' in page
    unmatched = re.search(r'<tr id="unmatched-3">(.*?)</tr>', page, re.S).group(1)
    assert "Stranger Person" in unmatched and "stranger@example.org" in unmatched
    assert "02/11/21, 09:00" in unmatched
    problem = re.search(r'<tr class="verdict-refused" id="problem-4">(.*?)</tr>', page, re.S)
    assert "The date “someday” cannot be read" in problem.group(1)
    # The upload form, with day-first dates chosen, and a hand-marking form per person.
    assert '<option value="dmy" selected>' in page
    assert page.count('action="/en/programmes/crm-2021/courses/migration-trends/mark/"') == 15


def test_uploading_a_report(client_as, course):
    ana, bruno = some_participants(course.programme, 2)
    content = excel_report(
        HEADER_ES_SPLIT,
        ["1", "Ana", "P", ana.email, "Completado", "", "Completado", "03/11/21, 10:22"],
        ["2", "Bruno", "E", bruno.email, "No completado", "", "No completado", ""],
        ["3", "Nadie", "X", "nadie@example.org", "No completado", "", "No completado", ""],
    )
    client = client_as("manager")

    response = client.post(
        "/en" + COURSE[3:] + "upload/",
        {"file": SimpleUploadedFile("informe.csv", content), "date_order": "mdy"},
        follow=True,
    )

    assert response.redirect_chain == [("/en" + COURSE[3:], 302)]
    assert flash(response) == [
        "Report imported: 2 participants found (1 completed, 0 of them late; 1 not "
        "completed), 2 records changed, 1 rows matched to nobody."
    ]
    completion = CourseCompletion.objects.get(course=course, user=ana)
    assert (completion.completed_at.month, completion.completed_at.day) == (3, 11)
    assert CompletionReport.objects.get(course=course).date_order == "mdy"
    assert "nadie@example.org" in text(response)

    again = client.post(
        "/en" + COURSE[3:] + "upload/",
        {"file": SimpleUploadedFile("informe.csv", content), "date_order": "mdy"},
        follow=True,
    )
    assert flash(again) == ["This report was already imported: nothing changed."]


def test_an_unreadable_upload_says_why_and_saves_nothing(client_as, course):
    client = client_as("manager")

    response = client.post(
        "/en" + COURSE[3:] + "upload/",
        {"file": SimpleUploadedFile("report.xlsx", b"PK\x03\x04..."), "date_order": "dmy"},
        follow=True,
    )

    assert flash(response) == [
        "This is a spreadsheet workbook, not CSV: download the completion report from the "
        "learning site as CSV."
    ]
    assert not CompletionReport.objects.exists()


def test_an_upload_without_a_file_says_so(client_as, course):
    response = client_as("manager").post(
        "/en" + COURSE[3:] + "upload/", {"date_order": "dmy"}, follow=True
    )

    assert flash(response) == ["Choose the report's file and the order of its dates."]


def test_the_pages_are_in_spanish_too(client_as, course):
    page = text(client_as("manager").get(COURSE))
    assert '<html lang="es">' in page


@pytest.mark.parametrize("model", ["completionreport", "coursecompletion"])
def test_the_admin_only_shows_them(client_as, course, users, model):
    (ana,) = some_participants(course.programme, 1)
    import_completion_report(
        course, "c.csv", report(HEADER_EN, row(1, "Ana", ana.email)), "dmy", actor=None
    )
    client = client_as("superuser")
    listing = client.get(f"/en/admin/completions/{model}/")
    assert listing.status_code == 200
    assert client.get(f"/en/admin/completions/{model}/add/").status_code == 403
    pk = (CompletionReport if model == "completionreport" else CourseCompletion).objects.get().pk
    change = client.get(f"/en/admin/completions/{model}/{pk}/change/")
    assert change.status_code == 200
    assert 'type="submit"' not in change.content.decode().split('id="content-main"', 1)[1]
