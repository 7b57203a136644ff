"""Requests counted per visitor's address in the database (so that the count holds across
server processes): too many within a window get 429. The certificate verification counts
look-ups of unknown codes; the password reset counts requests for a link."""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.utils import timezone


def client_address(request) -> str:
    """The visitor's address as the server sees it; behind a proxy, set `TRUSTED_PROXY_COUNT`
    to take it from X-Forwarded-For instead. What a proxy forwarded that is not an address
    at all is ignored for the connection's own."""
    connection = request.META.get("REMOTE_ADDR") or ""
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            connection = forwarded[-hops] if _is_address(forwarded[-hops]) else connection
    # Not a binding: the key under which requests without a known address are counted.
    return str(ipaddress.ip_address(connection)) if _is_address(connection) else "0.0.0.0"  # noqa: S104


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class AddressThrottle:
    """At most the setting `limit` requests of `model` (address, at) per address within the
    setting `window` seconds."""

    def __init__(self, model, *, limit: str, window: str):
        self.model = model
        self.limit = limit
        self.window = window

    def window_start(self) -> dt.datetime:
        return timezone.now() - dt.timedelta(seconds=getattr(settings, self.window))

    def is_throttled(self, address: str) -> bool:
        recent = self.model.objects.filter(address=address, at__gte=self.window_start())
        return recent.count() >= getattr(settings, self.limit)

    def note(self, address: str) -> None:
        self.model.objects.create(address=address)
        # Keep the table small: what is older than the window no longer counts.
        self.model.objects.filter(at__lt=self.window_start() - dt.timedelta(hours=1)).delete()
