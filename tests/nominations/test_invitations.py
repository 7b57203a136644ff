"""An accepted nominee's invitation: it arrives through a real SMTP server (aiosmtpd on
loopback) once the worker runs, in the nominee's language, with a link to choose a password
that works once and expires."""

from __future__ import annotations

import datetime as dt
import html
import re
import signal

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation

from capacita.emails.models import OutgoingEmail
from capacita.nominations.models import Nomination
from capacita.nominations.services import accept_nominations
from tests.emails.sent import sent_text
from tests.emails.smtp import CollectingHandler, start_server
from tests.factories import MembershipFactory, NominationFactory, ProgrammeFactory

User = get_user_model()
PASSWORD = "Migracion-laboral-2021!"

# The worker reads committed rows: these tests commit, and the database is emptied after
# each of them. They build the little they need, so no demo is loaded to be emptied.
worker_test = pytest.mark.django_db(transaction=True)


@pytest.fixture
def programme(db):
    """A programme of the tests' own: an invitation needs a programme, a nominee and the
    manager who accepts them."""
    return ProgrammeFactory(title_es="Programa de las invitaciones", title_en="Invitations")


@pytest.fixture
def manager(programme):
    return MembershipFactory(programme=programme, manager=True, user__is_staff=True).user


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; the e-mail settings point at it."""
    handler = CollectingHandler()
    controller = start_server(handler)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    yield handler
    controller.stop()


@pytest.fixture
def run_worker():
    """Run `capacita db_worker` until no task is due, as the deployed worker would."""

    def run():
        signals = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
        handlers = {sig: signal.getsignal(sig) for sig in signals}
        try:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)

    return run


def in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def expected_subject(programme, language: str) -> str:
    with translation.override(language):
        rendered = render_to_string(
            "accounts/emails/invitation_subject.txt",
            {"programme": programme, "role": "participant"},
        )
    return " ".join(rendered.split())


def title_in(programme, language: str) -> str:
    with translation.override(language):
        return str(programme.title)


def nominee_speaking(programme, language: str) -> Nomination:
    """A nominee, not yet decided, who prefers `language`."""
    return NominationFactory(programme=programme, language=language)


def link_in(body: str) -> str:
    """The one-time link of the e-mail, as a path the test client can follow."""
    match = re.search(r"(https?://\S+/accounts/welcome/\S+/)", body)
    assert match, body
    url = match.group(1)
    assert url.startswith(django_settings.SITE_URL.rstrip("/"))
    return url[len(django_settings.SITE_URL.rstrip("/")) :]


def plain_body(received) -> str:
    return received.message.get_body(("plain",)).get_content()


def choose_password(client, link: str, password: str = PASSWORD):
    """Open the link, see the form, choose a password: the response after posting it."""
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert 'name="new_password1"' in form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    return client.post(form_url, {"new_password1": password, "new_password2": password})


# --- through the real SMTP server ----------------------------------------------------------


@worker_test
@pytest.mark.parametrize("language", ["es", "en"])
def test_an_accepted_nominee_receives_the_invitation_in_their_language(
    smtp_server, run_worker, programme, manager, language
):
    nominee = nominee_speaking(programme, language)
    accept_nominations([nominee], actor=manager)
    assert smtp_server.to(nominee.email) == []  # queued, not sent by the request

    run_worker()

    [arrived] = smtp_server.to(nominee.email)
    message = arrived.message
    # A long non-ASCII subject is folded after "Subject:"; parsers keep the fold's space.
    assert message["Subject"].strip() == expected_subject(programme, language)
    assert title_in(programme, language) in message["Subject"]
    assert message["Content-Language"] == language
    body = plain_body(arrived)
    with translation.override(language):
        dear = translation.gettext("Dear %(name)s,") % {"name": nominee.first_name}
    assert body.startswith(dear)
    assert in_language(language, "To start, choose your password here:") in body
    assert in_language(language, "Your login is your e-mail address:") + " " + nominee.email in body
    assert f"/{language}/accounts/welcome/" in link_in(body)
    assert OutgoingEmail.objects.get(to=nominee.email).status == OutgoingEmail.Status.SENT


@worker_test
def test_the_spanish_and_english_subjects_differ(smtp_server, run_worker, programme, manager):
    spanish = nominee_speaking(programme, "es")
    english = nominee_speaking(programme, "en")
    accept_nominations([spanish, english], actor=manager)

    run_worker()

    [to_spanish] = smtp_server.to(spanish.email)
    [to_english] = smtp_server.to(english.email)
    # The words around the programme's title differ, not only the title.
    words_es = to_spanish.message["Subject"].replace(title_in(programme, "es"), "")
    words_en = to_english.message["Subject"].replace(title_in(programme, "en"), "")
    assert words_es != words_en


@worker_test
def test_the_link_in_the_email_works_once(smtp_server, run_worker, programme, manager, client):
    nominee = nominee_speaking(programme, "es")
    accept_nominations([nominee], actor=manager)
    run_worker()
    [arrived] = smtp_server.to(nominee.email)
    link = link_in(plain_body(arrived))

    response = choose_password(client, link)

    assert response.status_code == 302
    assert response["Location"] == "/es/accounts/login/"
    account = User.objects.get(email=nominee.email)
    assert account.check_password(PASSWORD)
    # They log in on the login page with their e-mail address (in any case) and the password.
    logged_in = client.post(
        "/es/accounts/login/", {"username": nominee.email.upper(), "password": PASSWORD}
    )
    assert logged_in.status_code == 302
    assert client.session["_auth_user_id"] == str(account.pk)
    client.logout()

    again = client.get(link, follow=True)

    assert again.status_code == 200
    page = html.unescape(again.content.decode())
    assert in_language("es", "This link no longer works") in page
    assert "new_password1" not in page
    assert 'type="password"' not in page


# --- the link, without the SMTP server -----------------------------------------------------


def invitation_link(nominee) -> str:
    [invitation] = OutgoingEmail.objects.filter(to=nominee.email)
    return link_in(sent_text(invitation))


def test_the_link_shows_the_form_until_the_password_is_set(programme, manager, client):
    nominee = nominee_speaking(programme, "en")
    accept_nominations([nominee], actor=manager)
    link = invitation_link(nominee)
    # Opening it twice without choosing a password does not use it up.
    assert 'name="new_password1"' in client.get(link, follow=True).content.decode()
    client.cookies.clear()
    assert choose_password(client, link)["Location"] == "/en/accounts/login/"
    client.cookies.clear()
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()
    assert 'type="password"' not in response.content.decode()


def test_a_second_password_cannot_be_set_through_the_used_link(programme, manager, client):
    nominee = nominee_speaking(programme, "en")
    accept_nominations([nominee], actor=manager)
    link = invitation_link(nominee)
    choose_password(client, link)
    form_url = link.rsplit("/", 2)[0] + "/set-password/"

    client.post(
        form_url, {"new_password1": "Otra-clave-2022!", "new_password2": "Otra-clave-2022!"}
    )

    account = User.objects.get(email=nominee.email)
    assert account.check_password(PASSWORD)
    assert not account.check_password("Otra-clave-2022!")


def later(monkeypatch, seconds: int) -> None:
    """Move the token generator's clock `seconds` ahead."""
    real_now = dt.datetime.now
    monkeypatch.setattr(
        default_token_generator, "_now", lambda: real_now() + dt.timedelta(seconds=seconds)
    )


