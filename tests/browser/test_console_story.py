"""A manager runs a programme from the console alone, in a browser, in each language: makes the
next edition from the 2021 one, edits a text of it in both languages, moves one of its sessions
by an hour and opens its pre-test; then, in the 2021 programme, decides on nominations of two
countries at once, imports a Zoom report for each session and a Moodle report for each course
from the overviews, previews the certificate design and issues the certificates due — going
from page to page through the console's menu, never asking for /admin/, and every figure of
the console following each change."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from capacita.agenda.models import VirtualSession
from capacita.certificates.models import Certificate
from capacita.certificates.services import Verdict, standings
from capacita.evaluation.models import Questionnaire
from capacita.jobs.models import Job
from capacita.jobs.tasks import run_job
from capacita.nominations.models import Nomination
from capacita.programmes.models import Membership, Programme, Role

from ..completions.reports import HEADER_EN, report, row
from .test_accessibility import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" in settings.DATABASES["default"]["ENGINE"],
        reason="what the browser does does not depend on the database; the services it calls "
        "are tested on both",
    ),
]

MENU = ".console-menu"


def go(page, slug: str, language: str, path_end: str) -> None:
    """From the programme's console, follow its menu to the page whose address ends with
    `path_end`."""
    if not page.url.endswith(f"/{language}/programmes/{slug}/manage/"):
        page.goto(f"/{language}/programmes/{slug}/manage/")
    page.locator(f"{MENU} a[href$='{path_end}']").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(path_end), page.url


def step_text(page, programme, language, key: str) -> str:
    page.goto(f"/{language}/programmes/{programme}/manage/")
    return page.locator(f"#step-{key}").inner_text()


def zoom_report(session: VirtualSession, people) -> bytes:
    """Zoom's participants report of `session`, everyone there from start to end, in the
    programme's zone (as an account set to Mexico City exports it)."""
    zone = session.programme.zone

    def moment(value):
        return value.astimezone(zone).strftime("%m/%d/%Y %I:%M:%S %p")

    start, end = session.starts_at - dt.timedelta(minutes=3), session.ends_at
    minutes = int((end - start).total_seconds() // 60)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["Meeting ID", "Topic", "Start Time", "End Time", "User Email", "Duration (Minutes)"]
    )
    writer.writerow(["81234567890", "CRM", moment(start), moment(end), "host@example.org", minutes])
    writer.writerow([])
    writer.writerow(
        ["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)"]
    )
    for person in people:
        writer.writerow([person.get_full_name(), person.email, moment(start), moment(end), minutes])
    return out.getvalue().encode()


def moodle_report(course, people) -> bytes:
    day = (course.deadline - dt.timedelta(days=3)).astimezone(course.programme.zone)
    return report(
        HEADER_EN,
        *[
            row(number, person.get_full_name(), person.email, day.strftime("%d/%m/%y, %H:%M"))
            for number, person in enumerate(people, start=1)
        ],
    )


