"""Reminders by e-mail: the day before a session (calendar attached, time in each person's
zone, in their language) and a week before a course deadline; opt-out; never twice."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, transaction
from icalendar import Calendar

from capacita.emails.models import OutgoingEmail
from capacita.programmes.models import Membership, Role
from capacita.progress.models import ReminderSent
from capacita.progress.reminders import send_due_reminders

from .conftest import complete, participant_ids, person

UTC = dt.UTC
DAY_BEFORE_SESSION_1 = dt.datetime(2021, 10, 25, 20, 0, tzinfo=UTC)
WEEK_BEFORE_DEADLINE = dt.datetime(2021, 10, 30, 12, 0, tzinfo=UTC)
REGISTERED = (Role.PARTICIPANT, Role.OBSERVER, Role.FACILITATOR, Role.MANAGER)


def session_reminders() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind="reminder.session").order_by("pk"))


def deadline_reminders() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind="reminder.deadline").order_by("pk"))


def registered_emails(programme) -> set[str]:
    return set(
        Membership.objects.filter(programme=programme, role__in=REGISTERED).values_list(
            "user__email", flat=True
        )
    )


def reminder_to(email: str) -> OutgoingEmail:
    [reminder] = [item for item in session_reminders() if item.to == email]
    return reminder


@pytest.fixture
def opted_out(programme):
    user = person("nominee.mx.01@example.org")
    user.wants_reminders = False
    user.save()
    return user


def test_the_day_before_a_session_each_registered_person_who_wants_reminders_gets_one(
    programme, users, opted_out
):
    count = send_due_reminders(DAY_BEFORE_SESSION_1)

    recipients = [email.to for email in session_reminders()]
    expected = registered_emails(programme) - {opted_out.email}
    assert sorted(recipients) == sorted(expected)
    assert count.sessions == len(expected) == 17
    assert count.deadlines == 0
    for email in ("manager@example.org", "observer@example.org", "facilitator@example.org"):
        assert email in recipients
    for nobody in ("focal.mx@example.org", "focal.gt@example.org", users["outsider"].email):
        assert nobody not in recipients
    assert opted_out.email not in recipients
    assert all(email.status == OutgoingEmail.Status.QUEUED for email in session_reminders())
    assert {email.user.email for email in session_reminders()} == set(recipients)


def test_a_reminder_is_for_the_session_about_to_start_only(programme):
    send_due_reminders(DAY_BEFORE_SESSION_1)

    reminder = reminder_to("participant.do@example.org")
    assert reminder.subject.startswith("Tomorrow: virtual session 1 of ")
    assert set(
        ReminderSent.objects.filter(kind=ReminderSent.Kind.SESSION).values_list(
            "session__number", flat=True
        )
    ) == {1}


def test_an_english_participant_gets_it_in_english_with_the_time_in_their_zone(programme, settings):
    send_due_reminders(DAY_BEFORE_SESSION_1)

    reminder = reminder_to("participant.do@example.org")
    assert reminder.language == "en"
    assert reminder.subject == (
        "Tomorrow: virtual session 1 of Training programme for the awareness-raising and "
        "professionalisation of employment counsellors"
    )
    body = " ".join(reminder.body_text.split())
    assert "Dear Demo," in body
    assert (
        "Virtual session 1, “Labour migration and employment counselling services”, takes "
        "place on Tuesday 26 October 2021 from 15:00 to 17:00 (Santo Domingo Time)."
    ) in body
    assert "That is 14:00 in the programme's time zone (Mexico City Time)." in body
    assert f"{settings.SITE_URL.rstrip('/')}/en/programmes/crm-2021/me/" in body
    assert "Le saludamos" not in body


def test_a_spanish_participant_gets_it_in_spanish_with_the_time_in_their_zone(programme):
    send_due_reminders(DAY_BEFORE_SESSION_1)

    reminder = reminder_to("participant.mx@example.org")
    assert reminder.language == "es"
    assert "Programa de capacitación para la sensibilización" in reminder.subject
    body = " ".join(reminder.body_text.split())
    assert body.startswith("Le saludamos, Demo:")
    assert "“Migración laboral y consejerías de empleo”" in body
    assert "martes 26 de octubre de 2021" in body
    assert "14:00" in body and "16:00" in body
    assert "(hora de Ciudad de México)" in body
    assert "America/" not in body
    assert "15:00" not in body
    assert "/es/programmes/crm-2021/me/" in body


def test_a_spanish_participants_reminders_have_no_english_sentences(programme):
    send_due_reminders(DAY_BEFORE_SESSION_1)
    send_due_reminders(WEEK_BEFORE_DEADLINE)

    session = reminder_to("participant.mx@example.org")
    [deadline, *_others] = [
        email for email in deadline_reminders() if email.to == "participant.mx@example.org"
    ]
    assert not session.subject.startswith("Tomorrow")
    assert not deadline.subject.startswith("One week left")
    for english in (
        "takes place on",
        "in the programme's time zone",
        "The attached calendar file",
        "You receive this reminder",
    ):
        assert english not in session.body_text
    assert "is to be completed by" not in deadline.body_text


def test_the_calendar_is_attached_and_reads_as_icalendar(programme):
    send_due_reminders(DAY_BEFORE_SESSION_1)

    for reminder in session_reminders():
        assert reminder.attachment_name.endswith(".ics")
        assert reminder.attachment_type == "text/calendar"
        calendar = Calendar.from_ical(bytes(reminder.attachment))
        events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
        assert set(events) == {f"crm-2021-session-{n}@capacita" for n in (1, 2, 3)}
        start = events["crm-2021-session-1@capacita"].decoded("dtstart")
        assert start == dt.datetime(2021, 10, 26, 19, 0, tzinfo=UTC)


def test_the_calendar_speaks_the_persons_language(programme):
    send_due_reminders(DAY_BEFORE_SESSION_1)

    english = Calendar.from_ical(bytes(reminder_to("participant.do@example.org").attachment))
    spanish = Calendar.from_ical(bytes(reminder_to("participant.mx@example.org").attachment))
    assert str(english["x-wr-calname"]).startswith("Training programme")
    assert str(spanish["x-wr-calname"]).startswith("Programa de capacitación")


def test_running_again_queues_nothing_more(programme):
    first = send_due_reminders(DAY_BEFORE_SESSION_1)
    queued = len(session_reminders())

    again = send_due_reminders(DAY_BEFORE_SESSION_1)
    an_hour_later = send_due_reminders(DAY_BEFORE_SESSION_1 + dt.timedelta(hours=1))

    assert first.sessions == queued > 0
    assert (again.sessions, again.deadlines) == (0, 0)
    assert (an_hour_later.sessions, an_hour_later.deadlines) == (0, 0)
    assert len(session_reminders()) == queued


def test_someone_who_turns_reminders_on_later_gets_theirs_on_the_next_run(programme, opted_out):
    send_due_reminders(DAY_BEFORE_SESSION_1)
    opted_out.wants_reminders = True
    opted_out.save()

    count = send_due_reminders(DAY_BEFORE_SESSION_1 + dt.timedelta(hours=1))

    assert count.sessions == 1
    assert [email.to for email in session_reminders()].count(opted_out.email) == 1


def test_a_person_with_two_roles_gets_one_reminder(programme, users):
    Membership.objects.create(programme=programme, user=users["participant"], role=Role.OBSERVER)

    send_due_reminders(DAY_BEFORE_SESSION_1)

    assert [email.to for email in session_reminders()].count(users["participant"].email) == 1


def test_an_inactive_account_gets_no_reminder(programme, users):
    users["participant"].is_active = False
    users["participant"].save()

    send_due_reminders(DAY_BEFORE_SESSION_1)

    assert users["participant"].email not in [email.to for email in session_reminders()]


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2021, 10, 24, 20, 0, tzinfo=UTC),  # two days before
        dt.datetime(2021, 10, 26, 19, 30, tzinfo=UTC),  # session 1 has started
        dt.datetime(2021, 11, 20, 12, 0, tzinfo=UTC),  # everything is over
    ],
)
def test_nothing_is_due_at_other_times(programme, now):
    count = send_due_reminders(now)

    assert (count.sessions, count.deadlines) == (0, 0)
    assert session_reminders() == deadline_reminders() == []


def test_a_week_before_the_deadline_only_participants_without_a_completion_are_reminded(
    programme, users, participant_do
):
    mexico = users["participant"]
    complete(programme, mexico, "corporate-responsibility")
    # A row that says "not completed" does not count as completed.
    complete(programme, participant_do, "corporate-responsibility", completed=False)
    complete(programme, participant_do, "migration-trends", late=True)

    count = send_due_reminders(WEEK_BEFORE_DEADLINE)

    User = get_user_model()
    participants = set(
        User.objects.filter(pk__in=participant_ids(programme)).values_list("email", flat=True)
    )
    by_course = {}
    for course in programme.courses.all():
        by_course[course.code] = sorted(
            email.to for email in deadline_reminders() if course.url in email.body_text
        )
    assert by_course["corporate-responsibility"] == sorted(participants - {mexico.email})
    assert by_course["migration-trends"] == sorted(participants - {participant_do.email})
    assert by_course["vulnerable-migrants"] == sorted(participants)
    assert count.deadlines == len(deadline_reminders()) == 3 * 15 - 2
    assert count.sessions == 0
    for nobody in ("observer@example.org", "facilitator@example.org", "manager@example.org"):
        assert nobody not in {email.to for email in deadline_reminders()}

    again = send_due_reminders(WEEK_BEFORE_DEADLINE + dt.timedelta(days=1))
    assert again.deadlines == 0


def test_a_deadline_reminder_speaks_the_persons_language_and_respects_the_opt_out(
    programme, participant_do, opted_out
):
    send_due_reminders(WEEK_BEFORE_DEADLINE)

    assert opted_out.email not in {email.to for email in deadline_reminders()}
    course = programme.courses.get(code="migration-trends")
    [english] = [
        email
        for email in deadline_reminders()
        if email.to == participant_do.email and course.url in email.body_text
    ]
    assert english.language == "en"
    assert english.subject == (
        "One week left to complete “Course on Migration Trends in Latin America and the Caribbean”"
    )
    assert "(Santo Domingo Time)" in english.body_text
    assert english.attachment_name == ""


def test_a_deadline_reminder_keeps_the_programmes_deadline_beside_the_persons(
    programme, participant_do
):
    send_due_reminders(WEEK_BEFORE_DEADLINE)

    [english, *_others] = [
        email for email in deadline_reminders() if email.to == participant_do.email
    ]
    body = " ".join(english.body_text.split())
    assert "completed by Friday 5 November 2021 (Mexico City Time)" in body
    assert "until Saturday 6 November 2021, 01:59 (Santo Domingo Time)" in body


@pytest.mark.parametrize("kind", ["session", "deadline"])
def test_the_database_refuses_to_record_the_same_reminder_twice(programme, users, kind):
    target = (
        {"session": programme.sessions.get(number=1)}
        if kind == "session"
        else {"course": programme.courses.get(code="migration-trends")}
    )
    ReminderSent.objects.create(kind=kind, user=users["participant"], **target)

    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(kind=kind, user=users["participant"], **target)


def run_command() -> str:
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue().strip()


def test_the_command_queues_what_is_due_and_prints_the_counts(programme, opted_out):
    expected = len(registered_emails(programme) - {opted_out.email})

    with mock.patch("django.utils.timezone.now", return_value=DAY_BEFORE_SESSION_1):
        first = run_command()
        second = run_command()
    with mock.patch("django.utils.timezone.now", return_value=WEEK_BEFORE_DEADLINE):
        deadlines = run_command()

    assert first == f"{expected} session reminder(s) and 0 deadline reminder(s) queued."
    assert second == "0 session reminder(s) and 0 deadline reminder(s) queued."
    assert deadlines == f"0 session reminder(s) and {3 * 14} deadline reminder(s) queued."
    assert len(session_reminders()) == expected


def test_the_command_queues_nothing_when_nothing_is_due(programme):
    # Today: the 2021 programme is long over.
    assert run_command() == "0 session reminder(s) and 0 deadline reminder(s) queued."
    assert session_reminders() == deadline_reminders() == []


@pytest.mark.django_db(transaction=True)
def test_a_reminder_arrives_through_smtp_with_the_calendar_attached(
    demo, smtp_server, run_worker, settings
):
    settings.DEFAULT_FROM_EMAIL = "Capacita <noreply@capacita.test>"
    get_user_model().objects.exclude(email="participant.do@example.org").update(
        wants_reminders=False
    )

    count = send_due_reminders(DAY_BEFORE_SESSION_1)
    run_worker()

    assert count.sessions == 1
    [arrived] = smtp_server.to("participant.do@example.org")
    message = arrived.message
    assert message["Subject"].startswith("Tomorrow: virtual session 1 of Training programme")
    text = message.get_body(("plain",)).get_content()
    assert "from 15:00 to 17:00 (Santo Domingo Time)" in " ".join(text.split())
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename().endswith(".ics")
    payload = attachment.get_content()
    calendar = Calendar.from_ical(payload if isinstance(payload, bytes) else payload.encode())
    assert {str(event["uid"]) for event in calendar.walk("VEVENT")} == {
        f"crm-2021-session-{n}@capacita" for n in (1, 2, 3)
    }
    [email] = session_reminders()
    assert email.status == OutgoingEmail.Status.SENT
