"""Sessions end a fixed time after the login (SESSION_COOKIE_AGE, 12 hours by default)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from capacita.development.demo import DEMO_PASSWORD

ME = "/es/programmes/crm-2021/me/"


@pytest.fixture(autouse=True)
def _sessions_in_the_database(settings):
    # The clock is moved here by mocking it, which a Redis server's own expiry cannot follow:
    # with a shared Redis (`cached_db`), the same twelve hours are the cached entry's time to
    # live, checked in tests/test_shared_cache.py.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def later(hours: float):
    moment = timezone.now() + dt.timedelta(hours=hours)
    return mock.patch("django.utils.timezone.now", return_value=moment)


def log_in(client):
    response = client.post(
        "/es/accounts/login/",
        {"username": "participant.mx@example.org", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302


def test_a_session_lasts_twelve_hours_by_default():
    assert django_settings.SESSION_COOKIE_AGE == 12 * 3600
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is False


def test_an_expired_session_is_logged_out(client, demo):
    log_in(client)
    assert client.get(ME).status_code == 200
    with later(hours=11.9):
        assert client.get(ME).status_code == 200
    with later(hours=12.1):
        response = client.get(ME)
    assert response.status_code == 302
    assert response["Location"].startswith("/es/accounts/login/")


def test_the_expiry_is_fixed_not_renewed_by_each_page(client, demo):
    log_in(client)
    session = Session.objects.get()
    with later(hours=6):
        assert client.get(ME).status_code == 200
    # No write of the session per page: it ends twelve hours after the login all the same.
    assert Session.objects.get().expire_date == session.expire_date
    with later(hours=12.1):
        assert client.get(ME).status_code == 302
