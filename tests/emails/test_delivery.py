"""E-mail is recorded, queued for the worker, and delivered through a real SMTP server."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from capacita.emails.models import OutgoingEmail
from capacita.emails.services import queue_email
from capacita.emails.tasks import deliver_email, describe_error, retry_delay
from tests.factories import MembershipFactory

from .smtp import free_port

TASK_PATH = "capacita.emails.tasks.deliver_email"


def tasks_for(email: OutgoingEmail):
    """The delivery tasks enqueued for `email`."""
    rows = DBTaskResult.objects.filter(task_path=TASK_PATH)
    return [row for row in rows if row.args_kwargs["args"] == [email.pk]]


def queue_invitation(to="ana.pena@example.org", **kwargs):
    return queue_email(
        to=to,
        subject="Invitación al programa",
        body_text="Estimada Ana Peña:\n\nLe damos la bienvenida al año de capacitación.",
        body_html="<p>Estimada Ana Peña:</p>",
        kind="invitation",
        language="es",
        **kwargs,
    )


# The worker reads committed rows, so these tests commit; the database is emptied after
# each of them, and the tests below it do not rely on what an earlier test left.
worker_test = pytest.mark.django_db(transaction=True)


@worker_test
def test_the_worker_delivers_through_a_real_smtp_server(smtp_server, run_worker, settings):
    settings.DEFAULT_FROM_EMAIL = "Capacita <noreply@capacita.test>"
    queued = queue_invitation()
    assert queued.status == OutgoingEmail.Status.QUEUED
    assert smtp_server.to("ana.pena@example.org") == []

    run_worker()

    [arrived] = smtp_server.to("ana.pena@example.org")
    assert arrived.rcpt_tos == ["ana.pena@example.org"]
    assert arrived.mail_from == "noreply@capacita.test"
    message = arrived.message
    assert message["Subject"] == "Invitación al programa"
    assert message["To"] == "ana.pena@example.org"
    assert message["Content-Language"] == "es"
    text = message.get_body(("plain",)).get_content()
    assert "Estimada Ana Peña:" in text
    assert "año de capacitación" in text
    assert "<p>Estimada Ana Peña:</p>" in message.get_body(("html",)).get_content()

    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.SENT
    assert queued.sent_at is not None
    assert queued.attempts == 1
    assert queued.last_error == ""
    assert [row.status for row in tasks_for(queued)] == ["SUCCESSFUL"]
    assert tasks_for(queued)[0].return_value == "sent"


@worker_test
def test_nothing_is_sent_when_the_transaction_rolls_back(smtp_server, run_worker):
    class Abort(Exception):
        pass

    tasks_before = DBTaskResult.objects.filter(task_path=TASK_PATH).count()
    with pytest.raises(Abort), transaction.atomic():
        queue_invitation(to="rolled.back@example.org")
        raise Abort

    run_worker()

    assert not OutgoingEmail.objects.filter(to="rolled.back@example.org").exists()
    assert smtp_server.to("rolled.back@example.org") == []
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == tasks_before


@worker_test
def test_a_refused_email_is_retried_later_then_marked_failed(
    refusing_smtp_server, run_worker, settings
):
    settings.EMAIL_MAX_ATTEMPTS = 2
    queued = queue_invitation(to="nobody@example.org")

    before = timezone.now()
    run_worker()

    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.QUEUED
    assert queued.attempts == 1
    assert "SMTPRecipientsRefused" in queued.last_error
    assert "550 5.1.1 Mailbox unavailable" in queued.last_error
    assert "Traceback" not in queued.last_error
    assert queued.sent_at is None
    first, retry = sorted(tasks_for(queued), key=lambda row: row.enqueued_at)
    # The worker's own result is clean: the task recorded the failure instead of raising.
    assert first.status == "SUCCESSFUL"
    assert first.return_value == "retrying"
    assert retry.status == "READY"
    assert retry.run_after >= before + timedelta(minutes=1)
    assert retry.run_after == queued.next_attempt_at

    # The worker leaves the retry alone until it is due...
    run_worker()
    queued.refresh_from_db()
    assert queued.attempts == 1
    # ...and a stray early run of the task does nothing either.
    assert deliver_email.call(queued.pk) == "skipped"

    # A minute later, the second and last attempt fails too.
    due = timezone.now() - timedelta(seconds=1)
    OutgoingEmail.objects.filter(pk=queued.pk).update(next_attempt_at=due)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=due)
    run_worker()

    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.FAILED
    assert queued.attempts == 2
    assert "550 5.1.1 Mailbox unavailable" in queued.last_error
    assert queued.next_attempt_at is None
    assert sorted(row.return_value for row in tasks_for(queued)) == ["failed", "retrying"]
    assert refusing_smtp_server.to("nobody@example.org") == []

    # A failed e-mail is not tried again by a stray run.
    assert deliver_email.call(queued.pk) == "skipped"


@worker_test
def test_an_unreachable_server_is_recorded_and_retried(settings, run_worker):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    queued = queue_invitation(to="later@example.org")

    run_worker()

    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.QUEUED
    assert queued.attempts == 1
    assert queued.last_error.startswith("ConnectionRefusedError: ")
    assert sorted(row.status for row in tasks_for(queued)) == ["READY", "SUCCESSFUL"]


@worker_test
def test_a_sent_email_is_not_sent_again_when_its_task_runs_again(smtp_server, run_worker):
    queued = queue_invitation(to="once@example.org")
    run_worker()
    assert len(smtp_server.to("once@example.org")) == 1

    # The same task enqueued (or run) once more.
    deliver_email.enqueue(queued.pk)
    run_worker()
    assert deliver_email.call(queued.pk) == "skipped"

    assert len(smtp_server.to("once@example.org")) == 1
    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.SENT
    assert queued.attempts == 1


@pytest.mark.django_db
def test_queueing_makes_no_smtp_connection(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

    def no_smtp(*args, **kwargs):
        raise AssertionError("queue_email connected to the SMTP server")

    monkeypatch.setattr(smtplib, "SMTP", no_smtp)
    monkeypatch.setattr(smtplib, "SMTP_SSL", no_smtp)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = queue_invitation(to="quick@example.org")
        # Nothing is enqueued before the caller's transaction commits.
        assert tasks_for(queued) == []

    assert len(callbacks) == 1
    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.QUEUED
    assert queued.attempts == 0
    [row] = tasks_for(queued)
    assert row.status == "READY"
    assert row.queue_name == "default"


@pytest.mark.django_db
def test_the_console_backend_prints_the_email(settings, capsys):
    """`make run` has no EMAIL_HOST: e-mails go to the worker's console."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    queued = queue_invitation(to="console@example.org")

    assert deliver_email.call(queued.pk) == "sent"

    printed = capsys.readouterr().out
    assert "To: console@example.org" in printed
    assert "Estimada Ana Peña" in printed


