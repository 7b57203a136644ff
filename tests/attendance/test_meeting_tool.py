"""Attendance read from Zoom's Reports API, against a small Zoom server on loopback: every
page, tokens renewed, rate limits waited for, UUIDs encoded, the same import as the report
file, its errors in plain words, the command, the job and the button."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from capacita.attendance import background, meeting_tool, services
from capacita.attendance.models import AttendanceRecord, JoinInterval, MeetingReport
from capacita.audit.models import AuditEvent
from capacita.jobs.kinds import kind_of
from capacita.jobs.models import Job
from capacita.jobs.tasks import run_job
from capacita.shared.zoom_api import CLASSIC_SCOPE, SCOPE, ZoomClient, ZoomError, meeting_path
from tests.fakes.zoom import FakeZoom, participant, serve

from .reports import report, row, session

MEETING = "812 3456 7890"
UTC = dt.UTC
START = dt.datetime(2021, 10, 26, 19, 0, tzinfo=UTC)  # session 1: 19:00–21:00 UTC


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2021, 10, 26, hour, minute, tzinfo=UTC)


class Clock:
    """Seconds that pass only when a test says so."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def zoom(settings):
    fake = FakeZoom()
    url, stop = serve(fake)
    settings.ZOOM_ACCOUNT_ID = fake.account_id
    settings.ZOOM_CLIENT_ID = fake.client_id
    settings.ZOOM_CLIENT_SECRET = fake.client_secret
    settings.ZOOM_OAUTH_URL = url
    settings.ZOOM_API_URL = url + "/v2"
    fake.url = url
    yield fake
    stop()


@pytest.fixture
def linked(programme, zoom, jose, ines):
    """Session 1 names its meeting; Zoom's report has José on two devices and rejoining,
    Inés without an e-mail (found by name) and a guest nobody knows."""
    session_ = session(programme)
    session_.zoom_meeting = MEETING
    session_.save()
    zoom.meetings["81234567890"] = [
        participant("José Peña", "jose.pena@example.org", at(18, 45), at(19, 40)),
        participant("José (phone)", "JOSE.PENA@example.org", at(19, 20), at(19, 50)),
        participant("José Peña", "jose.pena@example.org", at(20, 10), at(21, 30)),
        participant("Inés María Ortiz", "", at(19, 0), at(19, 50)),
        participant("Invitado", "", at(19, 5), at(20, 55)),
    ]
    return session_


def site(zoom, **options) -> ZoomClient:
    return ZoomClient(
        zoom.account_id,
        zoom.client_id,
        zoom.client_secret,
        oauth_url=zoom.url,
        api_url=zoom.url + "/v2",
        **options,
    )


def reports_api_calls(zoom) -> list[str]:
    return [path for method, path in zoom.calls if method == "GET"]


def state(session_) -> dict:
    """Each person's record and the session's stored rows, without their row numbers."""
    return {
        "records": {
            record.user_id: (record.imported_minutes, record.imported_status, record.status)
            for record in AttendanceRecord.objects.filter(session=session_)
        },
        "rows": sorted(
            (group.name, group.email, group.row_count, group.spans, group.user_id)
            for group in JoinInterval.objects.filter(session=session_)
        ),
    }


# --- the protocol --------------------------------------------------------------------------


def test_meeting_ids_and_uuids_are_encoded_as_zoom_requires():
    assert meeting_path(" 812 3456 7890 ") == "81234567890"
    assert meeting_path("iOTQZPmhTUq5a232ETb9eg==") == "iOTQZPmhTUq5a232ETb9eg%3D%3D"
    assert meeting_path("/ajXp112QmuoKj4854875==") == "%252FajXp112QmuoKj4854875%253D%253D"
    assert meeting_path("ajXp1//2QmuoKj4854875==") == "ajXp1%252F%252F2QmuoKj4854875%253D%253D"


