import datetime as dt

from django.urls import reverse

from capacita.audit.models import AuditEvent
from capacita.audit.services import audit_record
from capacita.certificates import services as certificates
from capacita.nominations.services import reject_nominations, withdraw_nomination

from .conftest import correction, nomination


def actions(client, programme, **params):
    response = client.get(reverse("audit:events", args=[programme.slug]), params)
    assert response.status_code == 200
    return [row.event.action for row in response.context["rows"]]


def test_by_person_finds_what_they_decided(programme, users, participant, client_as):
    correction(programme, participant, users["manager"])
    correction(programme, participant, users["facilitator"], number=2)

    client = client_as("manager")

    # The facilitator by surname, by a part of the full name and by e-mail, any case.
    for text in ("FACILITATOR", "demo facil", "facilitator@EXAMPLE"):
        response = client.get(reverse("audit:events", args=[programme.slug]), {"person": text})
        [row] = response.context["rows"]
        assert row.who == users["facilitator"].get_full_name(), text


def test_by_person_finds_what_concerned_them(
    programme, users, participant, participant_do, client_as
):
    manager = users["manager"]
    certificate = certificates.issue_by_hand(programme, participant, "Enfermedad", manager)
    certificates.issue_by_hand(programme, participant_do, "Viaje", manager)
    correction(programme, participant_do, manager)
    client = client_as("manager")

    assert actions(client, programme, person="participant mx") == ["certificate.issue"]
    assert actions(client, programme, person="participant.do@") == [
        "attendance.corrected",
        "certificate.issue",
    ]
    certificates.revoke(certificate, "Error", manager)
    assert actions(client, programme, person="Participant MX") == [
        "certificate.revoke",
        "certificate.issue",
    ]
    assert actions(client, programme, person="nobody-like-this") == []


def test_by_person_finds_nominees_with_or_without_an_account(programme, users, client_as):
    manager = users["manager"]
    kept = nomination(programme)
    gone = nomination(programme, "pedro.ruiz@example.org", "Pedro", "Ruiz")
    reject_nominations([kept], actor=manager, reason="Perfil")
    withdraw_nomination(gone, actor=users["focal_point"])
    client = client_as("manager")

    assert actions(client, programme, person="ana lópez") == ["nomination.rejected"]
    assert actions(client, programme, person="ana.lopez@") == ["nomination.rejected"]
    # The withdrawn nomination is gone; its record still names the e-mail.
    assert actions(client, programme, person="pedro.ruiz") == ["nomination.withdrawn"]


def test_by_kind(programme, users, participant, client_as):
    manager = users["manager"]
    certificate = certificates.issue_by_hand(programme, participant, "Enfermedad", manager)
    certificates.revoke(certificate, "Error", manager)
    client = client_as("manager")

    assert actions(client, programme, kind="certificate.revoke") == ["certificate.revoke"]
    assert actions(client, programme, kind="") == ["certificate.revoke", "certificate.issue"]
    form = client.get(reverse("audit:events", args=[programme.slug])).content.decode()
    assert '<option value="certificate.revoke">certificate revoked</option>' in form
    assert '<label for="id_kind">' in form and '<label for="id_person">' in form


def at(programme, event, year, month, day, hour, minute):
    """Move `event` to a moment given in the programme's zone."""
    moment = dt.datetime(year, month, day, hour, minute, tzinfo=programme.zone)
    AuditEvent.objects.filter(pk=event.pk).update(created_at=moment)


def test_by_dates_both_days_included_in_the_programmes_zone(
    programme, users, participant, client_as
):
    manager = users["manager"]

    def event(reason):
        return audit_record(
            actor=manager,
            action=AuditEvent.Action.ATTENDANCE_MATCHED,
            subject=participant,
            programme=programme,
            reason=reason,
        )

    at(programme, event("before"), 2021, 3, 9, 23, 59)
    at(programme, event("first minute"), 2021, 3, 10, 0, 0)
    at(programme, event("last minute"), 2021, 3, 12, 23, 59)
    at(programme, event("after"), 2021, 3, 13, 0, 0)
    client = client_as("manager")

    def reasons(**params):
        response = client.get(reverse("audit:events", args=[programme.slug]), params)
        return [row.event.reason for row in response.context["rows"]]

    assert reasons(date_from="2021-03-10", date_to="2021-03-12") == [
        "last minute",
        "first minute",
    ]
    assert reasons(date_from="2021-03-13") == ["after"]
    assert reasons(date_to="2021-03-09") == ["before"]
    assert reasons(date_from="2021-03-12", date_to="2021-03-12") == ["last minute"]


def test_a_date_that_is_not_one_is_explained_and_left_out(programme, users, client_as):
    correction(programme, users["participant"], users["manager"])
    response = client_as("manager").get(
        reverse("audit:events", args=[programme.slug]), {"date_from": "yesterday"}
    )
    assert len(response.context["rows"]) == 1
    assert response.context["form"].errors["date_from"]
    assert "Enter a valid date." in response.content.decode()


def test_the_form_keeps_the_dates_asked_for_in_any_language(programme, client_as):
    from django.utils import translation

    with translation.override("es"):
        address = reverse("audit:events", args=[programme.slug])
    html = client_as("manager").get(address, {"date_from": "2021-03-10"}).content.decode()
    assert 'value="2021-03-10"' in html
    assert "hora de Ciudad de México" in html
