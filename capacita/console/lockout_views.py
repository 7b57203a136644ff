"""The login lockouts of a programme's people, for its managers to lift.

A participant who forgot their password and tried too often is locked out for the cool-off
(`capacita.accounts.lockout`); during a session a manager lifts it rather than making them
wait or asking a superuser. Only the accounts with a role in the programme are shown, and
only what tells the manager whom they unlock: the addresses that failed are not shown (they
would say where the person, or whoever tried their account, connects from).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Sum
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from capacita.accounts.lockout import failure_limits
from capacita.audit.services import audit_record
from capacita.shared.access import guarded as _guarded

from .menu import console_menu
from .views import managed

PAIR = frozenset({"username", "ip_address"})
ACCOUNT = frozenset({"username"})


@dataclass
class Lockout:
    user: object
    locked_at: datetime
    failures: int


def _locked_logins() -> dict[str, tuple[datetime, int]]:
    """The logins locked out now, with the moment of their last failure and their failures
    within the cool-off.

    A login is locked from one address when its failures there reach the pair's limit, and
    everywhere when all its failures reach the account's limit: the handler's own count
    (`AccountAndAddressHandler`). An address locked for every account is not an account's
    lockout, and lifting one account would not end it. Failures during a lockout are not
    recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so the last one recorded is
    the one that locked."""
    limits = failure_limits()
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    by_address = (
        AccessAttempt.objects.filter(attempt_time__gte=since, username__isnull=False)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    )
    last: dict[str, datetime] = {}
    failures: dict[str, int] = {}
    locked: set[str] = set()
    for row in by_address:
        login = row["username"]
        last[login] = max(row["last"], last.get(login, row["last"]))
        failures[login] = failures.get(login, 0) + row["failures"]
        if row["failures"] >= limits[PAIR]:
            locked.add(login)
    locked |= {login for login, count in failures.items() if count >= limits[ACCOUNT]}
    return {login: (last[login], failures[login]) for login in locked}


def programme_lockouts(programme) -> list[Lockout]:
    """The accounts with a role in `programme` that are locked out now, the latest first."""
    locked = _locked_logins()
    if not locked:
        return []
    # The handler counts a login in lower case (`attempted_login`); an account's address is
    # compared so too, in case one was stored otherwise.
    accounts = (
        get_user_model()
        .objects.annotate(login=Lower("email"))
        .filter(login__in=list(locked), memberships__programme=programme)
        .distinct()
    )
    lockouts = [Lockout(user, *locked[user.login]) for user in accounts]
    return sorted(lockouts, key=lambda lockout: lockout.locked_at, reverse=True)


@_guarded
def lockouts(request, slug):
    """The programme's people locked out of the login, each with a button to lift it."""
    programme = managed(request, slug)
    return render(
        request,
        "console/lockouts.html",
        {
            "programme": programme,
            "lockouts": programme_lockouts(programme),
            "minutes": max(int(settings.AXES_COOLOFF_TIME.total_seconds() // 60), 1),
            "menu": console_menu(programme),
        },
    )


@_guarded
@require_POST
def lift_lockout(request, slug, user_id):
    """End an account's lockout: every failure counted against its login, from any address,
    is forgotten, and the decision recorded. An account with no role in the programme is not
    the manager's to unlock (404), whether or not it exists."""
    programme = managed(request, slug)
    user = get_object_or_404(
        get_user_model().objects.filter(memberships__programme=programme).distinct(),
        pk=user_id,
    )
    name = user.get_full_name() or user.email
    lockout = next((lo for lo in programme_lockouts(programme) if lo.user.pk == user.pk), None)
    if lockout is None:
        # The cool-off may have ended it since the page was shown: nothing to lift or record.
        messages.info(request, _("%(name)s is not locked out.") % {"name": name})
    else:
        with transaction.atomic():
            reset_login_failures(username=lockout.user.login)
            audit_record(
                actor=request.user,
                action="account.lockout_lifted",
                subject=user,
                programme=programme,
                person=user,
                details={"failures": lockout.failures},
            )
        messages.success(request, _("%(name)s can log in again.") % {"name": name})
    return redirect(reverse("console:lockouts", args=[slug]))
