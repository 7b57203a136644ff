"""What django-axes needs from the project to lock out repeated login failures.

Failures are counted per account and per address (settings.AXES_LOCKOUT_PARAMETERS); an
unknown account is counted like a real one, and the lockout page is the same for both.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from capacita.throttles import client_address

__all__ = ["attempted_login", "client_address", "locked_out"]


def attempted_login(request, credentials) -> str | None:
    """The login typed, as the login compares it (without case or spaces), so that
    `Ana@Example.org` and `ana@example.org ` count against the same account."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    if username is None:
        return None
    # AccessAttempt.username holds 255 characters.
    return str(username).strip().lower()[:255]


def locked_out(request, original_response=None, credentials=None):
    """The page of a refused login: nothing in it depends on the account typed."""
    minutes = max(int(settings.AXES_COOLOFF_TIME.total_seconds() // 60), 1)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
