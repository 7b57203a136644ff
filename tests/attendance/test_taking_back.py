"""Taking back a hand mark of attendance: the status is again what the reports say (none
while no report is imported), with a reason, audited; later imports count for the person
again; the page offers it on the rows marked by hand and comes back to the same page."""

from __future__ import annotations

import pytest
from django.utils import translation

from capacita.attendance.models import AttendanceRecord
from capacita.attendance.services import (
    AttendanceError,
    import_meeting_report,
    mark_attendance,
    withdraw_attendance_mark,
)
from capacita.audit.models import AuditEvent
from capacita.shared import people_pages

from .reports import person, report, row, session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


PAGE = "/en/programmes/crm-2021/sessions/1/attendance/"


def withdrawals():
    return AuditEvent.objects.filter(action=AuditEvent.Action.ATTENDANCE_MARK_WITHDRAWN)


def test_taking_back_returns_to_what_the_report_says_and_is_audited(programme, users):
    jose = person(programme, "jose.pena@example.org", "José", "Peña Núñez")
    meeting = session(programme)
    zoom = report(row("José", jose.email, "02:00 PM", "04:00 PM"))
    import_meeting_report(meeting, "zoom.csv", zoom, "America/Mexico_City", users["manager"])
    mark_attendance(meeting, jose, "absent", "Camera off all along.", users["manager"])

    record = withdraw_attendance_mark(meeting, jose, "  Wrong person.  ", users["manager"])

    assert (record.status, record.imported_status, record.is_corrected) == (
        "present", "present", False,
    )  # fmt: skip
    assert (record.correction_reason, record.corrected_by) == ("", None)
    (event,) = withdrawals()
    assert (event.actor, event.reason) == (users["manager"], "Wrong person.")
    assert event.details["withdrawn_status"] == "absent"
    assert event.details["withdrawn_reason"] == "Camera off all along."
    assert event.details["status"] == "present"


def test_without_a_report_taking_back_leaves_no_status(programme, users):
    meeting = session(programme)
    participant = users["participant"]
    mark_attendance(meeting, participant, "excused", "Ill.", users["manager"])

    assert withdraw_attendance_mark(meeting, participant, "Not ill.", users["manager"]) is None

    assert not AttendanceRecord.objects.filter(session=meeting, user=participant).exists()
    (event,) = withdrawals()
    assert (event.details["withdrawn_status"], event.details["status"]) == ("excused", None)


def test_a_later_report_counts_again_once_the_mark_is_taken_back(programme, users):
    jose = person(programme, "jose.pena@example.org", "José", "Peña Núñez")
    meeting = session(programme)
    mark_attendance(meeting, jose, "present", "Joined by phone.", users["manager"])
    withdraw_attendance_mark(meeting, jose, "He did not.", users["manager"])
    short = report(row("José", jose.email, "02:00 PM", "02:10 PM"))
    import_meeting_report(meeting, "zoom.csv", short, "America/Mexico_City", users["manager"])

    assert AttendanceRecord.objects.get(session=meeting, user=jose).status == "absent"


@pytest.mark.parametrize(
    "reason, marked, message",
    [
        ("", True, "Give the reason for taking back the hand mark."),
        ("Because.", False, "The attendance of Demo Participant is not marked by hand."),
    ],
)
def test_taking_back_needs_a_reason_and_a_hand_mark(programme, users, reason, marked, message):
    meeting = session(programme)
    participant = users["participant"]
    if marked:
        mark_attendance(meeting, participant, "excused", "Ill.", users["manager"])
    with pytest.raises(AttendanceError) as refused:
        withdraw_attendance_mark(meeting, participant, reason, users["manager"])
    assert refused.value.message == message.replace("Demo Participant", participant.get_full_name())
    assert not withdrawals().exists()
    records = AttendanceRecord.objects.filter(session=meeting, user=participant)
    assert [record.status for record in records] == (["excused"] if marked else [])


def test_the_page_offers_it_on_rows_marked_by_hand_and_comes_back_to_the_page(
    client_as, programme, users, monkeypatch
):
    monkeypatch.setattr(people_pages, "PER_PAGE", 5)
    meeting = session(programme)
    participant = users["participant"]
    mark_attendance(meeting, participant, "excused", "Ill.", users["manager"])
    client = client_as("manager")
    found = client.get(PAGE, {"search": participant.email}).content.decode()
    assert found.count(f'action="{PAGE}unmark/"') == 1
    assert f'id="take-back-user-{participant.pk}"' in found
    assert client.get(PAGE).content.decode().count(f'action="{PAGE}unmark/"') <= 1

    refused = client.post(
        f"{PAGE}unmark/", {"user": participant.pk, "reason": " ", "page": 2}, follow=True
    )
    assert refused.redirect_chain == [(f"{PAGE}?page=2#person-{participant.pk}", 302)]
    assert [str(message) for message in refused.context["messages"]] == [
        "Give the reason for taking back the hand mark."
    ]
    assert AttendanceRecord.objects.get(session=meeting, user=participant).is_corrected

    taken_back = client.post(
        f"{PAGE}unmark/", {"user": participant.pk, "reason": "Not ill.", "page": 2}, follow=True
    )
    assert taken_back.redirect_chain == [(f"{PAGE}?page=2#person-{participant.pk}", 302)]
    messages = [str(message) for message in taken_back.context["messages"]]
    assert messages == [
        f"The hand mark of {participant.get_full_name()} is taken back: no status yet."
    ]
    assert not AttendanceRecord.objects.filter(session=meeting, user=participant).exists()
