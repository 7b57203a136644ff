"""The delivery task, run by the worker (`capacita db_worker`)."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from .links import with_link
from .models import OutgoingEmail

logger = logging.getLogger(__name__)

FIRST_RETRY_DELAY = timedelta(minutes=1)
MAX_RETRY_DELAY = timedelta(hours=1)
# Seconds an SMTP operation may take when EMAIL_TIMEOUT is not set: a dead server must not
# hold the worker for ever.
DEFAULT_SMTP_TIMEOUT = 60
# While one run sends an e-mail, another run of its task keeps off it for this long.
SENDING_LEASE = timedelta(minutes=10)
MAX_ERROR_LENGTH = 2000


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt number `attempt`: 1 min, 2, 4, ... at most 1 hour."""
    return min(FIRST_RETRY_DELAY * 2 ** min(max(attempt - 1, 0), 16), MAX_RETRY_DELAY)


@task()
def deliver_email(email_id: int) -> str:
    """Send the recorded e-mail `email_id` once, and record how it went.

    Returns what happened ("sent", "retrying", "failed" or "skipped") and never raises on a
    delivery error: the error is recorded on the e-mail and a retry is enqueued instead.
    "skipped" means there was nothing to do: the e-mail is gone, already sent or failed,
    being sent by another run, or not yet due for its next attempt.
    """
    now = timezone.now()
    # Claim the e-mail in one UPDATE, so two runs of its task cannot both send it.
    claimed = (
        OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(attempts=F("attempts") + 1, next_attempt_at=now + SENDING_LEASE)
    )
    if not claimed:
        logger.info("E-mail %s: nothing to do", email_id)
        return "skipped"
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        _send(email)
    except Exception as exc:
        return _record_failure(email, exc)
    email.status = OutgoingEmail.Status.SENT
    email.sent_at = timezone.now()
    email.next_attempt_at = None
    email.save(update_fields=["status", "sent_at", "next_attempt_at"])
    logger.info("E-mail %s sent (attempt %s)", email.pk, email.attempts)
    return "sent"


def _send(email: OutgoingEmail) -> None:
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT or DEFAULT_SMTP_TIMEOUT)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=_body(email, email.body_text),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Content-Language": email.language},
        connection=connection,
    )
    if email.body_html:
        message.attach_alternative(_body(email, email.body_html), "text/html")
    if email.attachment_name:
        message.attach(email.attachment_name, bytes(email.attachment), email.attachment_type)
    if not message.send():
        raise RuntimeError("the e-mail backend sent nothing")


def _body(email: OutgoingEmail, text: str) -> str:
    """The body as it leaves: with its one-time link, made now and kept nowhere."""
    if email.link_kind and email.user is None:
        # The account is gone (removed): there is nobody left to make the link for.
        raise RuntimeError("the account this e-mail's link was for no longer exists")
    return with_link(text, email.link_kind, email.user)


def _record_failure(email: OutgoingEmail, exc: Exception) -> str:
    email.last_error = describe_error(exc)
    max_attempts = getattr(settings, "EMAIL_MAX_ATTEMPTS", 5)
    if email.attempts < max_attempts and deliver_email.get_backend().supports_defer:
        email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
        with transaction.atomic():
            email.save(update_fields=["last_error", "next_attempt_at"])
            deliver_email.using(run_after=email.next_attempt_at).enqueue(email.pk)
        logger.warning(
            "E-mail %s: attempt %s failed (%s); next attempt at %s",
            email.pk,
            email.attempts,
            email.last_error,
            email.next_attempt_at.isoformat(),
        )
        return "retrying"
    # The last attempt, or a task backend that cannot run a task later: give up.
    email.status = OutgoingEmail.Status.FAILED
    email.next_attempt_at = None
    email.save(update_fields=["status", "last_error", "next_attempt_at"])
    logger.error(
        "E-mail %s failed after %s attempts: %s", email.pk, email.attempts, email.last_error
    )
    return "failed"


def describe_error(exc: BaseException) -> str:
    """The exception's class and message, with the SMTP server's reply decoded; no traceback."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(
            f"{address}: {code} {_text(reply)}" for address, (code, reply) in exc.recipients.items()
        )
    elif isinstance(exc, smtplib.SMTPResponseException):
        detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
    else:
        detail = str(exc)
    text = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return text[:MAX_ERROR_LENGTH]


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
