"""Dates are written one way per language across the platform (capacita/shared/formats): English
"Tuesday 26 October 2021, 15:00", Spanish "martes 26 de octubre de 2021, 15:00", a 24-hour
clock in both; and a time zone is named as people say it ("Mexico City Time", "hora de
Ciudad de México"), its key (`America/Mexico_City`) kept for addresses and form values.

The check goes over every page of the access matrix that each role reaches, in both
languages, the administration site's pages of dates, and the texts of e-mails, PDFs and the
calendar, and fails on a date written another way or a zone's key in the text."""

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo
from html.parser import HTMLParser

import pypdf
import pytest
from django.utils import translation
from django.utils.formats import date_format

from capacita.agenda.calendar import session_description
from capacita.agenda.models import VirtualSession
from capacita.certificates.pdf import render_certificate
from capacita.emails.models import OutgoingEmail
from capacita.groupwork import services as groupwork
from capacita.groupwork.models import SessionWork
from capacita.progress.reminders import send_due_reminders
from capacita.shared import formats

from .conftest import ROLES
from .pages import matrix_pages, rendered_pages

pytestmark = pytest.mark.django_db

UTC = dt.UTC
MOMENT = dt.datetime(2021, 10, 26, 20, 0, tzinfo=UTC)  # 15:00 in Mexico City

