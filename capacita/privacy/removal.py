"""A person's request that their personal data be removed."""

from __future__ import annotations

from django.db import transaction

from capacita.audit.services import audit_record
from capacita.programmes.models import Programme

from .common import email_managers
from .models import RemovalRequest


def request_removal(user, programme: Programme | None, message: str = "") -> RemovalRequest:
    """Record that `user` asks for their personal data to be removed, and tell the
    programme's managers by e-mail; they see it on the personal data page and decide
    (`anonymisation.anonymise_person`). A message over its limit raises `ValidationError`
    (the model field's own check) and nothing is saved."""
    message = RemovalRequest._meta.get_field("message").clean((message or "").strip(), None)
    with transaction.atomic():
        request = RemovalRequest.objects.create(
            programme=programme, user=user, email=user.email, message=message
        )
        audit_record(
            actor=user,
            action="privacy.removal_requested",
            subject=request,
            programme=programme,
        )
        if programme is not None:
            email_managers(
                programme,
                "privacy.removal_requested",
                "removal",
                {"requester": user.get_full_name() or user.email, "request": request},
            )
    return request
