import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capacita.attendance.models import AttendanceRecord
from capacita.audit.models import AuditEvent
from capacita.audit.services import audit_record
from capacita.certificates.kept import refresh
from capacita.emails.services import queue_email
from capacita.privacy.export import personal_data
from capacita.privacy.models import RemovalRequest
from capacita.privacy.removal import request_removal

from .conftest import make_someone


def test_it_holds_everything_about_the_person_and_nothing_of_another(programme, manager):
    person = make_someone(programme, manager)
    other = make_someone(programme, manager, country_code="GT", certificate=False)

    data = personal_data(person.user)
    text = json.dumps(data)

    assert data["account"]["email"] == person.email
    assert [n["institution"] for n in data["nominations"]] == [f"Instituto {person.first_name}"]
    assert {t["kind"] for t in data["tests"]} == {"pre", "post"}
    assert person.free_text in [a["text"] for t in data["tests"] for a in t["answers"]]
    assert len(data["attendance"]) == 1 and data["attendance"][0]["imported_minutes"] == 100
    assert len(data["meeting_rows"]) == 1
    assert len(data["certificates"]) == 1 and data["certificates"][0]["status"] == "valid"
    assert {e["kind"] for e in data["emails"]} == {"certificate", "test"}
    assert any(e["action"] == "nomination.edited" for e in data["audit_events"])
    assert other.email not in text
    assert other.last_name not in text


def test_it_reads_each_kind_of_record_in_one_query(programme, manager, someone):
    with CaptureQueriesContext(connection) as few:
        personal_data(someone.user)
    for session in programme.sessions.order_by("number")[1:]:
        AttendanceRecord.objects.create(
            session=session, user=someone.user, status=AttendanceRecord.Status.ABSENT
        )
    refresh(programme, [someone.user.pk])
    for number in range(3):
        queue_email(
            to=someone.email, subject=f"n{number}", body_text="-", kind="test", language="es"
        )
        audit_record(actor=manager, action="role.granted", subject=someone.user)
    with CaptureQueriesContext(connection) as many:
        data = personal_data(someone.user)
    assert len(data["attendance"]) == programme.sessions.count() > 1
    assert len(many) == len(few)


def test_the_participant_downloads_their_data(client_as, programme, someone):
    client = client_as(None)
    client.force_login(someone.user)
    response = client.get(reverse("privacy:my_data", args=[programme.slug]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["account"]["email"] == someone.email


def test_a_removal_request_is_recorded(client_as, programme, users):
    client = client_as("participant")
    url = reverse("privacy:request_removal", args=[programme.slug])
    assert client.get(url).status_code == 200

    response = client.post(url, {"message": "Please remove me."})

    assert response.status_code == 302
    request = RemovalRequest.objects.get(user=users["participant"])
    assert request.email == users["participant"].email
    assert request.message == "Please remove me."
    assert request.programme == programme
    assert AuditEvent.objects.filter(
        action="privacy.removal_requested", subject_id=str(request.pk)
    ).exists()


def test_the_managers_see_the_removal_requests(client_as, programme, users):
    request_removal(users["participant"], programme, "Borrar mis datos, por favor")
    response = client_as("manager").get(reverse("privacy:overview", args=[programme.slug]))
    assert response.status_code == 200
    assert "Borrar mis datos, por favor" in response.content.decode()