def upload(page, form, name: str, content: bytes) -> None:
    form.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_manager_runs_the_programme_from_the_console(page, demo, language):
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    log_in(page, "manager@example.org")
    page.goto(f"/{language}/programmes/crm-2021/manage/")

    # --- The next edition, made from the 2021 one ---------------------------------------
    slug = f"crm-2022-{language}"
    go(page, "crm-2021", language, "/manage/new-edition/")
    page.locator("#id_slug").fill(slug)
    page.locator("#id_title_es").fill("Programa regional 2022")
    page.locator("#id_title_en").fill("Regional programme 2022")
    page.locator("#id_days").fill("364")
    page.locator("button[name=create]").click()
    expect(page).to_have_url(re.compile(rf"/{language}/programmes/{slug}/manage/$"))
    edition = Programme.objects.get(slug=slug)
    assert edition.sessions.count() == 3

    # A text of it, in both languages.
    go(page, slug, language, "/manage/settings/")
    page.locator("#id_subtitle_es").fill("Segunda edición, con nuevos países")
    page.locator("#id_subtitle_en").fill("Second edition, with new countries")
    page.locator("form.settings-form button[type=submit]").click()
    page.wait_for_load_state()
    edition.refresh_from_db()
    assert edition.subtitle_es == "Segunda edición, con nuevos países"
    assert edition.subtitle_en == "Second edition, with new countries"

    # Its first session, an hour later.
    session = edition.sessions.get(number=1)
    go(page, slug, language, "/manage/sessions/")
    page.locator(f"#item-{session.pk} a").first.click()
    for name in ("starts_at", "ends_at"):
        field = page.locator(f"#id_{name}")
        typed = dt.datetime.strptime(field.input_value(), "%Y-%m-%dT%H:%M")
        field.fill((typed + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("form.settings-form button[type=submit]").first.click()
    page.wait_for_load_state()
    moved = VirtualSession.objects.get(pk=session.pk)
    assert moved.starts_at == session.starts_at + dt.timedelta(hours=1)
    assert moved.ends_at == session.ends_at + dt.timedelta(hours=1)

    # Its pre-test, opened now from the console.
    tests_before = step_text(page, slug, language, "tests")
    page.locator("#step-tests form").first.locator("button").click()
    page.wait_for_load_state()
    pre = Questionnaire.objects.get(programme=edition, kind="pre")
    assert pre.manual_state == Questionnaire.ManualState.OPEN
    assert step_text(page, slug, language, "tests") != tests_before

    # --- The 2021 programme: decisions on two countries at once -------------------------
    programme = Programme.objects.get(slug="crm-2021")
    waiting = Nomination.objects.filter(programme=programme, status="submitted")
    chosen = [waiting.filter(country__code=code).order_by("pk").first() for code in ("GT", "DO")]
    before = waiting.count()
    assert f"{before} " in step_text(page, "crm-2021", language, "nominations")
    go(page, "crm-2021", language, "/nominations/decide/")
    for nomination in chosen:
        page.locator(f"#choose-{nomination.pk}").check()
    page.locator("#scope-ticked").check()
    page.locator("#id_action").select_option("accept")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    for nomination in chosen:
        nomination.refresh_from_db()
        assert nomination.status == Nomination.Status.ACCEPTED
    assert f"{before - 2} " in step_text(page, "crm-2021", language, "nominations")

    # --- Every session's Zoom report and every course's Moodle report, from the overviews ---
    people = [
        membership.user
        for membership in Membership.objects.filter(
            programme=programme, role=Role.PARTICIPANT
        ).select_related("user")
    ]
    for session in programme.sessions.order_by("number"):
        go(page, "crm-2021", language, "/attendance/")
        form = page.locator("form.quick-upload").nth(session.number - 1)
        upload(page, form, f"session-{session.number}.csv", zoom_report(session, people))
        assert session.meeting_reports.count() == 1
    assert "Zoom" not in step_text(page, "crm-2021", language, "sessions")
    for index, course in enumerate(programme.courses.order_by("position")):
        go(page, "crm-2021", language, "/crm-2021/courses/")
        form = page.locator("form.quick-upload").nth(index)
        upload(page, form, f"course-{course.code}.csv", moodle_report(course, people))
        assert course.completion_reports.count() == 1
    assert "Moodle" not in step_text(page, "crm-2021", language, "courses")

    # --- The certificate design previewed, then the certificates due issued --------------
    due = sum(1 for standing in standings(programme) if standing.verdict == Verdict.ISSUED)
    assert due > 0
    certificates = step_text(page, "crm-2021", language, "certificates")
    assert str(due) in certificates
    go(page, "crm-2021", language, "/manage/certificate-design/")
    preview = page.locator("a[href*='/manage/certificates/preview.pdf']").first
    answer = page.request.get(preview.get_attribute("href"))
    assert answer.ok and answer.body().startswith(b"%PDF")
    assert Certificate.objects.filter(programme=programme).count() == 0
    go(page, "crm-2021", language, "/crm-2021/certificates/")
    page.locator("#issue-all button").click()
    page.wait_for_load_state()
    # More than a few: the task worker issues them, the job's page follows its progress.
    assert page.locator("#job-state").is_visible()
    [job] = Job.objects.filter(programme=programme, kind="certificates-issue")
    assert run_job.call(job.pk) == "done"
    # The job's page reloads itself (every 3 s) and then tells what was done.
    expect(page.locator("#job-outcome")).to_contain_text(str(due), timeout=30_000)
    assert Certificate.objects.filter(programme=programme).count() == due
    assert f"{due} " in step_text(page, "crm-2021", language, "certificates")

    assert [url for url in asked if "/admin/" in url] == []
