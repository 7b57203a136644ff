from __future__ import annotations

from django.db import models

from .models import AuditEvent


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