def test_a_uuid_with_slashes_reaches_its_occurrence(linked, zoom, manager):
    uuid = "/ajXp1//2QmuoKj4854875=="
    zoom.meetings[uuid] = zoom.meetings.pop("81234567890")
    linked.zoom_meeting = uuid
    linked.save()
    outcome = meeting_tool.import_attendance(linked, manager)
    assert outcome.saved and outcome.row_count == 5
    assert MeetingReport.objects.get(session=linked).meeting_id == uuid
    assert reports_api_calls(zoom)[0].startswith(
        "/v2/report/meetings/%252FajXp1%252F%252F2QmuoKj4854875%253D%253D/participants?"
    )


def test_every_page_is_read(zoom):
    zoom.meetings["81234567890"] = [
        participant(f"Person {number}", f"p{number}@example.org", at(19), at(20))
        for number in range(650)
    ]
    progress = []
    rows = site(zoom).meeting_participants(MEETING, lambda done, total: progress.append(done))
    assert [row["user_email"] for row in rows] == [f"p{n}@example.org" for n in range(650)]
    calls = reports_api_calls(zoom)
    assert len(calls) == 3 and all("page_size=300" in call for call in calls)
    assert "next_page_token" not in calls[0] and all("next_page_token=" in c for c in calls[1:])
    assert progress == [300, 600, 650]


def test_a_token_is_kept_renewed_when_it_expires_and_once_when_refused(zoom):
    clock = Clock()
    zoom.clock = clock
    zoom.meetings["81234567890"] = [participant("A", "a@example.org", at(19), at(20))]
    client = site(zoom, clock=clock)
    client.meeting_participants(MEETING)
    client.meeting_participants(MEETING)
    assert zoom.issued == 1
    clock.now += zoom.token_lifetime  # expired: a new one before calling
    client.meeting_participants(MEETING)
    assert zoom.issued == 2
    assert [method for method, _path in zoom.calls] == ["POST", "GET", "GET", "POST", "GET"]
    zoom.revoke()  # refused before its time: one new token, the call again
    assert len(client.meeting_participants(MEETING)) == 1
    assert zoom.issued == 3
    assert [method for method, _path in zoom.calls][-3:] == ["GET", "POST", "GET"]


def test_a_rate_limit_is_waited_for_as_its_headers_say(zoom):
    zoom.meetings["81234567890"] = [participant("A", "a@example.org", at(19), at(20))]
    waits = []
    zoom.limited, zoom.retry_after = 2, 7
    assert len(site(zoom, sleep=waits.append).meeting_participants(MEETING)) == 1
    assert waits == [7.0, 7.0]
    waits.clear()
    zoom.limited, zoom.retry_after = 1, None  # X-RateLimit-Reset: a second from now
    site(zoom, sleep=waits.append).meeting_participants(MEETING)
    assert len(waits) == 1 and 0 <= waits[0] <= 2


def test_a_rate_limit_too_long_to_wait_for_is_said(zoom):
    zoom.meetings["81234567890"] = []
    waits = []
    zoom.limited, zoom.retry_after = 1, 3600
    with pytest.raises(ZoomError) as refused:
        site(zoom, sleep=waits.append).meeting_participants(MEETING)
    assert refused.value.code == "ratelimited" and "try again later" in refused.value.message
    assert waits == []


# --- the same import as the file -----------------------------------------------------------


def test_the_same_outcome_as_uploading_the_equivalent_report(linked, zoom, manager, jose, ines):
    equivalent = report(
        row("José Peña", "jose.pena@example.org", "06:45 PM", "07:40 PM"),
        row("José (phone)", "JOSE.PENA@example.org", "07:20 PM", "07:50 PM"),
        row("José Peña", "jose.pena@example.org", "08:10 PM", "09:30 PM"),
        row("Inés María Ortiz", "", "07:00 PM", "07:50 PM"),
        row("Invitado", "", "07:05 PM", "08:55 PM"),
    )
    by_file = services.import_meeting_report(linked, "participants.csv", equivalent, "UTC", manager)
    from_file = state(linked)
    verdicts_from_file = [(p.user_id, p.minutes, p.status) for p in by_file.people]
    services.remove_meeting_report(by_file.report, "read again from Zoom", manager)
    assert not AttendanceRecord.objects.filter(session=linked).exists()

    outcome = meeting_tool.import_attendance(linked, manager)
    assert state(linked) == from_file
    assert [(p.user_id, p.minutes, p.status) for p in outcome.people] == verdicts_from_file
    assert (outcome.row_count, outcome.matched_rows, outcome.unmatched_rows) == (5, 4, 1)
    records = {r.user: r for r in AttendanceRecord.objects.filter(session=linked)}
    # 19:00–19:50 and 20:10–21:00: 100 of 120 minutes; Inés 50 minutes, found by name.
    assert (records[jose].imported_minutes, records[jose].status) == (100, "present")
    assert (records[ines].imported_minutes, records[ines].status) == (50, "absent")
    report_ = MeetingReport.objects.get(session=linked)
    assert (report_.filename, report_.time_zone, report_.meeting_id) == (
        meeting_tool.SOURCE_NAME,
        "UTC",
        "81234567890",
    )
    assert report_.uploaded_by == manager
    event = AuditEvent.objects.filter(
        action=AuditEvent.Action.ATTENDANCE_IMPORTED, subject_id=str(report_.pk)
    ).get()
    assert event.actor == manager
    assert event.details["meeting"] == "81234567890" and event.details["present"] >= 1


