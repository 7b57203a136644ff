"""How long a programme's personal data is kept, and the managers' reminder when the date
passes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from capacita.programmes.models import Programme

from .common import email_managers
from .models import Retention


def set_retention(programme: Programme, keep_until) -> Retention:
    """Keep the programme's personal data until `keep_until`. A new date means a new
    reminder when it passes."""
    with transaction.atomic():
        retention, created = Retention.objects.get_or_create(
            programme=programme, defaults={"keep_until": keep_until}
        )
        if not created and retention.keep_until != keep_until:
            retention.keep_until = keep_until
            retention.reminded_at = None
            retention.save(update_fields=["keep_until", "reminded_at"])
    return retention


def due_for_anonymisation(today):
    """Retention periods that have passed (`keep_until` before `today`) on programmes not yet
    anonymised."""
    return Retention.objects.filter(
        keep_until__lt=today, anonymised_at__isnull=True
    ).select_related("programme")


def remind_retention(today=None) -> int:
    """Queue one e-mail to each manager of every programme whose retention has passed, once
    per retention date, in the manager's language. Returns the number of e-mails queued."""
    today = today or timezone.localdate()
    count = 0
    for retention in due_for_anonymisation(today).filter(reminded_at__isnull=True):
        with transaction.atomic():
            retention = Retention.objects.select_for_update().get(pk=retention.pk)
            if retention.reminded_at is not None:
                continue
            count += email_managers(
                retention.programme,
                "privacy.retention",
                "retention",
                {"keep_until": retention.keep_until},
            )
            retention.reminded_at = timezone.now()
            retention.save(update_fields=["reminded_at"])
    return count
