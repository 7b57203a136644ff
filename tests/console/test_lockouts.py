"""A programme's managers see the login lockouts of the programme's people and lift them
(`capacita/console/lockout_views.py`); other accounts are neither shown nor theirs to lift."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client

from capacita.audit.models import AuditEvent
from capacita.development.demo import DEMO_PASSWORD

from ..factories import MembershipFactory

LOGIN = "/en/accounts/login/"
PARTICIPANT = "participant.mx@example.org"
ADDRESS = "192.0.2.1"


@pytest.fixture(autouse=True)
def _login_lockout_on(settings):
    """The suite runs without django-axes (tests/conftest.py); these tests need it."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.TRUSTED_PROXY_COUNT = 0


def log_in(username, password, address=ADDRESS):
    """A fresh browser's login: its answer and whether it signed in."""
    browser = Client()
    response = browser.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response.status_code, "_auth_user_id" in browser.session


def lock_out(username, settings, address=ADDRESS):
    """Fail with `username` from `address` until the login refuses it."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(username, "wrong", address)
    assert log_in(username, DEMO_PASSWORD, address) == (429, False)


def lockouts_url(programme, language="en"):
    return f"/{language}/programmes/{programme.slug}/manage/lockouts/"


def lift_url(programme, user, language="en"):
    return f"{lockouts_url(programme, language)}{user.pk}/lift/"


def shown(client, programme, language="en"):
    response = client.get(lockouts_url(programme, language))
    assert response.status_code == 200
    return response, [lockout.user.email for lockout in response.context["lockouts"]]


@pytest.fixture
def stranger(db, settings):
    """A participant of another programme, locked out too."""
    membership = MembershipFactory(user__email="stranger@example.org")
    lock_out("stranger@example.org", settings)
    return membership.user


def test_a_locked_out_participant_is_shown_without_the_address(
    client_as, programme, users, settings
):
    lock_out(PARTICIPANT, settings)
    response, emails = shown(client_as("manager"), programme)
    assert emails == [PARTICIPANT]
    lockout = response.context["lockouts"][0]
    assert lockout.failures == settings.AXES_FAILURE_LIMIT
    page = response.content.decode()
    assert PARTICIPANT in page and users["participant"].get_full_name() in page
    assert ADDRESS not in page
    assert f"/manage/lockouts/{users['participant'].pk}/lift/" in page


def test_a_few_failures_are_not_a_lockout(client_as, programme, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(PARTICIPANT, "wrong")
    response, emails = shown(client_as("manager"), programme)
    assert emails == []
    assert "Nobody in this programme is locked out." in response.content.decode()


def test_an_account_locked_from_everywhere_is_shown(client_as, programme, settings):
    # Too few failures from each address, too many for the account.
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    for number in range(6):
        log_in(PARTICIPANT, "wrong", address=f"203.0.113.{number}")
    assert log_in(PARTICIPANT, DEMO_PASSWORD, "198.51.100.9") == (429, False)
    _response, emails = shown(client_as("manager"), programme)
    assert emails == [PARTICIPANT]


def test_an_address_locked_for_everyone_is_not_an_account_s_lockout(client_as, programme, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for number in range(6):
        log_in(f"counsellor{number}@example.org", "wrong")
    log_in(PARTICIPANT, "wrong")
    _response, emails = shown(client_as("manager"), programme)
    assert emails == []


def test_lifting_lets_the_participant_log_in_again_and_is_recorded(
    client_as, programme, users, settings
):
    participant = users["participant"]
    lock_out(PARTICIPANT, settings)
    manager = client_as("manager")
    response = manager.post(lift_url(programme, participant))
    assert response.status_code == 302
    assert response["Location"] == lockouts_url(programme)
    assert not AccessAttempt.objects.filter(username=PARTICIPANT).exists()
    assert log_in(PARTICIPANT, DEMO_PASSWORD) == (302, True)
    event = AuditEvent.objects.get(action="account.lockout_lifted")
    assert (event.actor, event.person) == (users["manager"], participant)
    assert event.programme == programme
    assert (event.subject_type, event.subject_id) == ("accounts.user", str(participant.pk))
    assert event.details == {"failures": settings.AXES_FAILURE_LIMIT}
    page = manager.get(response["Location"]).content.decode()
    assert f"{participant.get_full_name()} can log in again." in page


def test_lifting_one_account_leaves_the_others_locked(client_as, programme, users, settings):
    other = "participant.do@example.org"
    lock_out(PARTICIPANT, settings)
    lock_out(other, settings, address="198.51.100.9")
    client_as("manager").post(lift_url(programme, users["participant"]))
    assert log_in(other, DEMO_PASSWORD, "198.51.100.9") == (429, False)


def test_an_account_without_a_lockout_gets_a_message_and_no_record(client_as, programme, users):
    manager = client_as("manager")
    response = manager.post(lift_url(programme, users["participant"]), follow=True)
    assert response.redirect_chain == [(lockouts_url(programme), 302)]
    assert f"{users['participant'].get_full_name()} is not locked out." in (
        response.content.decode()
    )
    assert not AuditEvent.objects.filter(action="account.lockout_lifted").exists()


def test_another_programme_s_account_is_neither_shown_nor_lifted(
    client_as, programme, stranger, settings
):
    lock_out(PARTICIPANT, settings, address="198.51.100.9")
    manager = client_as("manager")
    _response, emails = shown(manager, programme)
    assert emails == [PARTICIPANT]
    assert manager.post(lift_url(programme, stranger)).status_code == 404
    assert AccessAttempt.objects.filter(username="stranger@example.org").exists()
    assert log_in("stranger@example.org", "x") == (429, False)
    # An account with no role anywhere, or none at all, the same.
    assert manager.post(lockouts_url(programme) + "999999/lift/").status_code == 404
    assert not AuditEvent.objects.filter(action="account.lockout_lifted").exists()


def test_another_programme_s_manager_cannot_see_or_lift(client_as, programme, users, settings):
    lock_out(PARTICIPANT, settings)
    elsewhere = MembershipFactory(manager=True).user
    client = client_as(None)
    client.force_login(elsewhere)
    assert client.get(lockouts_url(programme)).status_code == 403
    assert client.post(lift_url(programme, users["participant"])).status_code == 403
    assert AccessAttempt.objects.filter(username=PARTICIPANT).exists()


def test_the_page_in_spanish(client_as, programme, users, settings):
    lock_out(PARTICIPANT, settings)
    manager = client_as("manager")
    response, emails = shown(manager, programme, "es")
    page = response.content.decode()
    assert emails == [PARTICIPANT]
    assert "Bloqueos de acceso" in page
    assert "Desbloquear" in page
    response = manager.post(lift_url(programme, users["participant"], "es"), follow=True)
    assert "puede volver a iniciar sesión" in response.content.decode()


def test_the_page_in_english_names_its_columns(client_as, programme, settings):
    lock_out(PARTICIPANT, settings)
    page = shown(client_as("manager"), programme)[0].content.decode()
    for text in ("Login lockouts", "Locked out at", "Failed logins", "Lift"):
        assert text in page