def test_a_repeat_with_nothing_new_writes_nothing(linked, zoom, manager):
    meeting_tool.import_attendance(linked, manager)
    before = (state(linked), AuditEvent.objects.count(), MeetingReport.objects.count())
    stamps = sorted(AttendanceRecord.objects.values_list("updated_at", flat=True))
    zoom.meetings["81234567890"].reverse()  # the same rows, in another order
    again = meeting_tool.import_attendance(linked, manager)
    assert again.already_imported and not again.saved
    assert (state(linked), AuditEvent.objects.count(), MeetingReport.objects.count()) == before
    assert sorted(AttendanceRecord.objects.values_list("updated_at", flat=True)) == stamps
    # A row more (someone's second connection): Zoom's whole report, grown, replaces the
    # last one read; each row is kept once.
    first = MeetingReport.objects.get(session=linked)
    rows = JoinInterval.objects.filter(session=linked).count()
    zoom.meetings["81234567890"].append(participant("Inés María Ortiz", "", at(19, 50), at(20, 40)))
    grown = meeting_tool.import_attendance(linked, manager, dry_run=True)
    assert grown.row_count == 6 and MeetingReport.objects.get(session=linked) == first
    third = meeting_tool.import_attendance(linked, manager)
    [report] = MeetingReport.objects.filter(session=linked)
    assert third.saved and report != first and report.row_count == 6
    # Each name's rows once, from the new report only (not the old report's and the new's).
    intervals = JoinInterval.objects.filter(session=linked)
    assert intervals.count() == rows and {i.report_id for i in intervals} == {report.pk}
    event = AuditEvent.objects.filter(action=AuditEvent.Action.ATTENDANCE_IMPORTED).latest("pk")
    assert event.details["replaced_reports"] == [first.pk]
    ines_record = AttendanceRecord.objects.get(session=linked, user__email="ines.ortiz@example.org")
    assert ines_record.imported_minutes == 100  # 19:00–19:50 and 19:50–20:40, counted once


def test_a_dry_run_saves_nothing(linked, zoom, manager):
    outcome = meeting_tool.import_attendance(linked, manager, dry_run=True)
    assert outcome.dry_run and outcome.count("present") == 1 and len(outcome.unmatched) == 1
    assert not MeetingReport.objects.exists() and not AttendanceRecord.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ATTENDANCE_IMPORTED).exists()


def test_the_waiting_room_does_not_count(linked, zoom, manager, jose):
    zoom.meetings["81234567890"] = [
        participant(
            "José Peña", "jose.pena@example.org", at(18, 30), at(19, 45), "in_waiting_room"
        ),
        participant("José Peña", "jose.pena@example.org", at(19, 45), at(20, 0)),
    ]
    outcome = meeting_tool.import_attendance(linked, manager)
    assert (outcome.row_count, outcome.waiting_room_rows) == (1, 1)
    assert AttendanceRecord.objects.get(session=linked, user=jose).imported_minutes == 15


