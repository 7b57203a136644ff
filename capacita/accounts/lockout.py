"""What django-axes needs from the project to lock out repeated login failures.

Failures are counted per account and per address (settings.AXES_LOCKOUT_PARAMETERS), each
against its own limit (`AccountAndAddressHandler`); an unknown account is counted like a real
one, and the lockout page is the same for both.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

from capacita.throttles import client_address

__all__ = ["AccountAndAddressHandler", "attempted_login", "client_address", "locked_out"]


class AccountAndAddressHandler(AxesDatabaseHandler):
    """django-axes's database handler, with one limit per account (`AXES_FAILURE_LIMIT`) and a
    larger one per address (`LOGIN_ADDRESS_FAILURE_LIMIT`).

    django-axes compares the largest count among the lockout parameters with one limit; the
    address's count is given to it scaled to that limit, so that it reaches the limit exactly
    when the address reaches its own."""

    def get_failures(self, request, credentials=None) -> int:
        account_limit = get_failure_limit(request, credentials)
        address_limit = max(settings.LOGIN_ADDRESS_FAILURE_LIMIT, 1)
        attempts_by_parameter = zip(
            settings.AXES_LOCKOUT_PARAMETERS,
            self.get_user_attempts(request, credentials),
            strict=True,
        )
        failures = 0
        for parameter, attempts in attempts_by_parameter:
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameter == "ip_address":
                count = count * account_limit // address_limit
            failures = max(failures, count)
        return failures


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
