from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
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


def account_of(actor):
    """The account that acts, or None for the system or an anonymous visitor: what a record's
    "by whom" holds (`audit_record`'s actor, an upload's or a mark's author)."""
    return actor if actor is not None and actor.is_authenticated else None


def audit_record(
    *,
    actor,
    action: str,
    subject: models.Model,
    programme=None,
    reason: str = "",
    details: dict | None = None,
    person=None,
    person_name: str = "",
    person_email: str = "",
) -> AuditEvent:
    """Record a decision on `subject`. Call it inside the transaction that makes the change,
    so the change and its record stand or fall together.

    The person the decision concerns is named in the record: `person` (an account), else the
    one `subject` names with its `concerned_person()` (a nominee, who may have no account yet),
    else the account `subject` is or belongs to (its `user`), with their name and address."""
    naming = getattr(subject, "concerned_person", None)
    if person is None and not person_name and callable(naming):
        person, person_name, person_email = naming()
    if person is None:
        person = _account_of(subject)
    if person is not None:
        person_name = person_name or person.get_full_name() or person.email
        person_email = person_email or person.email
    return AuditEvent.objects.create(
        actor=account_of(actor),
        action=action,
        programme=programme,
        person=person,
        person_name=person_name[: AuditEvent._meta.get_field("person_name").max_length],
        person_email=person_email[: AuditEvent._meta.get_field("person_email").max_length],
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        reason=reason,
        details=details or {},
    )


def _account_of(subject: models.Model):
    """The account `subject` is, or the one its `user` field links it to, if any."""
    User = get_user_model()
    if isinstance(subject, User):
        return subject
    try:
        field = subject._meta.get_field("user")
    except FieldDoesNotExist:
        return None
    if field.is_relation and field.related_model is User:
        return getattr(subject, "user", None)
    return None


def history_of(subject: models.Model):
    return AuditEvent.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
    ).select_related("actor")
