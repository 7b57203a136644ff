from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from capacita.shared.errors import UserError
from capacita.shared.text_limits import refusal

from .models import AuditEvent


def reason_refusal(reason: str) -> str | None:
    """Why `reason`, given for a decision on a person, cannot be recorded (it is over its
    limit), or None. The services that take a reason ask before they change anything."""
    return refusal(AuditEvent, "reason", reason, what=_("The reason"))


def given_reason(reason: str | None, *, missing: str, error: type[UserError]) -> str:
    """The reason typed for a decision on a person, trimmed: raises `error` with `missing`
    when there is none, or with the limit's message when it is too long. The services that
    take a reason call it before they change anything."""
    reason = (reason or "").strip()
    if not reason:
        raise error(missing)
    problem = reason_refusal(reason)
    if problem:
        raise error(problem)
    return reason


def audit_record(
    *,
    actor,
    action: str,
    subject: models.Model,
    programme=None,
    reason: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Record a decision on `subject`. Call it inside the transaction that makes the change,
    so the change and its record stand or fall together."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        programme=programme,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        reason=reason,
        details=details or {},
    )


def history_of(subject: models.Model):
    return AuditEvent.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
    ).select_related("actor")
