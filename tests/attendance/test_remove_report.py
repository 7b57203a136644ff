"""A manager takes back a report imported by mistake (wrong zone, wrong session)."""

from __future__ import annotations

import pytest
from django.utils import translation

from capacita.attendance import services
from capacita.attendance.models import AttendanceRecord, MeetingReport
from capacita.audit.models import AuditEvent

from .reports import person, report, row, session

MEXICO = "America/Mexico_City"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def jose(programme):
    return person(programme, "jose.pena@example.org", "José", "Peña Núñez")


def content():
    # 14:00–16:00 in Mexico City: the whole session, but read in New York it is 13:00–15:00.
    return report(row("José Peña", "jose.pena@example.org", "02:00 PM", "04:00 PM"))


def test_removing_a_report_read_in_the_wrong_zone_lets_the_right_import_count(
    programme, users, jose
):
    manager = users["manager"]
    session_ = session(programme)
    services.import_meeting_report(session_, "p.csv", content(), "America/New_York", manager)
    assert AttendanceRecord.objects.get(session=session_, user=jose).status == "absent"
    wrong = MeetingReport.objects.get(session=session_)

    services.remove_meeting_report(wrong, "Read in New York time by mistake", manager)

    assert not MeetingReport.objects.filter(session=session_).exists()
    assert not AttendanceRecord.objects.filter(session=session_, user=jose).exists()
    [event] = AuditEvent.objects.filter(action="attendance.report_removed")
    assert event.reason == "Read in New York time by mistake"
    assert event.actor == manager
    assert event.details["time_zone"] == "America/New_York"

    outcome = services.import_meeting_report(session_, "p.csv", content(), MEXICO, manager)
    assert outcome.saved
    assert AttendanceRecord.objects.get(session=session_, user=jose).status == "present"


def test_a_hand_correction_survives_the_removal_of_a_report(programme, users, jose):
    manager = users["manager"]
    session_ = session(programme)
    services.import_meeting_report(session_, "p.csv", content(), MEXICO, manager)
    services.mark_attendance(session_, jose, "excused", "Connection cut by a storm", manager)

    services.remove_meeting_report(
        MeetingReport.objects.get(session=session_), "Wrong session", manager
    )

    record = AttendanceRecord.objects.get(session=session_, user=jose)
    assert record.status == "excused"
    assert record.correction_reason == "Connection cut by a storm"


def test_removing_a_report_needs_a_reason_and_changes_nothing_without_one(programme, users, jose):
    manager = users["manager"]
    session_ = session(programme)
    services.import_meeting_report(session_, "p.csv", content(), MEXICO, manager)
    with pytest.raises(services.AttendanceError):
        services.remove_meeting_report(MeetingReport.objects.get(session=session_), " ", manager)
    assert MeetingReport.objects.filter(session=session_).count() == 1
    assert AttendanceRecord.objects.get(session=session_, user=jose).status == "present"


def test_the_session_page_removes_a_report_for_a_manager_only(client_as, programme, users, jose):
    session_ = session(programme)
    services.import_meeting_report(session_, "p.csv", content(), MEXICO, users["manager"])
    report_ = MeetingReport.objects.get(session=session_)
    url = f"/en/programmes/crm-2021/sessions/1/attendance/reports/{report_.pk}/remove/"

    assert client_as("focal_point").post(url, {"reason": "x"}).status_code == 403
    assert MeetingReport.objects.filter(pk=report_.pk).exists()

    response = client_as("manager").post(url, {"reason": "Wrong session"}, follow=True)
    assert response.status_code == 200
    assert "is removed" in response.content.decode()
    assert not MeetingReport.objects.filter(pk=report_.pk).exists()
