"""Password reset by e-mail: through the outbox, in the person's language, with a link that
works once and expires; requests throttled per address."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock
from urllib.parse import urlsplit

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone

from capacita.accounts.invitations import welcome_url
from capacita.accounts.tokens import reset_token_generator
from capacita.emails.models import OutgoingEmail
from tests.emails.sent import sent_text

User = get_user_model()
RESET = "/es/accounts/password-reset/"
NEW_PASSWORD = "una-clave-bastante-larga-2026"


def ask(client, email, address="192.0.2.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def reset_emails():
    return OutgoingEmail.objects.filter(kind="password_reset")


def link_in(email: OutgoingEmail) -> str:
    return urlsplit(re.search(r"https?://\S+", sent_text(email)).group(0)).path


def test_the_login_page_links_to_the_reset(client, demo):
    page = client.get("/es/accounts/login/").content.decode()
    assert 'href="/es/accounts/password-reset/"' in page


def test_the_link_arrives_in_the_persons_language_and_sets_the_password_once(client, demo):
    response = ask(client, "Participant.DO@example.org")
    assert response.status_code == 302
    assert response["Location"] == "/es/accounts/password-reset/sent/"
    [email] = reset_emails()
    assert email.to == "participant.do@example.org"
    assert email.language == "en"
    assert email.user.email == "participant.do@example.org"
    assert "Choose a new password" in email.subject
    assert "expires in 60 minutes" in email.body_text
    link = link_in(email)
    assert link.startswith("/en/accounts/password-reset/")

    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert form.context["validlink"]
    set_password = form.redirect_chain[-1][0]
    # Django's password validators apply.
    weak = client.post(set_password, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200
    assert weak.context["form"].errors
    done = client.post(set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/en/accounts/password-reset/done/"
    assert User.objects.get(email="participant.do@example.org").check_password(NEW_PASSWORD)

    # Used once: the link no longer works.
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert "This link no longer works" in again.content.decode()


def test_the_link_expires_after_an_hour_unlike_an_invitation(demo, settings):
    settings.PASSWORD_RESET_LINK_SECONDS = 3600
    user = User.objects.get(email="participant.mx@example.org")
    token = reset_token_generator.make_token(user)
    now = dt.datetime.now()
    with mock.patch.object(reset_token_generator, "_now", return_value=now):
        assert reset_token_generator.check_token(user, token)
    with mock.patch.object(
        reset_token_generator, "_now", return_value=now + dt.timedelta(minutes=61)
    ):
        assert not reset_token_generator.check_token(user, token)
    # An invitation still lasts its days, and neither token opens the other's page.
    invitation = default_token_generator.make_token(user)
    with mock.patch.object(
        default_token_generator, "_now", return_value=now + dt.timedelta(days=2)
    ):
        assert default_token_generator.check_token(user, invitation)
    assert not default_token_generator.check_token(user, token)
    assert not reset_token_generator.check_token(user, invitation)
    # The welcome link is for accounts that never had a password; this one has.
    assert welcome_url(user).endswith("/es/accounts/login/")


def test_an_expired_link_shows_the_page_saying_so(client, demo):
    user = User.objects.get(email="participant.mx@example.org")
    with mock.patch.object(
        reset_token_generator,
        "_now",
        return_value=dt.datetime.now() - dt.timedelta(hours=2),
    ):
        token = reset_token_generator.make_token(user)
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    response = client.get(f"/es/accounts/password-reset/{uid}/{token}/", follow=True)
    assert response.context["validlink"] is False


def test_inactive_and_unknown_accounts_get_no_email(client, demo):
    User.objects.filter(email="participant.mx@example.org").update(is_active=False)
    ask(client, "participant.mx@example.org")
    ask(client, "nobody@example.org")
    assert not reset_emails().exists()


def test_an_invited_person_without_a_password_may_choose_one(client, demo):
    User.objects.create_user("invited@example.org", None, first_name="Ana", last_name="Nueva")
    ask(client, "invited@example.org")
    assert reset_emails().filter(to="invited@example.org").count() == 1


def test_requests_from_one_address_are_throttled(client, demo, settings):
    settings.PASSWORD_RESET_REQUEST_LIMIT = 5
    for number in range(5):
        assert ask(client, f"nobody{number}@example.org").status_code == 302
    response = ask(client, "participant.mx@example.org")
    assert response.status_code == 429
    assert not reset_emails().exists()
    # Another address is not.
    assert ask(client, "participant.mx@example.org", address="192.0.2.2").status_code == 302
    assert reset_emails().count() == 1


def test_one_account_gets_a_few_emails_however_many_addresses_ask(client, demo, settings):
    settings.PASSWORD_RESET_EMAIL_LIMIT = 3
    responses = [
        ask(client, "participant.mx@example.org", address=f"192.0.2.{number + 1}")
        for number in range(5)
    ]
    assert {(r.status_code, r["Location"]) for r in responses} == {
        (302, "/es/accounts/password-reset/sent/")
    }
    assert reset_emails().count() == 3


def test_setting_a_new_password_ends_the_accounts_lockout(client, demo):
    for _number in range(5):
        client.post(
            "/es/accounts/login/",
            {"username": "participant.mx@example.org", "password": "wrong"},
            REMOTE_ADDR="198.51.100.1",
        )
    assert AccessAttempt.objects.filter(username="participant.mx@example.org").exists()
    locked = client.post(
        "/es/accounts/login/",
        {"username": "participant.mx@example.org", "password": "demo-capacita-2021"},
        REMOTE_ADDR="198.51.100.1",
    )
    assert locked.status_code == 429
    ask(client, "participant.mx@example.org", address="198.51.100.1")
    link = link_in(reset_emails().get())
    set_password = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.post(
        "/es/accounts/login/",
        {"username": "participant.mx@example.org", "password": NEW_PASSWORD},
        REMOTE_ADDR="198.51.100.1",
    )
    assert response.status_code == 302


def test_old_requests_are_forgotten(client, demo, settings):
    from capacita.accounts.models import PasswordResetRequest

    settings.PASSWORD_RESET_REQUEST_LIMIT = 1
    ask(client, "nobody@example.org")
    PasswordResetRequest.objects.update(at=timezone.now() - dt.timedelta(hours=3))
    assert ask(client, "nobody@example.org").status_code == 302
    assert PasswordResetRequest.objects.count() == 1
