"""Repeated login failures lock out an account from one address, an address, and (after far
more, from many addresses) an account (django-axes, `capacita/accounts/lockout.py`)."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from capacita.accounts.tokens import reset_token_generator
from capacita.development.demo import DEMO_PASSWORD
from tests.accounts.test_no_enumeration import same_page

LOGIN = "/es/accounts/login/"
ACCOUNT = "participant.mx@example.org"
OTHER_ACCOUNT = "participant.do@example.org"
UNKNOWN = "nadie.aqui@example.org"
ADDRESS = "192.0.2.1"
ELSEWHERE = "198.51.100.9"
NEW_PASSWORD = "una-clave-bastante-larga-2026"


def log_in(client, username, password, address=ADDRESS, **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def signs_in(username, password, address) -> bool:
    """Whether a fresh browser signs in as `username` from `address`."""
    browser = Client()
    response = log_in(browser, username, password, address=address)
    return response.status_code == 302 and is_logged_in(browser)


def in_groups(count: int, size: int) -> list[int]:
    """0, 0, 0, 0, 1, 1… (`count` numbers, at most `size` of each): failures spread so that
    no account, or no address, gets more than `size` of them."""
    return [number // size for number in range(count)]


# How each lockout is reached, the last failure being the one that locks. Each returns the
# (account, address) pairs that are then refused, and the last failure's response.


def lock_the_pair(client, settings, account=ACCOUNT):
    """`LOGIN_FAILURE_LIMIT` failures for one account from one address."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, account, "wrong").status_code == 200
    return [(account, ADDRESS)], log_in(client, account, "wrong")


def lock_the_address(client, settings, account=ACCOUNT):
    """`LOGIN_ADDRESS_FAILURE_LIMIT` failures from one address, spread over accounts so that
    none reaches the pair's limit there."""
    for number in in_groups(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1, 4):
        assert log_in(client, f"counsellor{number}@example.org", "wrong").status_code == 200
    return [(account, ADDRESS), (OTHER_ACCOUNT, ADDRESS)], log_in(client, account, "wrong")


def lock_the_account(client, settings, account=ACCOUNT):
    """`LOGIN_ACCOUNT_FAILURE_LIMIT` failures for one account, spread over so many addresses
    that none reaches the pair's limit."""
    for number in in_groups(settings.LOGIN_ACCOUNT_FAILURE_LIMIT - 1, 4):
        assert log_in(client, account, "wrong", address=f"203.0.113.{number}").status_code == 200
    last = log_in(client, account, "wrong", address="203.0.113.254")
    return [(account, ELSEWHERE), (account, ADDRESS)], last


LOCKOUTS = {"pair": lock_the_pair, "address": lock_the_address, "account": lock_the_account}


def test_the_limits_are_five_for_an_account_from_an_address_thirty_and_a_hundred(settings):
    limits = (
        settings.AXES_FAILURE_LIMIT,
        settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
        settings.AXES_COOLOFF_TIME,
    )
    assert limits == (5, 30, 100, dt.timedelta(minutes=15))


def test_failures_from_one_address_do_not_keep_the_owner_out_from_another(client, demo):
    # Someone who knows the address of the account fails ten times with it.
    responses = [log_in(client, ACCOUNT, "wrong").status_code for _ in range(10)]
    assert responses == [200] * 4 + [429] * 6
    # The owner, from their own address, signs in.
    assert signs_in(ACCOUNT, DEMO_PASSWORD, ELSEWHERE)
    # From the address that failed, even the right password is refused.
    assert not signs_in(ACCOUNT, DEMO_PASSWORD, ADDRESS)
    # Another account signs in from there as usual.
    assert signs_in(OTHER_ACCOUNT, DEMO_PASSWORD, ADDRESS)


def test_an_office_s_typing_mistakes_do_not_lock_out_its_address(client, demo):
    # Ten counsellors behind the office's one address mistype their password twice each.
    for number in range(10):
        for _typo in range(2):
            log_in(client, f"counsellor{number}@example.org", "wrong", address="203.0.113.5")
    assert signs_in(ACCOUNT, DEMO_PASSWORD, "203.0.113.5")


def test_thirty_failures_from_one_address_over_several_accounts_lock_that_address(
    client, demo, settings
):
    refused, response = lock_the_address(client, settings)
    assert response.status_code == 429
    # No account reached its limit there; the address did, for every account.
    assert not signs_in(ACCOUNT, DEMO_PASSWORD, ADDRESS)
    assert not signs_in(OTHER_ACCOUNT, DEMO_PASSWORD, ADDRESS)
    # The same account from elsewhere is not locked.
    assert signs_in(ACCOUNT, DEMO_PASSWORD, ELSEWHERE)


def test_a_hundred_failures_for_one_account_from_many_addresses_lock_the_account(
    client, demo, settings
):
    refused, response = lock_the_account(client, settings)
    assert response.status_code == 429
    # From an address that never failed, the right password is refused.
    assert not signs_in(ACCOUNT, DEMO_PASSWORD, ELSEWHERE)
    # Another account signs in from there as usual.
    assert signs_in(OTHER_ACCOUNT, DEMO_PASSWORD, ELSEWHERE)


