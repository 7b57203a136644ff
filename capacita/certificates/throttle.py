"""Too many look-ups of codes that do not exist, from one address, get 429: guessing codes
is slow even before the 80 bits of each code make it hopeless."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .models import FailedLookup


def client_address(request) -> str:
    """The visitor's address as the server sees it; behind a proxy, set
    `TRUSTED_PROXY_COUNT` to take it from X-Forwarded-For instead."""
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    # Not a binding: the key under which look-ups without a known address are counted.
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.VERIFY_FAILURE_WINDOW_SECONDS)


def is_throttled(address: str) -> bool:
    return (
        FailedLookup.objects.filter(address=address, at__gte=_window_start()).count()
        >= settings.VERIFY_FAILURE_LIMIT
    )


def note_failure(address: str) -> None:
    FailedLookup.objects.create(address=address)
    # Keep the table small: what is older than the window no longer counts.
    FailedLookup.objects.filter(at__lt=_window_start() - dt.timedelta(hours=1)).delete()
