"""The programme's parts edited in the console's own pages: each list shows its items and
adds one, each item's page changes it (times typed in the programme's zone), items move up
and down, removing asks first and is refused where records depend on the item; every change
is one audit record, and bad input saves nothing."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from capacita.agenda.models import AgendaItem, VirtualSession
from capacita.audit.models import AuditEvent
from capacita.certificates.kept import refresh
from capacita.completions.models import CourseCompletion
from capacita.console.parts import PARTS
from capacita.programmes.models import Course, MemberCountry, Organiser, Profile

BASE = "/en/programmes/crm-2021/manage"


def edits(programme):
    return AuditEvent.objects.filter(
        programme=programme, action=AuditEvent.Action.PROGRAMME_EDITED
    ).order_by("pk")


def test_every_top_list_and_a_nested_one_show_their_items(client_as, programme):
    client = client_as("manager")
    for part in PARTS.values():
        if part.parent:
            continue
        response = client.get(f"{BASE}/{part.key}/")
        assert response.status_code == 200, part.key
        assert len(response.context["rows"]) == part.siblings(programme).count()
    session = programme.sessions.get(number=1)
    response = client.get(f"{BASE}/sessions/{session.pk}/agenda-items/")
    assert [row[3] for row in response.context["rows"]] == list(
        session.items.order_by("position").values_list("pk", flat=True)
    )


def test_a_session_moved_by_an_hour_in_the_programmes_zone(client_as, programme):
    client = client_as("manager")
    session = programme.sessions.get(number=2)
    zone = zoneinfo.ZoneInfo(programme.time_zone)
    page = client.get(f"{BASE}/sessions/{session.pk}/")
    form = page.context["form"]
    start = session.starts_at.astimezone(zone)
    # The page shows the time as the programme's zone reads it.
    assert start.strftime("%Y-%m-%dT%H:%M") in page.content.decode()
    data = {name: form[name].value() for name in form.fields if name != "recording_file"}
    data["starts_at"] = (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data["ends_at"] = (session.ends_at.astimezone(zone) + dt.timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    data = {key: ("" if value is None else value) for key, value in data.items()}
    response = client.post(f"{BASE}/sessions/{session.pk}/", data)
    assert response.status_code == 302
    moved = VirtualSession.objects.get(pk=session.pk)
    assert moved.starts_at == session.starts_at + dt.timedelta(hours=1)
    assert moved.ends_at == session.ends_at + dt.timedelta(hours=1)
    record = edits(programme).last()
    assert record.details["part"] == "sessions"
    assert record.details["change"] == "changed"
    assert set(record.details["fields"]) == {"starts_at", "ends_at"}


def test_a_session_that_ends_before_it_starts_is_told_and_saves_nothing(client_as, programme):
    client = client_as("manager")
    session = programme.sessions.get(number=1)
    form = client.get(f"{BASE}/sessions/{session.pk}/").context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "recording_file"}
    data["ends_at"] = "2021-01-01T08:00"
    before = edits(programme).count()
    response = client.post(f"{BASE}/sessions/{session.pk}/", data)
    assert response.status_code == 400
    assert "must end after it starts" in response.content.decode()
    assert VirtualSession.objects.get(pk=session.pk).ends_at == session.ends_at
    assert edits(programme).count() == before


def test_a_profile_is_added_in_both_languages_and_its_code_must_be_new(client_as, programme):
    client = client_as("manager")
    response = client.post(
        f"{BASE}/profiles/",
        {"code": "job-placement", "name_es": "Intermediación laboral", "name_en": "Job placement"},
    )
    assert response.status_code == 302
    profile = Profile.objects.get(programme=programme, code="job-placement")
    assert profile.position == max(p.position for p in programme.profiles.all())
    assert edits(programme).last().details["change"] == "added"
    again = client.post(
        f"{BASE}/profiles/", {"code": "job-placement", "name_es": "Otra", "name_en": "Another"}
    )
    assert again.status_code == 400
    assert Profile.objects.filter(programme=programme, code="job-placement").count() == 1


def test_items_move_up_and_down(client_as, programme):
    client = client_as("manager")
    session = programme.sessions.get(number=1)
    first, second = list(session.items.order_by("position"))[:2]
    response = client.post(f"{BASE}/agenda-items/{second.pk}/move/", {"direction": "up"})
    assert response.status_code == 302
    assert list(session.items.order_by("position"))[:2] == [second, first]
    assert edits(programme).last().details["change"] == "moved up"
    # The first cannot go higher: nothing changes.
    client.post(f"{BASE}/agenda-items/{second.pk}/move/", {"direction": "up"})
    assert list(session.items.order_by("position"))[:2] == [second, first]


def test_an_agenda_item_added_to_a_session_starts_where_the_last_ended(client_as, programme):
    client = client_as("manager")
    session = programme.sessions.get(number=1)
    page = client.get(f"{BASE}/sessions/{session.pk}/agenda-items/")
    last = session.items.order_by("-position").first()
    assert page.context["form"].initial["starts_at"] == (last.ends_at or last.starts_at)
    start = (last.ends_at or last.starts_at).astimezone(zoneinfo.ZoneInfo(programme.time_zone))
    response = client.post(
        f"{BASE}/sessions/{session.pk}/agenda-items/",
        {
            "kind": "closing",
            "title_es": "Cierre adicional",
            "title_en": "Additional closing",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(session=session, title_en="Additional closing")
    assert item.position == last.position + 1
    # A day off is told.
    wrong = client.post(
        f"{BASE}/sessions/{session.pk}/agenda-items/",
        {
            "kind": "closing",
            "title_es": "Otro",
            "title_en": "Another",
            "starts_at": (start + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert wrong.status_code == 400
    assert not AgendaItem.objects.filter(title_en="Another").exists()


def test_removing_asks_first_and_is_refused_where_records_depend(client_as, programme, users):
    client = client_as("manager")
    organiser = Organiser.objects.filter(programme=programme).first()
    page = client.get(f"{BASE}/organisers/{organiser.pk}/remove/")
    assert page.status_code == 200
    assert Organiser.objects.filter(pk=organiser.pk).exists()
    assert client.post(f"{BASE}/organisers/{organiser.pk}/remove/").status_code == 302
    assert not Organiser.objects.filter(pk=organiser.pk).exists()
    assert edits(programme).last().details["change"] == "removed"
    # Mexico has nominations: it stays a member.
    mexico = MemberCountry.objects.get(programme=programme, country__code="MX")
    refused = client.post(f"{BASE}/member-countries/{mexico.pk}/remove/")
    assert refused.status_code == 400
    assert MemberCountry.objects.filter(pk=mexico.pk).exists()
    # A course with completions stays.
    course = Course.objects.filter(programme=programme).first()
    CourseCompletion.objects.create(
        course=course, user=users["participant"], completed=True, source="hand"
    )
    refresh(programme, [users["participant"].pk])
    assert client.post(f"{BASE}/courses/{course.pk}/remove/").status_code == 400
    assert Course.objects.filter(pk=course.pk).exists()


def test_an_item_of_another_programme_is_not_found(client_as, programme):
    from ..other_programme import another_programme

    other = another_programme()
    organiser = Organiser.objects.create(programme=other, code="x", name_es="Otra", name_en="Other")
    client = client_as("manager")
    assert client.get(f"{BASE}/organisers/{organiser.pk}/").status_code == 404
    assert client.post(f"{BASE}/organisers/{organiser.pk}/remove/").status_code == 404


def test_the_pages_speak_spanish(client_as, programme):
    client = client_as("manager")
    session = programme.sessions.get(number=1)
    page = client.get(f"/es/programmes/crm-2021/manage/sessions/{session.pk}/").content.decode()
    assert "Español" in page or "español" in page
    assert "Hora de Ciudad de México" in page


@pytest.mark.parametrize("role, linked", [("manager", False), ("superuser", True)])
def test_the_administration_site_is_linked_for_superusers_only(client_as, programme, role, linked):
    client = client_as(role)
    for url in (f"{BASE}/", f"{BASE}/sessions/", "/en/programmes/crm-2021/certificates/"):
        page = client.get(url).content.decode()
        assert ('href="/en/admin/"' in page) is linked, url


def test_no_console_page_links_to_the_administration_site(client_as, programme):
    """Every page of the console's menu, and every part's first item, without /admin/."""
    client = client_as("manager")
    home = client.get(f"{BASE}/")
    urls = [entry.url for group in home.context["menu"] for entry in group.entries]
    for part in PARTS.values():
        first = part.scope(programme).order_by("pk").first()
        if first is not None:
            urls.append(f"{BASE}/{part.key}/{first.pk}/")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "/admin/" not in response.content.decode(), url


def test_an_organisers_logo_is_uploaded_and_a_file_that_is_not_an_image_refused(
    client_as, programme
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    client = client_as("manager")
    organiser = Organiser.objects.filter(programme=programme).first()
    form = client.get(f"{BASE}/organisers/{organiser.pk}/").context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "logo"}
    fake = SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png")
    refused = client.post(f"{BASE}/organisers/{organiser.pk}/", {**data, "logo": fake})
    assert refused.status_code == 400
    assert not Organiser.objects.get(pk=organiser.pk).logo
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buffer, "PNG")
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    response = client.post(f"{BASE}/organisers/{organiser.pk}/", {**data, "logo": logo})
    assert response.status_code == 302
    stored = Organiser.objects.get(pk=organiser.pk).logo
    assert stored and stored.name.endswith(".png")
    assert edits(programme).last().details["fields"] == ["logo"]
    # The page names the file and gives no address of it: it is private.
    page = client.get(f"{BASE}/organisers/{organiser.pk}/").content.decode()
    assert stored.name in page
    assert f'href="{stored.name}' not in page and "/media/" not in page


def test_the_console_tells_of_sessions_without_a_meeting_link(client_as, programme):
    client = client_as("manager")

    def setup_lines():
        steps = client.get(f"{BASE}/").context["steps"]
        return [line for line in steps[0].lines if "meeting link" in line.text]

    assert setup_lines() == []
    VirtualSession.objects.filter(programme=programme, number__in=[2, 3]).update(meeting_url="")
    (line,) = setup_lines()
    assert line.text == "2 sessions have no meeting link yet"
    # The demo's sessions are long past: the missing links are late.
    assert line.late
    assert line.url.endswith("/manage/sessions/")


def test_a_course_deadline_moved_makes_its_completions_late_or_on_time(client_as, programme, users):
    client = client_as("manager")
    course = Course.objects.filter(programme=programme).order_by("position").first()
    done = course.deadline - dt.timedelta(days=1)
    completion = CourseCompletion.objects.create(
        course=course, user=users["participant"], completed=True, completed_at=done, source="hand"
    )
    refresh(programme, [users["participant"].pk])
    form = client.get(f"{BASE}/courses/{course.pk}/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data["is_required"] = "on" if course.is_required else ""
    earlier = (course.deadline - dt.timedelta(days=2)).astimezone(programme.zone)
    data["deadline"] = earlier.strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"{BASE}/courses/{course.pk}/", data).status_code == 302
    completion.refresh_from_db()
    assert completion.is_late
    data["deadline"] = (earlier + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"{BASE}/courses/{course.pk}/", data).status_code == 302
    completion.refresh_from_db()
    assert not completion.is_late


def test_a_country_already_a_member_is_told_beside_its_field_in_spanish(client_as, programme):
    from capacita.programmes.models import Country

    client = client_as("manager")
    mexico = Country.objects.get(code="MX")
    response = client.post(
        "/es/programmes/crm-2021/manage/member-countries/", {"country": mexico.pk, "quota": 5}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["country"] == [
        "Otro elemento de la lista ya tiene este valor en: país."
    ]
    assert MemberCountry.objects.filter(programme=programme, country=mexico).count() == 1


def test_the_programmes_dates_are_set_in_its_settings(client_as, programme):
    client = client_as("manager")
    url = "/en/programmes/crm-2021/manage/settings/"
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    data.update(start_date="2021-10-26", end_date="2021-10-20")
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "cannot end before it starts" in refused.content.decode()
    data["end_date"] = "2021-10-30"
    assert client.post(url, data).status_code == 302
    programme.refresh_from_db()
    assert programme.end_date == dt.date(2021, 10, 30)


@pytest.mark.parametrize("key", ["sessions", "agenda-items", "agenda-roles", "groups"])
def test_a_lists_queries_do_not_grow_with_its_items(client_as, programme, key):
    """The figures beside each item are read with the list, whatever its length."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from capacita.agenda.models import AgendaParticipant
    from capacita.groupwork.models import WorkGroup

    client = client_as("manager")
    part = PARTS[key]
    first = part.scope(programme).order_by("pk").first()
    parent = part.parent_of(first)
    url = f"{BASE}/{part.parent}/{parent.pk}/{key}/" if part.parent else f"{BASE}/{key}/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for extra in range(3):
        if key == "sessions":
            session = programme.sessions.order_by("-number").first()
            session.pk = None
            session.number += 1
            session.save()
            AgendaItem.objects.create(
                session=session,
                position=1,
                starts_at=session.starts_at,
                kind="welcome",
                title_es="x",
                title_en="x",
            )
        elif key == "agenda-items":
            AgendaItem.objects.create(
                session=parent,
                position=100 + extra,
                starts_at=parent.starts_at,
                kind="panel",
                title_es="x",
                title_en="x",
            )
        elif key == "agenda-roles":
            person = programme.people.exclude(agenda_parts__item=parent).first()
            AgendaParticipant.objects.create(item=parent, person=person, role="speaker")
        else:
            group = WorkGroup.objects.create(session_work=parent, name_es="G", name_en="G")
            group.countries.set(programme.countries.all()[:1])
    assert queries() == before
