"""The login page: a person lands on the pages of their own language, whatever the language
of the page they signed in from."""

from __future__ import annotations

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