@pytest.mark.django_db
def test_with_the_immediate_backend_the_email_goes_at_commit(
    settings, django_capture_on_commit_callbacks
):
    """Other apps' tests can deliver at once, to `mail.outbox`, with the immediate backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        queued = queue_invitation(to="outbox@example.org")

    [sent] = mail.outbox
    assert sent.to == ["outbox@example.org"]
    assert sent.subject == "Invitación al programa"
    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.SENT


@pytest.mark.django_db
def test_without_deferred_tasks_a_failure_is_final(settings, django_capture_on_commit_callbacks):
    """A task backend that cannot run a task later cannot retry: the e-mail is failed."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    with django_capture_on_commit_callbacks(execute=True):
        queued = queue_invitation(to="gone@example.org")

    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.FAILED
    assert queued.attempts == 1
    assert "ConnectionRefusedError" in queued.last_error


@pytest.mark.django_db
def test_queue_email_records_its_context():
    membership = MembershipFactory(participant=True)
    programme, participant = membership.programme, membership.user
    queued = queue_email(
        to=participant.email,
        subject="Recordatorio:\n sesión 2",
        body_text="Hola",
        kind="reminder",
        language="en",
        programme=programme,
        user=participant,
    )
    queued.refresh_from_db()
    assert queued.programme == programme
    assert queued.user == participant
    assert queued.kind == "reminder"
    assert queued.language == "en"
    assert queued.subject == "Recordatorio: sesión 2"
    assert queued.body_html == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"), [("to", "not an address"), ("language", "fr"), ("kind", "")]
)
def test_queue_email_refuses_bad_input(field, value, django_capture_on_commit_callbacks):
    arguments = {
        "to": "ana@example.org",
        "subject": "Entrada rechazada",
        "body_text": "Hola",
        "kind": "invitation",
        "language": "es",
        field: value,
    }
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks() as callbacks:
        queue_email(**arguments)
    assert callbacks == []
    assert not OutgoingEmail.objects.filter(subject="Entrada rechazada").exists()


def test_the_retry_delay_doubles_up_to_an_hour():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
    ]
    assert retry_delay(7) == timedelta(hours=1)
    assert retry_delay(1000) == timedelta(hours=1)


def test_errors_are_described_by_class_and_reply():
    refused = smtplib.SMTPRecipientsRefused(
        {"a@example.org": (550, b"5.1.1 Buz\xc3\xb3n inexistente")}
    )
    assert describe_error(refused) == (
        "SMTPRecipientsRefused: a@example.org: 550 5.1.1 Buzón inexistente"
    )
    assert describe_error(smtplib.SMTPSenderRefused(553, b"bad sender", "x@y")) == (
        "SMTPSenderRefused: 553 bad sender"
    )
    assert describe_error(TimeoutError("timed out")) == "TimeoutError: timed out"
    assert describe_error(RuntimeError()) == "RuntimeError"
