"""The login page: a person lands on the pages of their own language, whatever the language
of the page they signed in from."""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import resolve_url
from django.urls import is_valid_path
from django.utils import translation


def in_language(url: str, language: str) -> str:
    """`url` (a path, or an address on this site) in `language`: its language prefix
    replaced; an address without one is given one where the site has that page in
    languages (the start page), and is otherwise left alone (/healthz)."""
    parts = urlsplit(url)
    codes = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    path, replaced = re.subn(rf"^/({codes})(?=/|$)", f"/{language}", parts.path)
    if not replaced:
        # The language prefix of the addresses resolves only in its own language.
        with translation.override(language):
            if is_valid_path(f"/{language}{parts.path}"):
                path = f"/{language}{parts.path}"
    return urlunsplit(parts._replace(path=path))


class LoginView(auth_views.LoginView):
    """Django's login, checking `next` as it does, then leading to `next` in the language of
    the person who signed in, or to their language's start page."""

    template_name = "accounts/login.html"

    def get_success_url(self):
        language = self.request.user.language
        if language not in {code for code, _name in settings.LANGUAGES}:
            return super().get_success_url()
        url = self.get_redirect_url()  # `next`, when it is safe; "" otherwise
        if url:
            return in_language(url, language)
        with translation.override(language):
            return resolve_url(settings.LOGIN_REDIRECT_URL)


def following_language(site_login):
    """The administration site's login view (`site_login`, an `AdminSite.login`) leading,
    as the main login does, to `next` (or the administration's index) in the language of the
    person who signed in: a person whose language is English who signs in at /es/admin/login/
    lands on /en/admin/. What `next` may be is checked by the admin's own login as before."""

    @functools.wraps(site_login)
    def login(request, extra_context=None):
        response = site_login(request, extra_context)
        user = getattr(request, "user", None)
        language = getattr(user, "language", "")
        if (
            response.status_code in (301, 302)
            and user is not None
            and user.is_authenticated
            and language in {code for code, _name in settings.LANGUAGES}
        ):
            response["Location"] = in_language(response["Location"], language)
        return response

    return login
