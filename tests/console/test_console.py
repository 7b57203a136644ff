"""The organisers' console: the programme's life as steps, each with its figures (from the
code of the step's own pages), its next action and what is late; a menu grouped by those
steps; the same number of queries however many people take part."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from capacita.attendance.models import MeetingReport
from capacita.certificates.services import Verdict, standings
from capacita.nominations.selectors import counts_by_country
from capacita.programmes.models import Membership, Role

from ..factories import UserFactory


def console(client, programme, language="en"):
    response = client.get(f"/{language}/programmes/{programme.slug}/manage/")
    assert response.status_code == 200
    return response


def step(response, key):
    return next(item for item in response.context["steps"] if item.key == key)


def texts(item) -> list[str]:
    return [line.text for line in item.lines]


def test_the_steps_come_in_the_order_of_the_programmes_life(client_as, programme):
    keys = [item.key for item in console(client_as("manager"), programme).context["steps"]]
    assert keys == [
        "setup",
        "nominations",
        "registration",
        "sessions",
        "courses",
        "tests",
        "groups",
        "certificates",
        "balance",
    ]


def test_the_nominations_figures_are_the_nominations_pages_own(client_as, programme):
    rows = counts_by_country(programme)
    places = sum(row.quota for row in rows)
    accepted = sum(row.accepted for row in rows)
    waiting = sum(row.submitted for row in rows)
    item = step(console(client_as("manager"), programme), "nominations")
    assert texts(item)[0] == f"{accepted} of {places} places taken"
    if waiting:
        assert any(text.startswith(f"{waiting} nomination") for text in texts(item))


def test_the_certificates_due_are_the_certificates_pages_own(client_as, programme):
    rows = standings(programme)
    due = sum(1 for row in rows if row.verdict == Verdict.ISSUED)
    item = step(console(client_as("manager"), programme), "certificates")
    if due:
        assert f"{due} certificate" in " ".join(texts(item))
        assert any(line.url.endswith("/certificates/") for line in item.lines)


def test_a_past_session_without_its_zoom_report_is_late_until_it_is_imported(client_as, programme):
    client = client_as("manager")
    session = programme.sessions.order_by("number").first()
    MeetingReport.objects.filter(session=session).delete()
    session.starts_at = timezone.now() - dt.timedelta(days=2)
    session.ends_at = session.starts_at + dt.timedelta(hours=3)
    session.save()
    item = step(console(client, programme), "sessions")
    line = next(line for line in item.lines if line.text.startswith(f"Session {session.number}:"))
    assert line.text == f"Session {session.number}: Zoom report not imported"
    assert line.late and item.late
    assert line.url.endswith(f"/sessions/{session.number}/attendance/")
    page = console(client, programme).content.decode()
    assert "Zoom report not imported" in page and 'class="late"' in page

    MeetingReport.objects.create(session=session, filename="participants.csv", sha256="0" * 64)
    line = next(
        line
        for line in step(console(client, programme), "sessions").lines
        if line.text.startswith(f"Session {session.number}:")
    )
    assert "present" in line.text and not line.late


def test_the_console_speaks_the_readers_language(client_as, programme):
    client = client_as("manager")
    spanish = console(client, programme, "es").content.decode()
    english = console(client, programme, "en").content.decode()
    assert "Organización del programa" in spanish and "Postulaciones" in spanish
    assert "Running the programme" in english and "Nominations" in english


def test_the_menu_groups_the_managers_pages_and_has_a_button_on_a_phone(client_as, programme):
    response = console(client_as("manager"), programme)
    titles = [group.title for group in response.context["menu"]]
    assert titles[:3] == ["Programme", "Nominations", "Registration"]
    page = response.content.decode()
    assert 'class="console-menu-button"' in page
    for group in response.context["menu"]:
        for entry in group.entries:
            assert entry.url in page


def test_the_queries_of_the_console_do_not_grow_with_the_people(client_as, programme):
    client = client_as("manager")
    console(client, programme)  # the caches of the first request

    def queries():
        with CaptureQueriesContext(connection) as captured:
            console(client, programme)
        return len(captured)

    before = queries()
    country = programme.member_countries.first().country
    for _ in range(30):
        Membership.objects.create(
            programme=programme, user=UserFactory(), role=Role.PARTICIPANT, country=country
        )
    assert queries() == before


@pytest.mark.parametrize("role", ["participant", "focal_point", "facilitator", "observer"])
def test_the_programme_page_offers_the_console_to_managers_only(client_as, programme, role):
    url = f"/en/programmes/{programme.slug}/"
    assert (
        f"/en/programmes/{programme.slug}/manage/" in client_as("manager").get(url).content.decode()
    )
    assert "/manage/" not in client_as(role).get(url).content.decode()


def test_a_zoom_report_is_imported_from_the_attendance_overview(client_as, programme):
    client = client_as("manager")
    session = programme.sessions.order_by("number").last()
    page = client.get(f"/en/programmes/{programme.slug}/attendance/").content.decode()
    action = f"/en/programmes/{programme.slug}/sessions/{session.number}/attendance/upload/"
    assert f'action="{action}"' in page and 'name="time_zone"' in page
    assert "Import a Zoom participants report" in page


def test_the_imports_stand_at_the_top_of_their_pages(client_as, programme):
    client = client_as("manager")
    session = programme.sessions.order_by("number").first()
    page = client.get(
        f"/en/programmes/{programme.slug}/sessions/{session.number}/attendance/"
    ).content.decode()
    assert page.index('id="upload-title"') < page.index('id="summary"')
    course = programme.courses.order_by("code").first()
    page = client.get(f"/en/programmes/{programme.slug}/courses/{course.code}/").content.decode()
    assert page.index('id="upload-title"') < page.index("<table")
    overview = client.get(f"/en/programmes/{programme.slug}/courses/").content.decode()
    assert f'/courses/{course.code}/upload/"' in overview and 'name="date_order"' in overview


def test_a_manager_opens_and_closes_a_test_from_the_console(client_as, programme, users):
    from capacita.audit.models import AuditEvent
    from capacita.evaluation.models import Questionnaire

    client = client_as("manager")
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    url = f"/en/programmes/{programme.slug}/manage/tests/pre/window/"
    assert f'action="{url}"' in console(client, programme).content.decode()

    response = client.post(url, {"state": "open"})
    assert response.status_code == 302 and response["Location"].endswith("/manage/#step-tests")
    pre.refresh_from_db()
    assert pre.manual_state == "open"
    line = step(console(client, programme), "tests").lines[0]
    assert line.text.startswith("Pre-test: open")
    assert [label for label, _action, _values in line.posts] == ["Close now", "Follow its dates"]
    assert AuditEvent.objects.filter(action="evaluation.window", subject_id=str(pre.pk)).exists()

    client.post(url, {"state": "closed"})
    pre.refresh_from_db()
    assert pre.manual_state == "closed"
    assert "closed" in step(console(client, programme), "tests").lines[0].text

    client.post(url, {"state": "whenever"})
    pre.refresh_from_db()
    assert pre.manual_state == "closed"
    assert client_as("participant").post(url, {"state": "open"}).status_code == 403


def test_the_programmes_texts_are_edited_side_by_side_and_saved(client_as, programme):
    from capacita.audit.models import AuditEvent
    from capacita.shared.text_limits import PROGRAMME_TEXT

    client = client_as("manager")
    url = f"/es/programmes/{programme.slug}/manage/settings/"
    page = client.get(url).content.decode()
    assert 'id="id_title_es"' in page and 'id="id_title_en"' in page
    assert page.index("id_description_es") < page.index("id_description_en")
    assert "Ciudad de México" in page  # the zones named as places
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    data["title_en"] = "Counsellors' programme, second reading"
    data["description_es"] = "x" * (PROGRAMME_TEXT + 1)
    refused = client.post(url, data)
    assert refused.status_code == 400
    # The limit, in the reader's language.
    assert re.search(r"10\D?000 caracteres", refused.content.decode())
    programme.refresh_from_db()
    assert programme.title_en != "Counsellors' programme, second reading"

    data["description_es"] = "Una descripción nueva."
    assert client.post(url, data).status_code == 302
    programme.refresh_from_db()
    assert programme.title_en == "Counsellors' programme, second reading"
    assert programme.description_es == "Una descripción nueva."
    event = AuditEvent.objects.filter(action="programme.changed").latest("id")
    assert event.details == {"fields": ["title_en", "description_es"]}
    assert client_as("participant").get(url).status_code == 403


def test_a_person_of_the_agenda_is_linked_to_an_account_and_unlinked(client_as, programme):
    from capacita.audit.models import AuditEvent
    from capacita.programmes.models import Person

    client = client_as("manager")
    person = Person.objects.filter(programme=programme, user__isnull=True).first()
    page = client.get(f"/en/programmes/{programme.slug}/manage/people/").content.decode()
    assert person.name in page
    url = f"/en/programmes/{programme.slug}/manage/people/{person.pk}/link/"
    response = client.post(url, {f"p{person.pk}-email": "new.speaker@example.org"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user.email == "new.speaker@example.org"
    # An address with no role in the programme got the facilitator role, and an invitation.
    assert Membership.objects.filter(
        programme=programme, user=person.user, role=Role.FACILITATOR
    ).exists()
    assert AuditEvent.objects.filter(action="programme.person_linked", person=person.user).exists()

    client.post(url, {f"p{person.pk}-email": "not an address"})
    person.refresh_from_db()
    assert person.user is not None
    client.post(url, {f"p{person.pk}-email": ""})
    person.refresh_from_db()
    assert person.user is None
    assert client_as("facilitator").post(url, {f"p{person.pk}-email": ""}).status_code == 403


def test_the_countries_quotas_are_changed_in_one_page(client_as, programme):
    from capacita.audit.models import AuditEvent

    client = client_as("manager")
    url = f"/en/programmes/{programme.slug}/manage/countries/"
    page = client.get(url)
    rows = page.context["rows"]
    data = {f"quota-{row.member.pk}": str(row.quota) for row in rows}
    mexico = next(row.member for row in rows if row.country.code == "MX")
    data[f"quota-{mexico.pk}"] = "12"
    data[f"quota-{rows[0].member.pk}"] = "many"
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "a quota is a whole number from 0 to 10000" in refused.content.decode()
    mexico.refresh_from_db()
    assert mexico.quota != 12

    data[f"quota-{rows[0].member.pk}"] = str(rows[0].quota)
    assert client.post(url, data).status_code == 302
    mexico.refresh_from_db()
    assert mexico.quota == 12
    event = AuditEvent.objects.filter(action="programme.quotas").latest("id")
    assert list(event.details["quotas"]) == ["MX"] and event.details["quotas"]["MX"][1] == 12
    # The console's nominations step counts the new places.
    places = sum(row.quota for row in rows) - rows_quota(rows, "MX") + 12
    assert f"of {places} places" in step(console(client, programme), "nominations").lines[0].text
    assert client_as("focal_point").get(url).status_code == 403


def rows_quota(rows, code):
    return next(row.quota for row in rows if row.country.code == code)
