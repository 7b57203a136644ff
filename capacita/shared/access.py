"""Enforcing in views what `capacita.programmes.permissions` decides.

`allow(request, decision)` stops a view whose permission check failed: anonymous visitors are
sent to the login page (by the `guarded` decorator), anyone else gets 403.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


class LoginRequired(Exception):
    pass


def allow(request, allowed: bool) -> None:
    if not allowed:
        if not request.user.is_authenticated:
            raise LoginRequired
        raise PermissionDenied


def guarded(view):
    """Anonymous visitors go to the login page; others without permission get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except LoginRequired:
            return redirect_to_login(request.get_full_path())

    return wrapper
