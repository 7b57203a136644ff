"""An e-mail of the outbox as the worker sends it."""

from __future__ import annotations

from capacita.emails.links import with_link
from capacita.emails.models import OutgoingEmail


def sent_text(email: OutgoingEmail) -> str:
    """The plain body that leaves: the stored one with its one-time link made now, as the
    worker makes it (`capacita.emails.tasks._body`)."""
    return with_link(email.body_text, email.link_kind, email.user)
