"""E-mails left behind by a worker that died mid-send are picked up again, and sent once."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from capacita.emails.models import OutgoingEmail
from capacita.emails.services import queue_email

pytestmark = pytest.mark.django_db(transaction=True)


def stranded(to: str) -> OutgoingEmail:
    """An e-mail a worker claimed (attempt counted, lease set) and then died with."""
    email = queue_email(
        to=to, subject="Invitación", body_text="Hola", kind="invitation", language="es"
    )
    # The worker took its task and died: the task is gone, the e-mail still queued.
    DBTaskResult.objects.all().delete()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        attempts=1, next_attempt_at=timezone.now() - timedelta(minutes=1)
    )
    return email


def test_a_stranded_email_is_sent_after_requeueing(smtp_server, run_worker):
    email = stranded("ana.pena@example.org")
    run_worker()  # no task is left for it: the worker alone never sends it
    assert smtp_server.to("ana.pena@example.org") == []

    out = io.StringIO()
    call_command("requeue_emails", stdout=out)
    run_worker()

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert len(smtp_server.to("ana.pena@example.org")) == 1
    assert "enqueued again" in out.getvalue()


def test_requeueing_a_sent_email_sends_nothing(smtp_server, run_worker):
    email = queue_email(
        to="bruno@example.org",
        subject="Invitación",
        body_text="Hola",
        kind="invitation",
        language="es",
    )
    run_worker()
    call_command("requeue_emails", stdout=io.StringIO())
    run_worker()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert len(smtp_server.to("bruno@example.org")) == 1
