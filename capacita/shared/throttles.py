"""Requests counted per visitor's address in the database (so that the count holds across
server processes): too many within a window get 429 until the oldest of them leaves it. The
certificate verification counts look-ups of unknown codes; the password reset counts
requests for a link."""

from __future__ import annotations

import datetime as dt
import ipaddress
import math

from django.conf import settings
from django.utils import timezone

# The IPv6 network one visitor is taken to hold (a subscriber's usual allocation).
IPV6_PREFIX = 64


def client_address(request) -> str:
    """The visitor's address as the server sees it; behind a proxy, set `TRUSTED_PROXY_COUNT`
    to take it from X-Forwarded-For instead. What a proxy forwarded that is not an address
    at all is ignored for the connection's own.

    An IPv6 address counts as its /64 network: one subscriber holds the whole of it, and
    could otherwise change address at every try."""
    connection = request.META.get("REMOTE_ADDR") or ""
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            connection = forwarded[-hops] if _is_address(forwarded[-hops]) else connection
    if not _is_address(connection):
        # Not a binding: the key under which requests without a known address are counted.
        return "0.0.0.0"  # noqa: S104
    address = ipaddress.ip_address(connection)
    if address.version == 6 and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return str(address)


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

    def _window(self) -> dt.timedelta:
        return dt.timedelta(seconds=getattr(settings, self.window))

    def window_start(self) -> dt.datetime:
        return timezone.now() - self._window()

    def retry_after(self, address: str) -> int:
        """Seconds until `address` may be counted again: 0 while it is under the limit,
        otherwise until the `limit`-th most recent of its requests leaves the window."""
        limit = getattr(settings, self.limit)
        now, window = timezone.now(), self._window()
        if limit < 1:
            return max(math.ceil(window.total_seconds()), 1)
        recent = self.model.objects.filter(address=address, at__gte=now - window)
        counted = list(recent.order_by("-at").values_list("at", flat=True)[limit - 1 : limit])
        if not counted:
            return 0
        return max(math.ceil((counted[0] + window - now).total_seconds()), 1)

    def is_throttled(self, address: str) -> bool:
        return self.retry_after(address) > 0

    def note(self, address: str) -> None:
        self.model.objects.create(address=address)
        # Keep the table small: what is older than the window no longer counts.
        self.model.objects.filter(at__lt=self.window_start() - dt.timedelta(hours=1)).delete()