def test_a_report_of_another_occurrence_is_refused(linked, zoom, manager):
    later = dt.timedelta(days=7)  # a recurring meeting held again a week later
    zoom.meetings["81234567890"] = [
        participant("José Peña", "jose.pena@example.org", at(19) + later, at(20) + later)
    ]
    with pytest.raises(ZoomError) as refused:
        meeting_tool.import_attendance(linked, manager)
    assert refused.value.code == "othermeeting" and "UUID" in refused.value.message
    assert not MeetingReport.objects.exists()


# --- errors, in plain words ----------------------------------------------------------------


def _session_just_ended(linked):
    now = timezone.now().replace(microsecond=0)
    linked.starts_at, linked.ends_at = now - dt.timedelta(hours=2), now - dt.timedelta(minutes=5)
    linked.save()


ERRORS = [
    pytest.param(
        lambda zoom, linked, settings: setattr(settings, "ZOOM_CLIENT_SECRET", "wrong"),
        "invalid_client",
        ("Zoom refused the app's credentials", "ZOOM_CLIENT_SECRET"),
        ("Zoom rechazó las credenciales", "ZOOM_CLIENT_SECRET"),
        id="credentials",
    ),
    pytest.param(
        lambda zoom, linked, settings: setattr(settings, "ZOOM_ACCOUNT_ID", "another"),
        "invalid_request",
        ("Zoom refused the account", "ZOOM_ACCOUNT_ID"),
        ("Zoom rechazó la cuenta", "ZOOM_ACCOUNT_ID"),
        id="account",
    ),
    pytest.param(
        lambda zoom, linked, settings: zoom.scopes.clear(),
        "4711",
        ("may not read meeting reports", SCOPE, CLASSIC_SCOPE),
        ("no puede leer los informes", SCOPE, CLASSIC_SCOPE),
        id="scope",
    ),
    pytest.param(
        lambda zoom, linked, settings: setattr(linked, "zoom_meeting", "999 9999 9999"),
        "3001",
        ("Zoom has no meeting 999 9999 9999", "session's Zoom meeting"),
        ("Zoom no tiene la reunión 999 9999 9999", "reunión de Zoom de la sesión"),
        id="not-found",
    ),
    pytest.param(
        lambda zoom, linked, settings: zoom.errors.update(
            {"81234567890": (400, 12702, "The meeting report is not ready yet.")}
        ),
        "notready",
        ("not ready yet", "try again in a few minutes"),
        ("todavía no está listo", "en unos minutos"),
        id="not-ready",
    ),
    pytest.param(
        lambda zoom, linked, settings: (
            _session_just_ended(linked),
            zoom.meetings.clear(),
        ),
        "notready",
        ("not ready yet", "Zoom prepares it after the meeting ends"),
        ("todavía no está listo", "Zoom lo prepara"),
        id="just-ended",
    ),
    pytest.param(
        lambda zoom, linked, settings: setattr(settings, "ZOOM_OAUTH_URL", "http://127.0.0.1:9"),
        "unreachable",
        ("could not be reached", "ZOOM_OAUTH_URL"),
        ("No se pudo llegar a Zoom", "ZOOM_OAUTH_URL"),
        id="unreachable",
    ),
    pytest.param(
        lambda zoom, linked, settings: setattr(zoom, "html", True),
        "notjson",
        ("not JSON", "ZOOM_API_URL"),
        ("no era JSON", "ZOOM_API_URL"),
        id="not-json",
    ),
]


@pytest.mark.parametrize(("change", "code", "english", "spanish"), ERRORS)
def test_each_refusal_is_said_plainly_in_both_languages_and_nothing_is_saved(
    linked, zoom, manager, settings, change, code, english, spanish
):
    change(zoom, linked, settings)
    for language, expected in (("en", english), ("es", spanish)):
        with translation.override(language), pytest.raises(ZoomError) as refused:
            meeting_tool.import_attendance(linked, manager)
        assert refused.value.code == code
        for words in expected:
            assert words in refused.value.message
    assert not MeetingReport.objects.exists() and not AttendanceRecord.objects.exists()


def test_without_settings_or_meeting_it_says_what_to_set(linked, settings, manager):
    settings.ZOOM_CLIENT_ID = ""
    assert not meeting_tool.available(linked)
    with pytest.raises(ZoomError, match="ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET"):
        meeting_tool.import_attendance(linked, manager)
    linked.zoom_meeting = ""
    with pytest.raises(ZoomError, match="names no Zoom meeting"):
        meeting_tool.import_attendance(linked, manager)


