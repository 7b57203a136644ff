"""Queueing e-mail. Views and commands call `queue_email`; the worker does the sending."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from . import links
from .models import OutgoingEmail
from .tasks import deliver_email


def queue_email(
    *,
    to: str,
    subject: str,
    body_text: str,
    kind: str,
    language: str,
    body_html: str = "",
    programme=None,
    user=None,
    attachment: tuple[str, bytes, str] | None = None,
    link_kind: str = "",
) -> OutgoingEmail:
    """Record an e-mail to `to` and have the background worker deliver it.

    What it promises:
    - It returns at once: no SMTP connection is made here, whatever the mail server does.
    - The e-mail is recorded as an `OutgoingEmail` (status "queued") in the caller's
      transaction, and its delivery task is enqueued only when that transaction commits:
      if the caller's transaction rolls back, there is no record and nothing is sent.
    - The worker (`capacita db_worker`) sends it through the configured EMAIL_BACKEND,
      from DEFAULT_FROM_EMAIL; a failed attempt is retried later with a growing delay, up
      to EMAIL_MAX_ATTEMPTS attempts, then the record is marked "failed" with the reason.
      Each attempt is recorded on the record (attempts, last_error, sent_at).
    - It is sent at most once, even if its task runs twice.

    `body_text` is the plain-text body, `body_html` an optional HTML alternative; both are
    already rendered in `language` ("es" or "en"). `kind` names what the e-mail is for
    ("invitation", "reminder", ...). `attachment` is (file name, content, MIME type), e.g.
    a calendar file. A bad address or language raises ValidationError.

    `link_kind` names a one-time link (see `links`): the bodies hold `links.MARK` where it
    goes, and the worker makes the link for `user` when it sends the e-mail, so that no
    stored copy holds a working one. A mark without a known kind and a user, or a kind
    without a mark, raises ValueError.
    """
    _check_link(link_kind, user, body_text + body_html)
    name, content, mimetype = attachment or ("", b"", "")
    email = OutgoingEmail(
        to=to,
        # A header holds one line: line breaks in a subject would make the send fail.
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        kind=kind,
        language=language,
        programme=programme,
        user=user,
        link_kind=link_kind,
        attachment_name=name,
        attachment=content,
        attachment_type=mimetype,
    )
    email.full_clean(exclude=["programme", "user", "attachment"])
    email.save()
    # Robust: the caller's work is committed by then, and its request should not fail
    # because the queue could not be written (Django logs the error).
    transaction.on_commit(partial(deliver_email.enqueue, email.pk), robust=True)
    return email


def _check_link(kind: str, user, bodies: str) -> None:
    if kind and not links.is_known(kind):
        raise ValueError(f"No maker of one-time links of the kind {kind!r} is registered.")
    if kind and user is None:
        raise ValueError("A one-time link is made for an account: give the user.")
    if bool(kind) != (links.MARK in bodies):
        raise ValueError("The mark of a one-time link and its kind go together.")
