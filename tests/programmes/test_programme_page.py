"""The public programme pages: list and detail, in Spanish and English, in the viewer's zone."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from capacita.agenda.models import AgendaItem, AgendaParticipant, VirtualSession
from capacita.programmes.models import Role

DETAIL = "/{lang}/programmes/crm-2021/"
TITLE_ES = (
    "Programa de capacitación para la sensibilización y profesionalización "
    "de las personas consejeras de empleo"
)
TITLE_EN = (
    "Training programme for the awareness-raising and professionalisation of employment counsellors"
)
ZONE_MESSAGE = (
    "“%(zone)s” is not a time zone we know. Use a name such as America/Mexico_City "
    "or America/Santo_Domingo. Times are shown in %(fallback)s."
)


def in_spanish(msgid: str) -> str:
    with translation.override("es"):
        return translation.gettext(msgid)


ROLES = ["anonymous", "outsider", *[role.value for role in Role], "superuser"]


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def viewer_cell(start_utc: str, shown: str) -> str:
    """The viewer-time cell of the agenda item starting at `start_utc` (HH:MM on 26 Oct), up to
    the label naming its zone."""
    return (
        f'<td class="viewer-time"><time datetime="2021-10-26T{start_utc}:00+00:00">{shown}</time> '
    )


def language_link(content: str, code: str) -> str:
    match = re.search(rf'<a href="([^"]+)" hreflang="{code}"', content)
    assert match, f"no link to the {code} page"
    return html.unescape(match.group(1))


def log_in_participant_do(client):
    client.force_login(get_user_model().objects.get(email="participant.do@example.org"))
    return client


# --- the list page ------------------------------------------------------------------------


def test_the_list_page_in_spanish_shows_the_spanish_title(client, programme):
    content = page(client, "/es/programmes/")
    assert '<html lang="es">' in content
    assert TITLE_ES in content
    assert TITLE_EN not in content
    assert 'href="/es/programmes/crm-2021/"' in content


def test_the_list_page_in_english_shows_the_english_title(client, programme):
    content = page(client, "/en/programmes/")
    assert '<html lang="en">' in content
    assert TITLE_EN in content
    assert TITLE_ES not in content
    assert 'href="/en/programmes/crm-2021/"' in content


# --- the detail page: languages -----------------------------------------------------------


def test_the_detail_page_in_spanish_shows_the_spanish_texts(client, programme):
    content = page(client, DETAIL.format(lang="es"))
    assert f"<h1>{TITLE_ES}</h1>" in content
    for text in (
        "Sesión virtual 1",
        "Fortalecer las capacidades de las personas consejeras de empleo",
        "Profundizar el conocimiento sobre migración laboral",
        "Curso sobre Responsabilidad Corporativa y Migración Laboral",
        "Indicaciones generales",
        "Personas inspectoras laborales",
        "República Dominicana",
        "Secretario Ejecutivo",
    ):
        assert text in content, text
    for text in ("To strengthen the capacities", "General instructions", "Labour inspectors"):
        assert text not in content, text


def test_the_detail_page_in_english_shows_the_english_texts(client, programme):
    content = page(client, DETAIL.format(lang="en"))
    assert f"<h1>{TITLE_EN}</h1>" in content
    for text in (
        "Virtual session 1",
        "To strengthen the capacities of employment counsellors",
        "To deepen knowledge of labour migration",
        "Course on Corporate Responsibility and Labour Migration",
        "General instructions",
        "Labour inspectors",
        "Dominican Republic",
        "Executive Secretary",
    ):
        assert text in content, text
    for text in ("Fortalecer las capacidades", "Indicaciones generales", "Sesión virtual"):
        assert text not in content, text


def test_the_detail_page_in_spanish_has_its_interface_in_spanish(client, programme):
    content = page(client, DETAIL.format(lang="es"))
    assert "Mostrar las horas en</label>" in html.unescape(content)
    assert "Show times in" not in content
    assert "Virtual session 1:" not in content
    assert "Times are shown in the programme" not in content


def test_the_detail_page_marks_people_still_to_be_confirmed(client, programme):
    content = page(client, DETAIL.format(lang="en"))
    assert re.search(
        r'<span class="name">Roberto Cancel</span>.{0,400}?<span class="tbc">to be confirmed',
        content,
        re.S,
    )
    assert not re.search(
        r'<span class="name">Luis Alonso Serrano</span><span class="affiliation">[^<]*</span> '
        r'<span class="tbc">',
        content,
    )


def test_the_detail_page_lists_the_courses_with_their_e_campus_links(client, programme):
    content = page(client, DETAIL.format(lang="en"))
    assert 'href="https://www.ecampus.iom.int/course/view.php?id=261"' in content
    assert 'href="https://www.ecampus.iom.int/enrol/index.php?id=197"' in content
    assert 'href="https://www.ecampus.iom.int/enrol/index.php?id=525"' in content
    assert "Complete by Friday 5 November 2021" in content


# --- the detail page: time zones ----------------------------------------------------------


def test_an_anonymous_visitor_sees_mexico_city_time_and_no_second_column(client, programme):
    content = page(client, DETAIL.format(lang="en"))
    assert viewer_cell("19:00", "14:00–14:10") in content
    assert "Tuesday 26 October 2021, 14:00–16:00" in content
    assert "15:00" not in content
    assert '<th scope="col">Mexico City Time</th>' in content
    assert '<span class="time-label">Mexico City Time</span>' in content
    assert 'class="programme-time"' not in content
    assert "Programme time" not in content
    assert "Times are shown in the programme" in content


def test_tz_santo_domingo_shows_15_00_beside_the_programmes_14_00(client, programme):
    content = page(client, DETAIL.format(lang="en") + "?tz=America/Santo_Domingo")
    assert viewer_cell("19:00", "15:00–15:10") in content
    assert (
        '<td class="programme-time">14:00–14:10 '
        '<span class="time-label">programme time, Mexico City</span></td>'
    ) in content
    assert "Tuesday 26 October 2021, 15:00–17:00" in content
    assert "(your time, Santo Domingo · UTC−04:00)" in content
    assert "Tuesday 26 October 2021, 14:00–16:00 (programme time, Mexico City · UTC−05:00)" in (
        content
    )
    assert '<th scope="col">Your time, Santo Domingo</th>' in content
    assert '<th scope="col">Programme time, Mexico City</th>' in content
    assert (
        "Times are shown in your time zone, <strong>Santo Domingo Time</strong>. "
        "The programme's own time zone is <strong>Mexico City Time</strong>"
    ) in content


def test_tz_santo_domingo_shows_15_00_on_the_spanish_page_too(client, programme):
    content = page(client, DETAIL.format(lang="es") + "?tz=America/Santo_Domingo")
    assert viewer_cell("19:00", "15:00–15:10") in content
    assert '<td class="programme-time">14:00–14:10 <span class="time-label">' in content
    note = re.search(r'<p class="zone-note" id="zone-note">(.*?)</p>', content, re.S).group(1)
    assert "hora de Santo Domingo" in note
    assert "hora de Ciudad de México" in note


def test_a_dominican_participant_sees_santo_domingo_times_by_default(client, programme):
    log_in_participant_do(client)
    content = page(client, DETAIL.format(lang="en"))
    assert viewer_cell("19:00", "15:00–15:10") in content
    assert "Your time, Santo Domingo" in content
    assert "Programme time, Mexico City" in content


def test_a_dominican_participant_can_still_ask_for_mexico_city_time(client, programme):
    log_in_participant_do(client)
    content = page(client, DETAIL.format(lang="en") + "?tz=America/Mexico_City")
    assert viewer_cell("19:00", "14:00–14:10") in content
    assert 'class="programme-time"' not in content


def test_tz_tokyo_shows_the_viewers_date_for_items_on_another_day(client, programme):
    content = page(client, DETAIL.format(lang="en") + "?tz=Asia/Tokyo")
    assert (
        viewer_cell("19:00", '<span class="other-day">Wednesday 27 October 2021</span> 04:00–04:10')
        in content
    )
    assert "Wednesday 27 October 2021, 04:00–06:00</time> (your time, Tokyo · UTC+09:00)" in content
    assert "Tuesday 26 October 2021, 14:00–16:00 (programme time, Mexico City" in content
    assert '<span class="other-day">Saturday 30 October 2021</span> 04:00–04:30' in content


def test_the_programmes_own_zone_marks_no_item_as_on_another_day(client, programme):
    content = page(client, DETAIL.format(lang="en"))
    assert 'class="other-day"' not in content


def test_an_unknown_tz_answers_200_with_a_clear_message(client, programme):
    content = page(client, DETAIL.format(lang="en") + "?tz=Not/AZone")
    assert (
        '<p class="error" role="alert" id="zone-error">“Not/AZone” is not a time zone we know.'
        in (content)
    )
    assert "Times are shown in Mexico City Time." in content
    assert viewer_cell("19:00", "14:00–14:10") in content
    assert "Traceback" not in content


def test_an_unknown_tz_gets_its_message_in_spanish_on_the_spanish_page(client, programme):
    content = page(client, DETAIL.format(lang="es") + "?tz=Not/AZone")
    message = html.unescape(re.search(r'id="zone-error">(.*?)</p>', content, re.S).group(1))
    assert message == in_spanish(ZONE_MESSAGE) % {
        "zone": "Not/AZone",
        "fallback": "hora de Ciudad de México",
    }
    assert "is not a time zone we know" not in message
    assert "“Not/AZone” no es una zona horaria conocida" in message


def test_an_unknown_tz_is_escaped_in_the_message(client, programme):
    content = page(client, DETAIL.format(lang="en") + "?tz=<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


# --- the detail page: what it never shows -------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_public_page_never_shows_a_meeting_link(client_as, programme, role):
    assert (
        programme.sessions.filter(meeting_url__startswith="https://meet.example.org").count() == 3
    )
    client = client_as(role)
    for url in (
        DETAIL.format(lang="es"),
        DETAIL.format(lang="en") + "?tz=America/Santo_Domingo",
        "/en/programmes/",
    ):
        content = page(client, url)
        assert "meet.example.org" not in content, (role, url)


def test_an_unknown_programme_gives_the_spanish_404_page(client, db):
    content = page(client, "/es/programmes/no-such-programme/", status=404)
    assert '<html lang="es">' in content
    heading = in_spanish("Page not found")
    assert heading != "Page not found"  # django.contrib.admin's catalogue has it at least
    assert f"<h1>{heading}</h1>" in content
    assert "Page not found" not in content
    assert "Traceback" not in content


def test_an_unknown_programme_gives_the_english_404_page(client, db):
    content = page(client, "/en/programmes/no-such-programme/", status=404)
    assert '<html lang="en">' in content
    assert "<h1>Page not found</h1>" in content


def test_the_spanish_404_page_explains_in_spanish(client, db):
    content = html.unescape(page(client, "/es/programmes/no-such-programme/", status=404))
    assert "La página solicitada no existe" in content
    assert "The page you asked for does not exist" not in content


# --- queries and links --------------------------------------------------------------------


def _add_items(programme, count):
    session = programme.sessions.get(number=3)
    person = programme.people.get(key="ana-catalina-picad")
    last = session.items.order_by("-position").first()
    for n in range(count):
        item = AgendaItem.objects.create(
            session=session,
            position=200 + n,
            starts_at=last.starts_at,
            kind="plenary",
            title_es=f"Plenaria extra {n}",
            title_en=f"Extra plenary {n}",
        )
        AgendaParticipant.objects.create(item=item, person=person, role="speaker")
    VirtualSession.objects.create(
        programme=programme,
        number=4,
        title_es="Sesión extra",
        title_en="Extra session",
        starts_at=session.starts_at + dt.timedelta(days=7),
        ends_at=session.ends_at + dt.timedelta(days=7),
    )


def test_the_detail_page_takes_few_queries(client, programme, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        page(client, DETAIL.format(lang="es") + "?tz=Asia/Tokyo")
    log_in_participant_do(client)
    with django_assert_max_num_queries(15):
        page(client, DETAIL.format(lang="en"))


def test_the_detail_page_takes_as_many_queries_with_more_items(client, programme):
    url = DETAIL.format(lang="en") + "?tz=America/Santo_Domingo"
    with CaptureQueriesContext(connection) as before:
        page(client, url)
    _add_items(programme, 15)
    with CaptureQueriesContext(connection) as after:
        content = page(client, url)
    assert "Extra plenary 14" in content
    assert "Extra session" in content
    assert len(after) == len(before)


def test_the_language_switch_leads_to_the_english_page_keeping_tz(client, programme):
    content = page(client, DETAIL.format(lang="es") + "?tz=America/Santo_Domingo")
    link = urlsplit(language_link(content, "en"))
    assert link.path == "/en/programmes/crm-2021/"
    assert parse_qs(link.query) == {"tz": ["America/Santo_Domingo"]}
    english = page(client, f"{link.path}?{link.query}")
    assert TITLE_EN in english
    assert viewer_cell("19:00", "15:00–15:10") in english


def test_the_language_switch_leads_to_the_spanish_page_keeping_tz(client, programme):
    content = page(client, DETAIL.format(lang="en") + "?tz=Asia/Tokyo")
    link = urlsplit(language_link(content, "es"))
    assert link.path == "/es/programmes/crm-2021/"
    assert parse_qs(link.query) == {"tz": ["Asia/Tokyo"]}


def test_the_language_switch_without_tz_adds_no_query(client, programme):
    content = page(client, DETAIL.format(lang="es"))
    assert language_link(content, "en") == "/en/programmes/crm-2021/"


def test_the_public_body_is_kept_a_while_for_viewers_but_never_for_managers(
    client, programme, users, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    url = DETAIL.format(lang="en")
    with CaptureQueriesContext(connection) as first:
        page(client, url)
    with CaptureQueriesContext(connection) as second:
        content = page(client, url)
    # The agenda, courses, objectives and countries come from the cache.
    assert len(second) < len(first) - 4
    assert "Online courses" in content and "session-1" in content

    item = AgendaItem.objects.filter(session__programme=programme).order_by("pk").first()
    item.title_en = "A title changed a moment ago"
    item.save()
    assert "A title changed a moment ago" not in page(client, url)
    # Another time zone or language is another entry, rendered from the database.
    assert "A title changed a moment ago" in page(client, url + "?tz=Asia/Tokyo")
    # The programme's managers see their change at once.
    client.force_login(users["manager"])
    assert "A title changed a moment ago" in page(client, url)
    client.logout()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    from django.core.cache import cache

    cache.clear()
    assert "A title changed a moment ago" in page(client, url)


def test_a_visitor_without_cookies_gets_the_page_kept_whole(client, programme, users, settings):
    from django.core.cache import cache

    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    url = DETAIL.format(lang="es")
    first = page(client, url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200 and response.content.decode() == first
    assert len(queries) == 0
    # The headers every response carries are still set on it.
    assert "Content-Security-Policy" in response.headers
    # Another language is another page; a logged-in reader never gets the kept one.
    assert TITLE_EN in page(client, DETAIL.format(lang="en"))
    client.force_login(users["participant"])
    with CaptureQueriesContext(connection) as queries:
        page(client, url)
    assert len(queries) > 0
