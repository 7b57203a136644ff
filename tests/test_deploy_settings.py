"""Production settings: `capacita check --deploy` passes with the variables the README's
"Running in production" sets, and the responses then carry HSTS, go to HTTPS and set cookies
only over HTTPS."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

CAPACITA = str(Path(sys.executable).with_name("capacita"))

# Step 3 of "Running in production" in README.md.
PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(48),
    "ALLOWED_HOSTS": "capacita.example.org",
    "SITE_URL": "https://capacita.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://capacita.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def production_environment(**changes) -> dict[str, str]:
    # A server's environment: nothing of the test run's own (its database, the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE) but what finds programs and files.
    environment = {
        name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ
    }
    environment.update(PRODUCTION)
    for name, value in changes.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment


def deploy_check(environment) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own command
        [CAPACITA, "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.subprocess
def test_the_deploy_check_passes_with_the_production_settings():
    result = deploy_check(production_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.subprocess
@pytest.mark.parametrize(
    "changes, warning",
    [
        ({"SECURE_HSTS_SECONDS": None}, "security.W004"),
        ({"SECURE_SSL_REDIRECT": None}, "security.W008"),
        ({"SECRET_KEY": None}, "security.W009"),
        ({"DEBUG": "1"}, "security.W018"),
    ],
)
def test_the_deploy_check_fails_without_each_of_them(changes, warning):
    result = deploy_check(production_environment(**changes))
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


@pytest.mark.subprocess
def test_production_cookies_are_https_only_and_hidden_from_scripts():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SECURE_PROXY_SSL_HEADER]))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        env={**production_environment(), "DJANGO_SETTINGS_MODULE": "capacita.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    debug, session_secure, csrf_secure, http_only, proxy_header = json.loads(result.stdout)
    assert (debug, session_secure, csrf_secure, http_only) == (False, True, True, True)
    assert proxy_header == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.fixture
def production(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


@pytest.mark.django_db
def test_plain_http_is_sent_to_https(client, production, programme):
    response = client.get("/en/programmes/crm-2021/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/en/programmes/crm-2021/"


@pytest.mark.django_db
def test_https_pages_carry_hsts_and_the_login_sets_secure_cookies(client, production, users):
    page = client.get("/en/programmes/crm-2021/", secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"

    login = reverse("accounts:login")
    form = client.get(login, secure=True)
    assert form.cookies["csrftoken"]["secure"] is True
    users["participant"].set_password("a-long-test-password-2021")
    users["participant"].save()
    response = client.post(
        login,
        {"username": users["participant"].email, "password": "a-long-test-password-2021"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