# --- the command, the job, the button ------------------------------------------------------


def test_the_command(linked, zoom, programme, capsys):
    call_command("zoom_attendance", programme.slug, "1", "--dry-run")
    out = capsys.readouterr().out
    assert (
        "Session 1: 5 rows read from Zoom, 0 more in the waiting room" in out
        and "(dry run, nothing saved)" in out
    )
    assert "matched to nobody: Invitado" in out
    assert not MeetingReport.objects.exists()
    call_command("zoom_attendance", programme.slug, "1")
    assert "(saved)" in capsys.readouterr().out
    assert MeetingReport.objects.filter(session=linked).count() == 1
    call_command("zoom_attendance", programme.slug, "1")
    assert "(nothing new)" in capsys.readouterr().out
    zoom.scopes.clear()
    zoom.meetings["81234567890"].pop()
    with pytest.raises(CommandError, match=SCOPE):
        call_command("zoom_attendance", programme.slug, "1")
    with pytest.raises(CommandError, match="has no session 99"):
        call_command("zoom_attendance", programme.slug, "99")


def _started(client, programme, number=1):
    return client.post(
        f"/en/programmes/{programme.slug}/jobs/{background.ZOOM}/", {"session": str(number)}
    )


def test_the_job_through_the_worker(
    linked, zoom, programme, client_as, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _started(client_as("manager"), programme)
    job = Job.objects.get(kind=background.ZOOM)
    assert response.status_code == 302 and response.url.endswith(f"/jobs/{job.pk}/")
    assert job.params == {"session": "1"}
    [task] = DBTaskResult.objects.filter(task_path="capacita.jobs.tasks.run_job")
    assert run_job.call(*task.args_kwargs["args"]) == "done"
    job.refresh_from_db()
    assert job.outcome["rows"] == 5 and job.outcome["present"] == 1
    words = kind_of(background.ZOOM).describe(job.outcome)
    assert words.startswith("Session 1: 5 rows read from Zoom; 1 present")
    page = client_as("manager").get(f"/en/programmes/{programme.slug}/jobs/{job.pk}/")
    assert words in page.content.decode()
    assert MeetingReport.objects.get(session=linked).uploaded_by.email == job.requested_by.email
    # Zoom's refusal fails the job, and its page says what to fix.
    zoom.scopes.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _started(client_as("manager"), programme)
    again = Job.objects.exclude(pk=job.pk).get(kind=background.ZOOM)
    assert run_job.call(again.pk) == "failed"
    again.refresh_from_db()
    assert again.state == Job.State.FAILED and SCOPE in again.outcome["refusal"]
    page = client_as("manager").get(f"/en/programmes/{programme.slug}/jobs/{again.pk}/")
    assert SCOPE in page.content.decode()


SESSION_PAGE = "/en/programmes/crm-2021/sessions/1/attendance/"


def test_the_button_shows_only_when_zoom_is_configured_and_the_meeting_named(
    programme, client_as, settings, zoom
):
    session_ = session(programme)
    manager_client = client_as("manager")
    assert 'id="zoom-import"' not in manager_client.get(SESSION_PAGE).content.decode()
    session_.zoom_meeting = MEETING
    session_.save()
    page = manager_client.get(SESSION_PAGE).content.decode()
    assert 'id="zoom-import"' in page and f"/jobs/{background.ZOOM}/" in page
    settings.ZOOM_CLIENT_SECRET = ""
    assert 'id="zoom-import"' not in manager_client.get(SESSION_PAGE).content.decode()


@pytest.mark.parametrize("role", ["focal_point", "participant", "observer", "outsider"])
def test_only_managers_may_start_it(linked, programme, client_as, role):
    assert _started(client_as(role), programme).status_code == 403
    assert not Job.objects.exists()


def test_not_for_a_session_without_its_meeting(linked, programme, client_as):
    assert _started(client_as("manager"), programme, number=2).status_code == 403
    assert _started(client_as("manager"), programme, number=99).status_code == 403
    assert not Job.objects.exists()
