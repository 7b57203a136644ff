"""The managers' attendance pages: who reaches them, the upload, matching and marking forms
through the real views, and a fixed number of queries however many participants."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capacita.attendance.models import AttendanceRecord, MeetingReport, NameMatch
from capacita.attendance.services import import_meeting_report, mark_attendance

from ..conftest import ROLES
from .reports import UNIQUE_USERS_HEADER, person, report, row, session

BASE = "/en/programmes/crm-2021"
SESSION = f"{BASE}/sessions/1/attendance/"
OVERVIEW = f"{BASE}/attendance/"
MANAGERS = {"manager", "superuser"}


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["upload", "match", "mark"])
def test_the_forms_answer_the_programmes_managers_only(client_as, programme, role, action):
    response = client_as(role).post(f"{SESSION}{action}/", {})
    if role in MANAGERS:
        assert response.status_code == 302
        assert response.url.startswith(SESSION)
    elif role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith("/en/accounts/login/")
    else:
        assert response.status_code == 403
    assert not MeetingReport.objects.exists()
    assert not AttendanceRecord.objects.exists()


def test_a_manager_of_another_programme_is_refused(client_as, programme, users):
    from capacita.programmes.models import Membership, Programme, Role

    other = Programme.objects.create(
        slug="other",
        title_es="Otro",
        title_en="Other",
        description_es="-",
        description_en="-",
        general_objective_es="-",
        general_objective_en="-",
        time_zone="UTC",
        start_date=programme.start_date,
        end_date=programme.end_date,
    )
    outsider = users["outsider"]
    Membership.objects.create(programme=other, user=outsider, role=Role.MANAGER)
    client = client_as("outsider")
    assert client.get(SESSION).status_code == 403
    assert client.get(OVERVIEW).status_code == 403


def test_the_get_of_a_form_address_is_not_allowed(client_as, programme):
    assert client_as("manager").get(f"{SESSION}upload/").status_code == 405


def test_an_unknown_session_is_404(client_as, programme):
    assert client_as("manager").get(f"{BASE}/sessions/9/attendance/").status_code == 404


def upload(client, content: bytes, zone="America/Mexico_City", other="", name="zoom.csv"):
    return client.post(
        f"{SESSION}upload/",
        {
            "file": SimpleUploadedFile(name, content, content_type="text/csv"),
            "time_zone": zone,
            "other_time_zone": other,
        },
        follow=True,
    )


def test_uploading_a_report_shows_each_persons_attendance_and_the_unmatched_rows(
    client_as, programme
):
    jose = person(programme, "jose.pena@example.org", "José", "Peña Núñez")
    client = client_as("manager")
    page = upload(
        client,
        report(
            row("Peña Núñez, José", "", "01:50 PM", "04:10 PM"),
            row("Visitante Misterioso", "", "02:00 PM", "03:00 PM"),
        ),
    )
    assert page.status_code == 200
    assert messages_of(page)[0].startswith("Report imported: 2 rows, 1 matched to participants")
    content = text_of(page)
    jose_row = re.search(rf'<tr class="status-present" id="person-{jose.pk}">.*?</tr>', content)
    assert jose_row, "José's row shows him present"
    assert "120" in jose_row.group(0)
    assert "Visitante Misterioso" in content
    assert "zoom.csv" in content  # the reports imported
    assert MeetingReport.objects.get().uploaded_by.email == "manager@example.org"


def test_the_upload_offers_the_programmes_and_member_countries_zones(client_as, programme):
    page = text_of(client_as("manager").get(SESSION))
    select = re.search(r'<select name="time_zone".*?</select>', page).group(0)
    assert re.search(r'<option value="America/Mexico_City" selected>', select)
    for zone in ("America/Santo_Domingo", "America/Costa_Rica", "America/New_York"):
        assert f'value="{zone}"' in select
    assert 'name="other_time_zone"' in page


def test_another_zone_typed_in_wins_over_the_list(client_as, programme):
    jose = person(programme, "jose.pena@example.org", "José", "Peña Núñez")
    upload(
        client_as("manager"),
        report(row("José", "jose.pena@example.org", "02:00 PM", "04:00 PM")),
        other="America/New_York",
    )
    assert MeetingReport.objects.get().time_zone == "America/New_York"
    assert AttendanceRecord.objects.get(user=jose).imported_minutes == 60


def test_an_unknown_zone_typed_in_is_refused(client_as, programme):
    page = upload(
        client_as("manager"),
        report(row("José", "jose.pena@example.org", "02:00 PM", "04:00 PM")),
        other="Mars/Olympus",
    )
    assert any("Mars/Olympus" in message for message in messages_of(page))
    assert not MeetingReport.objects.exists()


def test_a_faulty_file_is_refused_with_its_rows_and_nothing_saved(client_as, programme):
    page = upload(
        client_as("manager"),
        report(
            row("Ana", "", "02:00 PM", "03:00 PM"),
            row("Bruno", "", "03:00 PM", "02:00 PM"),
        ),
    )
    messages = messages_of(page)
    assert messages[0].startswith("Nothing was imported: 1 row cannot be read.")
    assert messages[1].startswith("Row 6: the leave time")
    assert not MeetingReport.objects.exists()
    assert not AttendanceRecord.objects.exists()


def test_the_unique_users_report_is_refused_on_the_page(client_as, programme):
    page = upload(
        client_as("manager"),
        report(["Ana", "ana@example.org", "95", "No"], header=UNIQUE_USERS_HEADER),
    )
    assert "untick “Show unique users”" in messages_of(page)[0]
    assert not MeetingReport.objects.exists()


def test_uploading_the_same_file_twice_says_nothing_changed(client_as, programme):
    client = client_as("manager")
    content = report(row("Ana", "", "02:00 PM", "03:00 PM"))
    upload(client, content)
    page = upload(client, content, name="again.csv")
    assert "already imported" in messages_of(page)[0]
    assert MeetingReport.objects.count() == 1


def test_matching_unmatched_rows_by_hand_on_the_page(client_as, programme, users):
    jose = person(programme, "jose.pena@example.org", "José", "Peña Núñez")
    client = client_as("manager")
    upload(client, report(row("JP", "", "02:00 PM", "04:00 PM")))
    page = text_of(client.get(SESSION))
    assert f'<option value="{jose.pk}">José Peña Núñez &lt;jose.pena@example.org&gt;</option>' in (
        client.get(SESSION).content.decode()
    )
    assert "JP" in page

    response = client.post(
        f"{SESSION}match/",
        {"meeting_name": "JP", "meeting_email": "", "user": jose.pk},
        follow=True,
    )
    assert messages_of(response) == ["“JP” is José Peña Núñez: 120 minutes, present."]
    assert AttendanceRecord.objects.get(user=jose).status == "present"
    assert NameMatch.objects.get(meeting_name="JP").user == jose
    assert "None: every row of the reports is matched" in text_of(response)


def test_matching_to_someone_outside_the_programme_is_refused(client_as, programme, users):
    client = client_as("manager")
    upload(client, report(row("JP", "", "02:00 PM", "04:00 PM")))
    response = client.post(
        f"{SESSION}match/",
        {"meeting_name": "JP", "meeting_email": "", "user": users["outsider"].pk},
        follow=True,
    )
    assert messages_of(response) == ["Choose the person these rows belong to."]
    assert not NameMatch.objects.exists()


def test_with_more_people_than_a_list_holds_the_person_is_given_by_e_mail(
    client_as, programme, users, monkeypatch
):
    """A list of thousands on every unmatched row would weigh megabytes: past the limit, the
    manager types the person's e-mail address; an address of nobody in the programme saves
    nothing and says so."""
    from capacita.shared import person_field

    monkeypatch.setattr(person_field, "LIST_LIMIT", 1)
    jose = person(programme, "jose.pena@example.org", "José", "Peña Núñez")
    person(programme, "ana.lopez@example.org", "Ana", "López")
    client = client_as("manager")
    upload(client, report(row("JP", "", "02:00 PM", "04:00 PM")))
    page = client.get(SESSION).content.decode()
    assert "<option" not in page.split('id="unmatched"')[1].split("</table>")[0]
    assert 'type="email" name="user"' in page

    refused = client.post(
        f"{SESSION}match/",
        {"meeting_name": "JP", "meeting_email": "", "user": users["outsider"].email},
        follow=True,
    )
    assert messages_of(refused) == [
        f"Nobody of this programme has the e-mail address {users['outsider'].email}."
    ]
    assert not NameMatch.objects.exists()

    response = client.post(
        f"{SESSION}match/",
        {"meeting_name": "JP", "meeting_email": "", "user": "JOSE.pena@example.org"},
        follow=True,
    )
    assert messages_of(response) == ["“JP” is José Peña Núñez: 120 minutes, present."]
    assert NameMatch.objects.get(meeting_name="JP").user == jose


def test_marking_by_hand_on_the_page_needs_a_reason_and_shows_it(client_as, programme):
    jose = person(programme, "jose.pena@example.org", "José", "Peña Núñez")
    client = client_as("manager")
    refused = client.post(
        f"{SESSION}mark/", {"user": jose.pk, "status": "excused", "reason": ""}, follow=True
    )
    assert messages_of(refused) == ["Give the reason for marking attendance by hand."]
    assert not AttendanceRecord.objects.exists()

    marked = client.post(
        f"{SESSION}mark/",
        {"user": jose.pk, "status": "excused", "reason": "Medical appointment."},
        follow=True,
    )
    assert messages_of(marked) == ["José Peña Núñez is marked as excused."]
    content = text_of(marked)
    jose_row = re.search(rf'<tr class="status-excused" id="person-{jose.pk}">.*?</tr>', content)
    assert "Medical appointment. — Demo Manager" in jose_row.group(0)
    assert "marked by hand" in jose_row.group(0)


def test_the_overview_counts_each_session(client_as, programme, users):
    jose = person(programme, "jose.pena@example.org", "José", "Peña Núñez")
    session_ = session(programme)
    import_meeting_report(
        session_,
        "zoom.csv",
        report(
            row("José", "jose.pena@example.org", "02:00 PM", "04:00 PM"),
            row("Visitante", "", "02:00 PM", "03:00 PM"),
            row("Visitante", "", "03:00 PM", "03:30 PM"),
        ),
        "America/Mexico_City",
        users["manager"],
    )
    mark_attendance(session_, users["participant"], "excused", "Ill.", users["manager"])
    page = client_as("manager").get(OVERVIEW)
    content = text_of(page)
    first = re.search(r'<tr id="session-1">.*?</tr>', content).group(0)
    cells = re.findall(r"<td>(.*?)</td>", first)
    participants = programme.memberships.filter(role="participant").count()
    # Reports, present, absent, excused, unmatched rows; then the row's import form.
    assert cells[1:6] == ["1", "1", str(participants - 2), "1", "2"]
    assert "/sessions/1/attendance/upload/" in cells[6]
    assert AttendanceRecord.objects.get(user=jose).status == "present"
    second = re.search(r'<tr id="session-2">.*?</tr>', content).group(0)
    assert re.findall(r"<td>(.*?)</td>", second)[1:6] == ["0", "0", "0", "0", "0"]


def add_people(programme, manager, count: int, start: int) -> None:
    """`count` more participants, each with a report row (a new report each time), a hand
    correction for every third, and as many rows matched to nobody."""
    rows = []
    for n in range(start, start + count):
        user = person(programme, f"extra.{n}@example.org", "Extra", f"Persona {n:03d}")
        rows.append(row(f"Extra Persona {n:03d}", f"extra.{n}@example.org", "02:00 PM", "03:45 PM"))
        rows.append(row(f"Invitado {n:03d}", "", "02:00 PM", "02:30 PM"))
        if n % 3 == 0:
            mark_attendance(session(programme), user, "excused", f"Reason {n}", manager)
    import_meeting_report(
        session(programme), f"zoom-{start}.csv", report(*rows), "America/Mexico_City", manager
    )


def test_the_session_page_takes_the_same_queries_for_5_and_50_participants(
    client_as, programme, users
):
    client = client_as("manager")
    counts = []
    for added, start in ((5, 0), (45, 5)):  # 5 participants more, then 50
        add_people(programme, users["manager"], added, start)
        client.get(SESSION)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(SESSION)
        assert response.status_code == 200
        assert f"Extra Persona {start + added - 1:03d}" in response.content.decode()
        assert f"Invitado {start + added - 1:03d}" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # 18: the order of everyone as values, then the page's people, memberships, countries and
    # records by id; the counts by status; the unmatched rows and the people to match them to.
    assert counts[0] <= 18, [query["sql"] for query in queries.captured_queries]


def test_the_overview_takes_the_same_queries_however_many_people(client_as, programme, users):
    client = client_as("manager")
    counts = []
    for added, start in ((5, 0), (45, 5)):
        add_people(programme, users["manager"], added, start)
        client.get(OVERVIEW)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(OVERVIEW).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
