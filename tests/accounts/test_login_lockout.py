"""Repeated login failures lock out the account and the address (django-axes)."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.utils import timezone

from capacita.demo import DEMO_PASSWORD

LOGIN = "/es/accounts/login/"
ACCOUNT = "participant.mx@example.org"


def log_in(client, username, password, address="192.0.2.1", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_account_from_every_address(client, demo):
    for attempt in range(4):
        response = log_in(client, ACCOUNT, "wrong", address=f"192.0.2.{attempt + 1}")
        assert response.status_code == 200
    response = log_in(client, ACCOUNT, "wrong", address="192.0.2.5")
    assert response.status_code == 429
    # The right password, from an address that never failed: still refused.
    response = log_in(client, ACCOUNT, DEMO_PASSWORD, address="198.51.100.9")
    assert response.status_code == 429
    assert not is_logged_in(client)
    # Another account logs in as usual.
    response = log_in(client, "participant.do@example.org", DEMO_PASSWORD, address="198.51.100.9")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_an_office_s_typing_mistakes_do_not_lock_out_its_address(client, demo, settings):
    assert (settings.AXES_FAILURE_LIMIT, settings.LOGIN_ADDRESS_FAILURE_LIMIT) == (5, 30)
    # Ten counsellors behind the office's one address mistype their password twice each.
    for number in range(10):
        for _typo in range(2):
            log_in(client, f"counsellor{number}@example.org", "wrong", address="203.0.113.5")
    response = log_in(client, ACCOUNT, DEMO_PASSWORD, address="203.0.113.5")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_thirty_failures_from_one_address_lock_every_account_there(client, demo, settings):
    for number in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        log_in(client, f"nobody{number}@example.org", "wrong", address="203.0.113.5")
    assert log_in(client, "nobody@example.org", "wrong", address="203.0.113.5").status_code == 429
    response = log_in(client, ACCOUNT, DEMO_PASSWORD, address="203.0.113.5")
    assert response.status_code == 429
    assert not is_logged_in(client)
    # The same account from elsewhere is not locked.
    response = log_in(client, ACCOUNT, DEMO_PASSWORD, address="203.0.113.6")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_lockout_is_a_translated_page_with_429(client, demo, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    for number in range(5):
        response = log_in(client, ACCOUNT, "wrong", address=f"192.0.2.{number + 1}")
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert "15 minutes" in page or "15 minutos" in page
    assert "/es/accounts/password-reset/" in page


def test_the_login_is_counted_without_case_or_spaces(client, demo):
    for number, typed in enumerate(["Participant.MX@example.org", " participant.mx@EXAMPLE.org "]):
        log_in(client, typed, "wrong", address=f"192.0.2.{number + 1}")
    for number in range(3):
        log_in(client, ACCOUNT, "wrong", address=f"192.0.2.{number + 10}")
    assert log_in(client, ACCOUNT, DEMO_PASSWORD, address="198.51.100.1").status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, demo):
    for number in range(5):
        log_in(client, ACCOUNT, "wrong", address=f"192.0.2.{number + 1}")
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=14))
    assert log_in(client, ACCOUNT, DEMO_PASSWORD, address="198.51.100.1").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert log_in(client, ACCOUNT, DEMO_PASSWORD, address="198.51.100.1").status_code == 302
    assert is_logged_in(client)


def test_behind_a_proxy_the_forwarded_address_is_counted(client, demo, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # Five visitors behind the one proxy: no address reaches the limit.
    for number in range(5):
        log_in(
            client,
            f"nobody{number}@example.org",
            "wrong",
            address="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"spoofed, 192.0.2.{number + 1}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        f"192.0.2.{number + 1}" for number in range(5)
    }
    response = log_in(
        client, ACCOUNT, DEMO_PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.9"
    )
    assert response.status_code == 302


def test_the_administration_login_is_locked_out_too(client, demo):
    for number in range(5):
        response = client.post(
            "/es/admin/login/",
            {"username": "manager@example.org", "password": "wrong"},
            REMOTE_ADDR=f"192.0.2.{number + 1}",
        )
    assert response.status_code == 429
    response = log_in(client, "manager@example.org", DEMO_PASSWORD, address="198.51.100.1")
    assert response.status_code == 429


def test_a_successful_login_leaves_no_record_of_the_address(client, demo):
    from axes.models import AccessAttempt, AccessLog

    assert log_in(client, ACCOUNT, DEMO_PASSWORD).status_code == 302
    assert is_logged_in(client)
    assert not AccessLog.objects.exists()
    assert not AccessAttempt.objects.exists()


def test_attempts_during_a_lockout_are_not_recorded(client, demo):
    for number in range(5):
        log_in(client, ACCOUNT, "wrong", address=f"192.0.2.{number + 1}")
    recorded = list(AccessAttempt.objects.values_list("id", "failures_since_start", "post_data"))
    for number in range(10):
        assert log_in(client, ACCOUNT, "wrong", address="192.0.2.1").status_code == 429
        assert (
            log_in(client, ACCOUNT, "wrong", address=f"198.51.100.{number + 1}").status_code == 429
        )
    assert (
        list(AccessAttempt.objects.values_list("id", "failures_since_start", "post_data"))
        == recorded
    )
