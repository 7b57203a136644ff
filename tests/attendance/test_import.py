"""Importing Zoom reports: each person's time (union of their rows, clipped to the session),
the verdict against the programme's threshold, matching, re-imports, corrections by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from capacita.attendance import services
from capacita.attendance.models import AttendanceRecord, JoinInterval, MeetingReport, NameMatch
from capacita.attendance.zoom import ReportError
from capacita.audit.models import AuditEvent
from capacita.programmes.models import Programme, Role

from .reports import UNIQUE_USERS_HEADER, person, report, row, session

MEXICO = "America/Mexico_City"
PRESENT, ABSENT, EXCUSED = "present", "absent", "excused"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def record(session_, user) -> AttendanceRecord:
    return AttendanceRecord.objects.get(session=session_, user=user)


def imported(session_, content, manager, zone=MEXICO, filename="participants.csv", **kwargs):
    return services.import_meeting_report(session_, filename, content, zone, manager, **kwargs)


def test_rejoins_two_devices_and_time_outside_the_session_count_once(programme, manager, jose):
    session_ = session(programme)  # 14:00–16:00 in Mexico City, 120 minutes
    imported(
        session_,
        report(
            # Joined before the start: only from 14:00 counts.
            row("José Peña", "jose.pena@example.org", "01:45 PM", "02:40 PM"),
            # A second device while the first was connected: counted once.
            row("José (phone)", "JOSE.PENA@example.org", "02:20 PM", "02:50 PM"),
            # Rejoined and stayed after the end: only until 16:00 counts.
            row("José Peña", "jose.pena@example.org", "03:10 PM", "04:30 PM"),
        ),
        manager,
    )
    # The rows are kept per name and e-mail, their intervals merged.
    stored = {
        (group.name, group.email): group for group in JoinInterval.objects.filter(session=session_)
    }
    main = stored[("José Peña", "jose.pena@example.org")]
    assert (main.row_number, main.row_count, main.user) == (5, 2, jose)
    assert main.joined_at == dt.datetime(2021, 10, 26, 18, 45, tzinfo=dt.UTC)
    assert main.left_at == dt.datetime(2021, 10, 26, 21, 30, tzinfo=dt.UTC)
    assert len(main.spans) == 2
    assert stored[("José (phone)", "JOSE.PENA@example.org")].user == jose

    jose_record = record(session_, jose)
    # 14:00–14:50 and 15:10–16:00: 100 minutes of 120, at least 75 %.
    assert jose_record.imported_minutes == 100
    assert jose_record.imported_status == PRESENT
    assert jose_record.status == PRESENT
    assert not jose_record.is_corrected


def test_below_the_threshold_is_absent_and_the_threshold_is_the_programmes(
    programme, manager, jose
):
    session_ = session(programme)
    content = report(row("José Peña", "jose.pena@example.org", "02:00 PM", "03:29 PM"))
    imported(session_, content, manager)
    # 89 minutes of 120 is short of 75 % (90 minutes).
    assert (record(session_, jose).imported_minutes, record(session_, jose).status) == (
        89,
        ABSENT,
    )

    # The administration site lowers the threshold: the session's records follow.
    programme.attendance_threshold = 70
    programme.save()
    assert record(session_, jose).status == PRESENT
    assert record(session_, jose).imported_minutes == 89


def test_a_changed_schedule_recomputes_the_session(programme, manager, jose):
    session_ = session(programme)
    imported(
        session_, report(row("José", "jose.pena@example.org", "02:30 PM", "04:00 PM")), manager
    )
    assert record(session_, jose).status == PRESENT  # 90 of 120 minutes

    session_.starts_at = session_.starts_at.replace(hour=18)  # now 13:00–16:00, 180 minutes
    session_.save()
    assert (record(session_, jose).imported_minutes, record(session_, jose).status) == (
        90,
        ABSENT,
    )


def test_the_zone_stated_on_upload_decides_which_times_fall_in_the_session(
    programme, manager, jose
):
    content = report(row("José Peña", "jose.pena@example.org", "02:00 PM", "04:00 PM"))
    in_mexico = session(programme, 1)
    in_new_york = session(programme, 2)
    content_day_2 = content.replace(b"10/26/2021", b"10/28/2021")

    imported(in_mexico, content, manager)
    imported(in_new_york, content_day_2, manager, zone="America/New_York")

    # In New York 14:00–16:00 is 13:00–15:00 in Mexico City: one hour inside the session.
    assert record(in_mexico, jose).imported_minutes == 120
    assert record(in_new_york, jose).imported_minutes == 60
    assert record(in_new_york, jose).status == ABSENT
    assert MeetingReport.objects.get(session=in_new_york).time_zone == "America/New_York"


def test_guests_without_email_are_matched_by_name_whatever_the_accents_case_and_order(
    programme, manager, jose, ines
):
    session_ = session(programme)
    outcome = imported(
        session_,
        report(
            row("Peña Núñez, José", "", "02:00 PM", "04:00 PM"),
            row("INES MARIA ORTIZ", "", "02:00 PM", "03:00 PM"),
            row("ortiz ines maria (Inés)", "", "03:00 PM", "04:00 PM"),
            row("Visitante", "", "02:00 PM", "04:00 PM"),
        ),
        manager,
    )
    assert record(session_, jose).imported_minutes == 120
    assert record(session_, ines).imported_minutes == 120
    assert [(group.name, group.rows, group.minutes) for group in outcome.unmatched] == [
        ("Visitante", 1, 120)
    ]
    assert outcome.matched_rows == 3


def test_a_name_two_people_share_matches_nobody(programme, manager):
    person(programme, "ana.1@example.org", "Ana", "Gómez")
    person(programme, "ana.2@example.org", "Ana", "Gómez", country="DO")
    session_ = session(programme)
    outcome = imported(session_, report(row("Ana Gómez", "", "02:00 PM", "04:00 PM")), manager)
    assert [group.name for group in outcome.unmatched] == ["Ana Gómez"]


def test_the_email_wins_over_the_name(programme, manager, jose, ines):
    session_ = session(programme)
    imported(
        session_,
        report(row("José Peña Núñez", "ines.ortiz@example.org", "02:00 PM", "04:00 PM")),
        manager,
    )
    assert record(session_, ines).status == PRESENT
    assert record(session_, jose).status == ABSENT


def test_participants_without_rows_are_absent_once_a_report_exists(programme, manager, jose):
    session_ = session(programme)
    participants = set(
        programme.memberships.filter(role=Role.PARTICIPANT).values_list("user_id", flat=True)
    )
    assert not AttendanceRecord.objects.filter(session=session_).exists()

    imported(
        session_, report(row("José", "jose.pena@example.org", "02:00 PM", "04:00 PM")), manager
    )

    records = {r.user_id: r for r in AttendanceRecord.objects.filter(session=session_)}
    assert set(records) == participants  # the observer and facilitator have no rows
    absent = [r for r in records.values() if r.user_id != jose.pk]
    assert {(r.imported_minutes, r.imported_status, r.status) for r in absent} == {
        (0, ABSENT, ABSENT)
    }
    # Other sessions have no report: nobody has a record there.
    assert not AttendanceRecord.objects.filter(session=session(programme, 2)).exists()


def test_an_observer_or_facilitator_in_the_meeting_gets_a_record(programme, manager, users):
    session_ = session(programme)
    imported(
        session_,
        report(row("Demo Observer", "observer@example.org", "02:00 PM", "04:00 PM")),
        manager,
    )
    assert record(session_, users["observer"]).status == PRESENT
    assert not AttendanceRecord.objects.filter(session=session_, user=users["facilitator"]).exists()


def snapshot(session_):
    return (
        list(
            JoinInterval.objects.filter(session=session_)
            .order_by("id")
            .values_list("id", "name", "email", "row_count", "spans", "user_id")
        ),
        list(
            AttendanceRecord.objects.filter(session=session_)
            .order_by("id")
            .values_list("id", "imported_minutes", "imported_status", "status", "updated_at")
        ),
        MeetingReport.objects.filter(session=session_).count(),
        AuditEvent.objects.count(),
    )


def test_importing_the_same_report_again_changes_nothing(programme, manager, jose):
    session_ = session(programme)
    content = report(
        row("José", "jose.pena@example.org", "02:00 PM", "03:00 PM"),
        row("Visitante", "", "02:00 PM", "04:00 PM"),
    )
    first = imported(session_, content, manager)
    before = snapshot(session_)

    again = imported(session_, content, manager, filename="renamed.csv")
    assert again.already_imported and not again.saved
    assert again.report == first.report
    assert snapshot(session_) == before
    assert [(p.name, p.minutes) for p in again.people if p.user_id == jose.pk] == [
        ("José Peña Núñez", 60)
    ]
    assert [group.name for group in again.unmatched] == ["Visitante"]


def test_a_second_report_of_the_session_adds_its_rows(programme, manager, jose):
    session_ = session(programme)
    imported(
        session_, report(row("José", "jose.pena@example.org", "02:00 PM", "03:00 PM")), manager
    )
    assert record(session_, jose).status == ABSENT

    # The co-host's account exported its own report: it overlaps the first by 30 minutes.
    second = imported(
        session_,
        report(row("Peña Núñez José", "", "02:30 PM", "03:40 PM"), meeting=False),
        manager,
        filename="cohost.csv",
    )
    assert second.saved
    assert MeetingReport.objects.filter(session=session_).count() == 2
    assert record(session_, jose).imported_minutes == 100
    assert record(session_, jose).status == PRESENT


def test_a_dry_run_shows_the_outcome_and_saves_nothing(programme, manager, jose):
    session_ = session(programme)
    before = snapshot(session_)
    outcome = imported(
        session_,
        report(
            row("José", "jose.pena@example.org", "02:00 PM", "04:00 PM"),
            row("Visitante", "", "02:00 PM", "03:00 PM"),
        ),
        manager,
        dry_run=True,
    )
    assert not outcome.saved
    assert [(p.minutes, p.status) for p in outcome.people if p.user_id == jose.pk] == [
        (120, PRESENT)
    ]
    assert [(g.name, g.minutes) for g in outcome.unmatched] == [("Visitante", 60)]
    assert snapshot(session_) == before


def test_a_faulty_file_saves_nothing(programme, manager, jose):
    session_ = session(programme)
    before = snapshot(session_)
    with pytest.raises(ReportError) as refused:
        imported(
            session_,
            report(
                row("José", "jose.pena@example.org", "02:00 PM", "04:00 PM"),
                row("Bruno", "", "03:00 PM", "02:00 PM"),
            ),
            manager,
        )
    assert refused.value.problems == [
        "Row 6: the leave time 10/26/2021 02:00:00 PM is before the join time "
        "10/26/2021 03:00:00 PM."
    ]
    assert snapshot(session_) == before


def test_the_unique_users_report_is_refused(programme, manager):
    session_ = session(programme)
    with pytest.raises(ReportError) as refused:
        imported(
            session_,
            report(["José", "jose.pena@example.org", "120", "No"], header=UNIQUE_USERS_HEADER),
            manager,
        )
    assert "unique users" in refused.value.message
    assert not MeetingReport.objects.exists()


def test_an_unknown_time_zone_is_refused(programme, manager):
    with pytest.raises(ReportError) as refused:
        imported(
            session(programme),
            report(row("A", "", "02:00 PM", "03:00 PM")),
            manager,
            zone="Mars/Olympus",
        )
    assert "Mars/Olympus" in refused.value.message


def test_the_import_is_audited(programme, manager, jose):
    session_ = session(programme)
    outcome = imported(
        session_, report(row("José", "jose.pena@example.org", "02:00 PM", "04:00 PM")), manager
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.ATTENDANCE_IMPORTED)
    assert event.actor == manager
    assert event.subject_id == str(outcome.report.pk)
    assert event.details["rows"] == 1
    assert event.details["present"] == 1
    assert event.details["time_zone"] == MEXICO


# --- matching by hand --------------------------------------------------------------------


def test_unmatched_rows_matched_by_hand_count_and_are_remembered_for_the_next_report(
    programme, manager, jose
):
    session_ = session(programme)
    outcome = imported(
        session_,
        report(
            row("JP (iPad)", "", "02:00 PM", "03:00 PM"),
            row("JP (iPad)", "", "03:00 PM", "04:00 PM"),
        ),
        manager,
    )
    assert [(g.name, g.email, g.rows, g.minutes) for g in outcome.unmatched] == [
        ("JP (iPad)", "", 2, 120)
    ]
    assert record(session_, jose).status == ABSENT

    matched = services.match_rows(session_, "JP (iPad)", "", jose, actor=manager)
    assert (matched.imported_minutes, matched.status) == (120, PRESENT)
    assert services.unmatched_groups(session_) == []
    assert (
        NameMatch.objects.filter(programme=programme, meeting_name="JP (iPad)").get().user == jose
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.ATTENDANCE_MATCHED)
    assert event.details["meeting_name"] == "JP (iPad)"
    assert event.details["rows"] == 2

    # The next session's report shows the same name: matched without asking.
    session_2 = session(programme, 2)
    following = imported(
        session_2,
        report(row("jp (ipad)", "", "02:00 PM", "04:00 PM")).replace(b"10/26/2021", b"10/28/2021"),
        manager,
    )
    assert following.unmatched == []
    assert record(session_2, jose).status == PRESENT


def test_matching_rows_already_matched_says_so(programme, manager, jose):
    session_ = session(programme)
    imported(session_, report(row("JP", "", "02:00 PM", "04:00 PM")), manager)
    services.match_rows(session_, "JP", "", jose, actor=manager)
    with pytest.raises(services.AttendanceError) as refused:
        services.match_rows(session_, "JP", "", jose, actor=manager)
    assert "may be matched already" in refused.value.message


def test_rows_are_matched_only_to_people_of_the_programme(programme, manager, users):
    session_ = session(programme)
    imported(session_, report(row("Someone", "", "02:00 PM", "04:00 PM")), manager)
    with pytest.raises(services.AttendanceError):
        services.match_rows(session_, "Someone", "", users["outsider"], actor=manager)
    with pytest.raises(services.AttendanceError):  # a focal point takes no part in sessions
        services.match_rows(session_, "Someone", "", users["focal_point"], actor=manager)


def test_a_remembered_match_belongs_to_its_programme(programme, manager, jose):
    other = Programme.objects.create(
        slug="other",
        title_es="Otro",
        title_en="Other",
        description_es="-",
        description_en="-",
        general_objective_es="-",
        general_objective_en="-",
        time_zone=MEXICO,
        start_date=programme.start_date,
        end_date=programme.end_date,
    )
    NameMatch.objects.create(programme=other, meeting_name="JP", meeting_email="", user=jose)
    outcome = imported(session(programme), report(row("JP", "", "02:00 PM", "04:00 PM")), manager)
    assert [g.name for g in outcome.unmatched] == ["JP"]


# --- corrections by hand -----------------------------------------------------------------


def test_a_hand_correction_keeps_its_status_and_reason_across_imports(programme, manager, jose):
    session_ = session(programme)
    imported(
        session_, report(row("José", "jose.pena@example.org", "02:00 PM", "02:30 PM")), manager
    )

    marked = services.mark_attendance(
        session_, jose, EXCUSED, "Connection lost: sent the group work by e-mail.", actor=manager
    )
    assert (marked.status, marked.imported_status, marked.imported_minutes) == (
        EXCUSED,
        ABSENT,
        30,
    )
    assert marked.corrected_by == manager and marked.is_corrected

    # Another report of the session: the imported figure moves, the correction stays.
    imported(
        session_,
        report(row("José", "jose.pena@example.org", "02:30 PM", "04:00 PM")),
        manager,
        filename="second.csv",
    )
    again = record(session_, jose)
    assert (again.imported_minutes, again.imported_status) == (120, PRESENT)
    assert again.status == EXCUSED
    assert again.correction_reason == "Connection lost: sent the group work by e-mail."

    event = AuditEvent.objects.get(action=AuditEvent.Action.ATTENDANCE_CORRECTED)
    assert event.reason == "Connection lost: sent the group work by e-mail."
    assert event.details["status"] == EXCUSED
    assert event.details["previous_status"] == ABSENT
    assert event.details["imported_minutes"] == 30
    assert event.details["imported_status"] == ABSENT


def test_marking_by_hand_needs_a_reason(programme, manager, jose):
    session_ = session(programme)
    with pytest.raises(services.AttendanceError) as refused:
        services.mark_attendance(session_, jose, PRESENT, "   ", actor=manager)
    assert "reason" in refused.value.message
    assert not AttendanceRecord.objects.filter(session=session_, user=jose).exists()


def test_marking_before_any_report_keeps_an_empty_imported_figure(programme, manager, jose):
    session_ = session(programme)
    marked = services.mark_attendance(session_, jose, PRESENT, "Attended from the office.", manager)
    assert (marked.status, marked.imported_status, marked.imported_minutes) == (PRESENT, "", 0)
    # Nobody else gets a record before a report exists.
    assert AttendanceRecord.objects.filter(session=session_).count() == 1

    imported(session_, report(row("Visitante", "", "02:00 PM", "04:00 PM")), manager)
    after = record(session_, jose)
    assert (after.status, after.imported_status) == (PRESENT, ABSENT)


def test_marking_again_replaces_the_correction_and_both_are_audited(programme, manager, jose):
    session_ = session(programme)
    services.mark_attendance(session_, jose, EXCUSED, "Ill.", manager)
    services.mark_attendance(session_, jose, PRESENT, "Was there after all.", manager)
    assert record(session_, jose).status == PRESENT
    events = AuditEvent.objects.filter(action=AuditEvent.Action.ATTENDANCE_CORRECTED).order_by("id")
    assert [(e.reason, e.details["previous_status"]) for e in events] == [
        ("Ill.", ABSENT),
        ("Was there after all.", EXCUSED),
    ]


def test_only_the_programmes_people_are_marked(programme, manager, users):
    with pytest.raises(services.AttendanceError):
        services.mark_attendance(session(programme), users["outsider"], PRESENT, "x", manager)