def test_a_link_past_its_validity_is_refused(programme, manager, client, monkeypatch, settings):
    nominee = nominee_speaking(programme, "es")
    accept_nominations([nominee], actor=manager)
    link = invitation_link(nominee)

    later(monkeypatch, settings.PASSWORD_RESET_TIMEOUT + 60)
    response = client.get(link, follow=True)

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert in_language("es", "This link no longer works") in page
    assert 'type="password"' not in page
    form_url = link.rsplit("/", 2)[0] + "/set-password/"
    client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert not User.objects.get(email=nominee.email).has_usable_password()


def test_a_link_works_until_it_expires(programme, manager, client, monkeypatch, settings):
    nominee = nominee_speaking(programme, "es")
    accept_nominations([nominee], actor=manager)
    link = invitation_link(nominee)
    later(monkeypatch, settings.PASSWORD_RESET_TIMEOUT - 60)
    assert choose_password(client, link).status_code == 302
    assert User.objects.get(email=nominee.email).check_password(PASSWORD)


def test_a_short_validity_set_in_the_settings_is_honoured(
    programme, manager, client, monkeypatch, settings
):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    nominee = nominee_speaking(programme, "en")
    accept_nominations([nominee], actor=manager)
    link = invitation_link(nominee)
    later(monkeypatch, 3601)
    response = client.get(link, follow=True)
    assert "This link no longer works" in response.content.decode()


def test_the_invitation_says_how_long_the_link_works(programme, manager):
    nominee = nominee_speaking(programme, "en")
    accept_nominations([nominee], actor=manager)
    [invitation] = OutgoingEmail.objects.filter(to=nominee.email)
    days = django_settings.PASSWORD_RESET_TIMEOUT // 86400
    assert f" {days} days" in invitation.body_text
