"""What django-axes needs from the project to lock out repeated login failures.

Failures are counted three ways (settings.AXES_LOCKOUT_PARAMETERS): for an account from one
address, for an address whatever the account, and for an account whatever the address; each
count has its own limit (`AccountAndAddressHandler`). An unknown account is counted like a
real one, and the lockout page is the same for both.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

from capacita.shared.throttles import client_address

__all__ = [
    "AccountAndAddressHandler",
    "attempted_login",
    "client_address",
    "failure_limits",
    "locked_out",
]


def failure_limits() -> dict[frozenset[str], int]:
    """The failures each lockout parameter allows within the cool-off.

    An account from one address gets few (`LOGIN_FAILURE_LIMIT`): that is where a guesser
    works. An address gets more (`LOGIN_ADDRESS_FAILURE_LIMIT`), since the counsellors of one
    office share it. An account alone gets far more (`LOGIN_ACCOUNT_FAILURE_LIMIT`): anyone
    who knows a manager's address can fail with it, and a low limit would let them keep the
    manager out; only a guesser spread over many addresses reaches it."""
    return {
        frozenset({"username", "ip_address"}): settings.AXES_FAILURE_LIMIT,
        frozenset({"ip_address"}): settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        frozenset({"username"}): settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
    }


class AccountAndAddressHandler(AxesDatabaseHandler):
    """django-axes's database handler, with a limit of its own for each lockout parameter
    (`failure_limits`).

    django-axes compares the largest count among the lockout parameters with one limit
    (`AXES_FAILURE_LIMIT`); each count is given to it scaled to that limit, so that it
    reaches the limit exactly when the parameter reaches its own."""

    def get_failures(self, request, credentials=None) -> int:
        axes_limit = get_failure_limit(request, credentials)
        limits = failure_limits()
        attempts_by_parameter = zip(
            settings.AXES_LOCKOUT_PARAMETERS,
            self.get_user_attempts(request, credentials),
            strict=True,
        )
        failures = 0
        for parameter, attempts in attempts_by_parameter:
            fields = frozenset([parameter] if isinstance(parameter, str) else parameter)
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            # count >= limit exactly when count * axes_limit // limit >= axes_limit.
            failures = max(failures, count * axes_limit // max(limits[fields], 1))
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
