import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capacita.agenda.timezones import viewer_zone
from capacita.audit.models import AuditEvent
from capacita.audit.services import audit_record
from capacita.certificates import services as certificates
from capacita.nominations.services import reject_nominations
from tests.progress.conftest import attend

from .conftest import correction, nomination


def page(client, programme, **params):
    return client.get(reverse("audit:events", args=[programme.slug]), params)


def test_managers_see_the_decisions_with_whom_they_concern(
    programme, users, participant, client_as
):
    manager = users["manager"]
    certificate = certificates.issue_by_hand(programme, participant, "Enfermedad", manager)
    certificates.revoke(certificate, "Emitido por error", manager)
    nominee = nomination(programme)
    reject_nominations([nominee], actor=manager, reason="Perfil no adecuado")

    response = page(client_as("manager"), programme)

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.event.action for row in rows] == [
        "nomination.rejected",
        "certificate.revoke",
        "certificate.issue",
    ]
    assert [row.subject for row in rows] == [
        "Ana López",
        participant.get_full_name(),
        participant.get_full_name(),
    ]
    assert {row.who for row in rows} == {manager.get_full_name()}
    html = response.content.decode()
    assert "certificate revoked" in html and "Emitido por error" in html
    assert "Perfil no adecuado" in html and "ana.lopez@example.org" in html
    assert '<th scope="col">' in html and "<caption" in html and "table-scroll" in html


def test_times_are_shown_in_the_viewers_zone_which_the_page_names(
    programme, users, participant, client_as
):
    manager = users["manager"]
    manager.time_zone = "Asia/Tokyo"
    manager.save(update_fields=["time_zone"])
    event = correction(programme, participant, manager)
    moment = dt.datetime(2021, 3, 4, 15, 30, tzinfo=dt.UTC)
    AuditEvent.objects.filter(pk=event.pk).update(created_at=moment)
    zone, _message = viewer_zone(None, manager, programme)
    assert zone.key == "Asia/Tokyo" != programme.zone.key

    response = page(client_as("manager"), programme)

    html = response.content.decode()
    assert "Tokyo Time" in html and zone.key not in html
    assert "Friday 5 March 2021, 00:30" in html


def test_the_system_and_records_without_a_person_are_named_plainly(
    programme, users, participant, client_as
):
    audit_record(
        actor=None,
        action=AuditEvent.Action.GROUPS_ASSIGNED,
        subject=programme,
        programme=programme,
        details={"placed": 12},
    )

    response = page(client_as("manager"), programme)

    [row] = response.context["rows"]
    assert row.who == "the system"
    assert row.subject == f"programme #{programme.pk}"
    assert "People placed in a group: 12" in response.content.decode()


def test_a_withdrawn_nomination_still_names_its_nominee(programme, users, client_as):
    # The record names the person it concerns when it is written: the nomination can go.
    nominee = nomination(programme)
    audit_record(
        actor=users["manager"],
        action=AuditEvent.Action.NOMINATION_WITHDRAWN,
        subject=nominee,
        programme=programme,
        details={"email": nominee.email},
    )
    pk = nominee.pk
    nominee.delete()

    [row] = page(client_as("manager"), programme).context["rows"]

    assert (row.concerned.name, row.concerned.email) == (nominee.full_name, nominee.email)
    assert row.subject == nominee.full_name
    assert row.event.subject_id == str(pk)


def test_events_outside_the_programme_are_not_shown(programme, users, participant, client_as):
    audit_record(
        actor=users["manager"],
        action=AuditEvent.Action.ROLE_GRANTED,
        subject=participant,
        programme=None,
    )
    correction(programme, participant, users["manager"])

    rows = page(client_as("manager"), programme).context["rows"]

    assert [row.event.action for row in rows] == ["attendance.corrected"]


def subjects(programme, users):
    """Records of four types, each concerning a person."""
    people = [users["participant"], users["focal_point"], users["facilitator"]]
    return [
        *[attend(programme, user, 1) for user in people],
        *[nomination(programme, f"n{i}@example.org", "Nadia", f"N{i}") for i in range(3)],
        *[user.memberships.get(programme=programme) for user in people],
        *people,
    ]


def make_events(programme, users, records, count):
    """`count` events cycling over `records`, so that every type is on every page."""
    for i in range(count):
        audit_record(
            actor=users["manager"] if i % 2 else None,
            action=AuditEvent.Action.ATTENDANCE_CORRECTED,
            subject=records[i % len(records)],
            programme=programme,
        )


def queries_for_page(client, programme):
    with CaptureQueriesContext(connection) as captured:
        response = page(client, programme)
    assert response.status_code == 200
    return len(captured), response


def test_the_number_of_queries_does_not_grow_with_the_events(programme, users, client_as):
    client = client_as("manager")
    records = subjects(programme, users)
    make_events(programme, users, records, 10)
    few, response = queries_for_page(client, programme)
    assert len(response.context["rows"]) == 10
    assert all(row.concerned for row in response.context["rows"])

    make_events(programme, users, records, 50)
    many, response = queries_for_page(client, programme)
    assert len(response.context["rows"]) == 50
    assert all(row.concerned for row in response.context["rows"])

    assert few == many


def test_the_exports_take_as_many_queries_for_1200_events_as_for_12(programme, users, client_as):
    client = client_as("manager")
    records = subjects(programme, users)
    url = f"/en/programmes/{programme.slug}/audit.csv"

    def export():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.content.decode("utf-8-sig").splitlines()

    make_events(programme, users, records, 12)
    few, lines = export()
    assert len(lines) == 13
    make_events(programme, users, records, 1188)
    many, lines = export()
    assert len(lines) == 1201
    assert few == many
    # Every event names its person and who acted (or the system), as on the page.
    assert all("Nadia" in line or "Demo" in line for line in lines[1:])
    assert any("the system" in line for line in lines[1:])


def test_fifty_events_a_page_and_the_filters_kept_across_pages(programme, users, client_as):
    for number in range(55):
        audit_record(
            actor=users["manager"],
            action=AuditEvent.Action.ATTENDANCE_MATCHED,
            subject=users["participant"],
            programme=programme,
            reason=f"fila {number}",
        )
    client = client_as("manager")

    first = page(client, programme, kind="attendance.matched")
    second = page(client, programme, kind="attendance.matched", page=2)

    assert len(first.context["rows"]) == 50
    assert [row.event.reason for row in second.context["rows"]] == [
        f"fila {number}" for number in range(4, -1, -1)
    ]
    assert "kind=attendance.matched&amp;page=2" in first.content.decode()


def test_responses_and_completions_name_their_person(programme, users, participant, client_as):
    from capacita.completions.models import CourseCompletion
    from capacita.evaluation.models import Questionnaire, Response

    questionnaire = Questionnaire.objects.filter(programme=programme).first()
    answered = Response.objects.create(questionnaire=questionnaire, user=participant)
    completion = CourseCompletion.objects.create(
        course=programme.courses.first(),
        user=participant,
        source=CourseCompletion.Source.HAND,
    )
    for subject, action in (
        (answered, AuditEvent.Action.EVALUATION_SUBMITTED),
        (completion, AuditEvent.Action.COMPLETION_MARKED),
    ):
        audit_record(actor=participant, action=action, subject=subject, programme=programme)

    rows = page(client_as("manager"), programme).context["rows"]

    assert [row.subject for row in rows] == [participant.get_full_name()] * 2