def test_fewer_failures_for_one_account_from_many_addresses_lock_nothing(client, demo, settings):
    for number in in_groups(settings.LOGIN_ACCOUNT_FAILURE_LIMIT - 1, 4):
        assert log_in(client, ACCOUNT, "wrong", address=f"203.0.113.{number}").status_code == 200
    assert signs_in(ACCOUNT, DEMO_PASSWORD, ELSEWHERE)


@pytest.mark.parametrize("lockout", LOCKOUTS)
def test_the_lockout_is_the_same_page_for_an_existing_and_an_unknown_account(
    client, demo, settings, lockout
):
    pages = []
    for account in (ACCOUNT, UNKNOWN):
        AccessAttempt.objects.all().delete()
        refused, response = LOCKOUTS[lockout](client, settings, account=account)
        pages.append(same_page(response, account))
        # Once locked, the right password changes nothing.
        again = log_in(client, account, DEMO_PASSWORD, address=refused[0][1])
        pages.append(same_page(again, account))
    assert pages[0][0] == 429
    assert len(set(pages)) == 1


def test_the_lockout_is_a_translated_page_with_429(client, demo, settings):
    _refused, response = lock_the_pair(client, settings)
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert "15 minutes" in page or "15 minutos" in page
    assert "/es/accounts/password-reset/" in page


def test_the_login_is_counted_without_case_or_spaces(client, demo):
    for typed in ["Participant.MX@example.org", " participant.mx@EXAMPLE.org "]:
        log_in(client, typed, "wrong")
    for _ in range(3):
        log_in(client, ACCOUNT, "wrong")
    assert log_in(client, ACCOUNT, DEMO_PASSWORD).status_code == 429


@pytest.mark.parametrize("lockout", LOCKOUTS)
def test_the_lockout_ends_after_the_cool_off(client, demo, settings, lockout):
    refused, _response = LOCKOUTS[lockout](client, settings)
    account, address = refused[0]
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=14))
    assert not signs_in(account, DEMO_PASSWORD, address)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert signs_in(account, DEMO_PASSWORD, address)


def test_behind_a_proxy_the_forwarded_address_is_counted(client, demo, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # Five visitors behind the one proxy: no address reaches the limit.
    for number in range(5):
        log_in(
            client,
            ACCOUNT,
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


def test_the_addresses_of_one_ipv6_network_count_as_one(client, demo):
    # One subscriber holds a /64: changing address within it at every try changes nothing.
    for number in range(5):
        log_in(client, ACCOUNT, "wrong", address=f"2001:db8:1:2::{number + 1}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"2001:db8:1:2::"}
    assert not signs_in(ACCOUNT, DEMO_PASSWORD, "2001:db8:1:2:abcd::9")
    assert signs_in(ACCOUNT, DEMO_PASSWORD, "2001:db8:1:3::1")


def test_the_administration_login_is_locked_out_too(client, demo):
    for _ in range(5):
        response = client.post(
            "/es/admin/login/",
            {"username": "manager@example.org", "password": "wrong"},
            REMOTE_ADDR=ADDRESS,
        )
    assert response.status_code == 429
    assert not signs_in("manager@example.org", DEMO_PASSWORD, ADDRESS)
    assert signs_in("manager@example.org", DEMO_PASSWORD, ELSEWHERE)


def test_a_successful_login_leaves_no_record_of_the_address(client, demo):
    from axes.models import AccessLog

    assert log_in(client, ACCOUNT, DEMO_PASSWORD).status_code == 302
    assert is_logged_in(client)
    assert not AccessLog.objects.exists()
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("lockout", LOCKOUTS)
def test_attempts_during_a_lockout_are_not_recorded(client, demo, settings, lockout):
    refused, _response = LOCKOUTS[lockout](client, settings)
    recorded = list(AccessAttempt.objects.values_list("id", "failures_since_start", "post_data"))
    for account, address in refused:
        for _ in range(10):
            assert log_in(client, account, "wrong", address=address).status_code == 429
    assert (
        list(AccessAttempt.objects.values_list("id", "failures_since_start", "post_data"))
        == recorded
    )


def choose_a_new_password(client, account, password):
    """What the link of a "forgot your password?" e-mail leads to."""
    user = get_user_model().objects.get(email=account)
    with translation.override("es"):
        link = reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": reset_token_generator.make_token(user),
            },
        )
    set_password = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(set_password, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302


@pytest.mark.parametrize("lockout", ["pair", "account"])
def test_a_new_password_lifts_the_account_s_lockout(client, demo, settings, lockout):
    refused, _response = LOCKOUTS[lockout](client, settings)
    choose_a_new_password(Client(), ACCOUNT, NEW_PASSWORD)
    for account, address in refused:
        assert signs_in(account, NEW_PASSWORD, address)


def test_a_new_password_does_not_lift_the_lockout_of_an_address(client, demo, settings):
    for number in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        log_in(client, f"nobody{number // 4}@example.org", "wrong")
    choose_a_new_password(Client(), ACCOUNT, NEW_PASSWORD)
    assert not signs_in(ACCOUNT, NEW_PASSWORD, ADDRESS)
    assert signs_in(ACCOUNT, NEW_PASSWORD, ELSEWHERE)