WEEKDAYS = {
    "en": "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday",
    "es": "lunes|martes|miércoles|jueves|viernes|sábado|domingo",
}
MONTHS = {
    "en": "January|February|March|April|May|June|July|August|September|October|November|December",
    "es": "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|"
    "diciembre",
}
# The one way: "Tuesday 26 October 2021", "martes 26 de octubre de 2021", then ", 15:00".
ONE_DAY = {
    "en": rf"(?:{WEEKDAYS['en']}) \d{{1,2}} (?:{MONTHS['en']}) \d{{4}}",
    "es": rf"(?:{WEEKDAYS['es']}) \d{{1,2}} de (?:{MONTHS['es']}) de \d{{4}}",
}
CLOCK = r"\d{2}:\d{2}"
# What a <time> element may say: a day, a day and a time, or times, with an end time.
ONE_WAY = {
    language: re.compile(rf"(?:{day}(?:, {CLOCK})?|(?:{day} )?{CLOCK})(?:–{CLOCK})?")
    for language, day in ONE_DAY.items()
}
# Dates written some other way.
OTHER_WAYS = [
    (r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.", "abbreviated month"),
    (r"\b[ap]\.\s?m\.", "12-hour clock"),
    (r"\b\d{1,2}:\d{2}\s?(?:AM|PM|am|pm)\b", "12-hour clock"),
    (r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d", "abbreviated weekday"),
    (r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}", "short month"),
    (r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}", "ISO date in text"),
    (r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", "numeric date"),
    (r"\bde \d{4} a las \d{1,2}:\d{2}", "Django's Spanish date-time"),
    (rf"\b(?:{WEEKDAYS['en']}), ", "weekday followed by a comma"),
    (rf"\b(?:{WEEKDAYS['es']}), \d", "weekday followed by a comma"),
]
ZONE_KEY = re.compile(
    r"(?<![\w/])(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)"
    r"/[A-Za-z_]+(?:/[A-Za-z_]+)?"
)
# An example of what a person types or a file holds ("a name such as America/Guatemala",
# "Moodle writes 03/11/21, 10:22"): not a date or a zone the platform tells.
EXAMPLE = re.compile(r"(?:such as|como|e\.g\.|p\. ej\.|writes|escribe)\s*$")


class _Texts(HTMLParser):
    """The page's visible text (attributes, scripts and styles apart) and its <time> texts.
    The rows of an imported report matched to nobody (`table.unmatched`) are left out: they
    quote the file as it was written, so that the manager finds the row in it."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.times: list[str] = []
        self._skip: list[str] = []
        self._time: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        quoted = tag == "table" and "unmatched" in (dict(attrs).get("class") or "").split()
        if tag in ("script", "style", "template") or quoted or (self._skip and tag == "table"):
            self._skip.append(tag)
        elif tag == "time":
            self._time = []

    def handle_endtag(self, tag):
        if self._skip and tag == self._skip[-1]:
            self._skip.pop()
        elif tag == "time" and self._time is not None:
            self.times.append(" ".join("".join(self._time).split()))
            self._time = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._time is not None:
            self._time.append(data)


def problems_in_text(text: str, language: str) -> list[str]:
    """Dates written another way than the one, and zones' keys, in a text."""
    text = " ".join(text.split())
    found = []
    for pattern, what in [*OTHER_WAYS, (ZONE_KEY, "zone key")]:
        for match in re.finditer(pattern, text):
            if not EXAMPLE.search(text[max(0, match.start() - 20) : match.start()]):
                found.append(f"{what}: {match.group(0)!r}")
    return found


def problems_in_page(html: str, language: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    found = problems_in_text(" ".join(parser.text), language)
    for shown in parser.times:
        if not ONE_WAY[language].fullmatch(shown):
            found.append(f"<time> not written the one way: {shown!r}")
    return found


# --- the one function ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "moment", "day", "clock"),
    [
        ("en", "Tuesday 26 October 2021, 15:00", "Tuesday 26 October 2021", "15:00"),
        ("es", "martes 26 de octubre de 2021, 15:00", "martes 26 de octubre de 2021", "15:00"),
    ],
)
def test_one_function_writes_dates_and_times_in_each_language(language, moment, day, clock):
    with translation.override(language):
        assert formats.when(MOMENT, "America/Mexico_City") == moment
        assert formats.day(MOMENT, "America/Mexico_City") == day
        assert formats.when(dt.date(2021, 10, 26)) == day
        assert formats.clock(MOMENT, "America/Mexico_City") == clock
        # Django's own date formats say the same (the administration site uses them).
        local = MOMENT.astimezone(zoneinfo.ZoneInfo("America/Mexico_City"))
        assert date_format(local, "DATETIME_FORMAT") == moment
        assert date_format(local, "SHORT_DATETIME_FORMAT") == moment
        assert date_format(local.date(), "DATE_FORMAT") == day


def test_a_moment_is_written_in_the_zone_in_force_then():
    # Mexico City left summer time on 31 October 2021: 20:00 UTC is 15:00, then 14:00.
    with translation.override("en"):
        assert formats.when(MOMENT, "America/Mexico_City").endswith("15:00")
        later = dt.datetime(2021, 11, 2, 20, 0, tzinfo=UTC)
        assert formats.when(later, "America/Mexico_City") == "Tuesday 2 November 2021, 14:00"
        assert formats.when(None) == ""


def test_the_check_finds_dates_written_other_ways_and_keys():
    html = (
        "<p>Oct. 26, 2021, 3 p.m.</p><p>Nov. 6, 2021, 1:59 a.m.</p><p>Wed 27 Oct</p>"
        "<p>(America/Mexico_City)</p><time>Tuesday, Oct. 26, 2021</time>"
        '<a href="?tz=America/Santo_Domingo">ok</a><p>a name such as America/Guatemala</p>'
        "<time>Tuesday 26 October 2021, 15:00–17:00</time><time>14:00–14:10</time>"
    )
    found = problems_in_page(html, "en")
    assert any("abbreviated month" in problem for problem in found)
    assert any("12-hour clock" in problem for problem in found)
    assert any("abbreviated weekday" in problem for problem in found)
    assert any("'America/Mexico_City'" in problem for problem in found)
    assert not any("Santo_Domingo" in problem or "Guatemala" in problem for problem in found)
    assert sum("<time>" in problem for problem in found) == 1


# --- every page ---------------------------------------------------------------------------


@pytest.fixture
def dated_content(programme, users):
    """What pages date beyond the demo's sessions: a group's saved answer."""
    session_work = SessionWork.objects.get(session__programme=programme, session__number=2)
    group = session_work.groups.first()
    groupwork.save_answer(group.questions.first(), users["participant"], "Una idea", 0)


@pytest.mark.sweep
@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_writes_dates_one_way_and_names_zones(
    role, language, client_as, programme, dated_content
):
    client = client_as(None if role == "anonymous" else role)
    report = []
    urls = matrix_pages(role, programme) + admin_pages(role, programme)
    for url, html in rendered_pages(client, urls, language):
        report += [f"{url}: {problem}" for problem in problems_in_page(html, language)]
    assert report == [], "\n".join(report)


def admin_pages(role: str, programme) -> list[str]:
    """The administration site's pages of a programme's dates and times."""
    if role not in ("manager", "superuser"):
        return []
    session = VirtualSession.objects.get(programme=programme, number=1)
    post_test = programme.questionnaires.get(kind="post")
    return [
        "/es/admin/agenda/virtualsession/",
        f"/es/admin/agenda/virtualsession/{session.pk}/change/",
        "/es/admin/agenda/agendaitem/",
        "/es/admin/evaluation/questionnaire/",
        f"/es/admin/evaluation/questionnaire/{post_test.pk}/change/",
        "/es/admin/programmes/programme/",
    ]


# --- e-mails, PDFs, the calendar ----------------------------------------------------------


def test_reminders_write_dates_one_way_and_name_zones(programme):
    send_due_reminders(dt.datetime(2021, 10, 25, 20, 0, tzinfo=UTC))
    send_due_reminders(dt.datetime(2021, 10, 30, 12, 0, tzinfo=UTC))
    emails = OutgoingEmail.objects.filter(kind__startswith="reminder.")
    assert {email.language for email in emails} == {"es", "en"}
    report = []
    for email in emails:
        body = " ".join(email.body_text.split())
        report += [f"{email.to}: {problem}" for problem in problems_in_text(body, email.language)]
        assert re.search(ONE_DAY[email.language], body), body
    assert report == [], "\n".join(report)


@pytest.mark.parametrize(
    ("language", "issued"),
    [("en", "Issued on Tuesday 26 October 2021"), ("es", "martes 26 de octubre de 2021")],
)
def test_the_certificate_writes_its_date_one_way(programme, users, language, issued):
    from capacita.certificates import codes
    from capacita.certificates.models import Certificate

    certificate = Certificate.objects.create(
        programme=programme,
        user=users["participant"],
        code=codes.new_code(),
        holder_name="Ana Demo",
        language=language,
        issued_at=dt.datetime(2021, 10, 27, 3, 30, tzinfo=UTC),  # the 26th in Mexico City
    )
    pdf = render_certificate(certificate)
    text = " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )
    assert issued in text
    assert problems_in_text(text, language) == []


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Agenda (times in Mexico City Time):"), ("es", "hora de Ciudad de México")],
)
def test_the_calendars_text_names_the_zone(programme, language, heading):
    session = VirtualSession.objects.get(programme=programme, number=1)
    with translation.override(language):
        text = session_description(session, programme.zone)
    assert heading in text
    assert "14:00–14:10" in text
    assert problems_in_text(text, language) == []
