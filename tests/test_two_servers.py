"""Two application servers over one database serve the same people: a session opened on one
continues on the other, and what is done on one is seen on the other, because nothing lives
in a server's memory (sessions in the database, messages in signed cookies, files in shared
storage).

The servers are gunicorn processes as in production (DEBUG off, static files collected),
against the test database, so the data this test writes must be committed: it runs with
`transactional_db`. On SQLite it needs the file database of `make test` (TEST_SQLITE_NAME).
"""

from __future__ import annotations

import html

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from capacita.programmes.models import Membership, Role

from .servers import (
    Browser,
    free_port,
    gunicorn_command,
    server_environment,
    start,
    stop,
    wait_until_up,
)

PROGRAMME = "/en/programmes/crm-2021"
EMAIL = "participant.do@example.org"  # English: lands on /en/ pages
PASSWORD = "two servers, one session"

pytestmark = [pytest.mark.usefixtures("transactional_db"), pytest.mark.subprocess]


@pytest.fixture
def servers(tmp_path):
    """The base addresses of two gunicorn servers sharing the test database and a folder
    for the uploaded files (the shared mount of a deployment)."""
    # What every server of a deployment has: its static files collected for the manifest
    # (once for the whole test session).
    environment = server_environment(tmp_path)
    processes = []
    try:
        bases = []
        for name in ("a", "b"):
            port = free_port()
            log = tmp_path / f"server-{name}.log"
            command = gunicorn_command(port, "--workers", "1")
            processes.append((start(command, environment, log), log))
            bases.append(f"http://127.0.0.1:{port}")
        for (process, log), base in zip(processes, bases, strict=True):
            wait_until_up(process, base, log)
        yield bases
    finally:
        for process, _log in processes:
            stop(process)


@pytest.fixture
def participant(demo, django_user_model):
    """The demo's Mexican participant with a known password, hashed as the servers hash
    (the tests' own fast hasher is not among theirs)."""
    user = django_user_model.objects.get(email=EMAIL)
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.wants_reminders = True
    user.save(update_fields=["password", "wants_reminders"])
    assert Membership.objects.filter(programme=demo, user=user, role=Role.PARTICIPANT).exists()
    return user


def test_a_session_opened_on_one_server_continues_on_the_other(servers, participant):
    a, b = servers
    browser = Browser()
    me = f"{PROGRAMME}/me/"

    login = browser.get(f"{a}/en/accounts/login/?next={me}")
    assert login.status == 200
    logged_in = browser.post(
        f"{a}/en/accounts/login/",
        {"username": EMAIL, "password": PASSWORD, "next": me},
        token_from=login,
    )
    assert logged_in.status == 302, logged_in.text[:2000]
    assert logged_in.location == me

    # The other server knows the session it never saw opened.
    own_page = browser.get(f"{b}{me}")
    assert own_page.status == 200
    assert html.escape(participant.get_full_name()) in own_page.text
    assert 'id="wants_reminders" checked' in own_page.text

    # A change made through the other server is seen on the first, its message included.
    changed = browser.post(f"{b}{me}reminders/", {}, token_from=own_page)
    assert changed.status == 302
    assert changed.location == me
    participant.refresh_from_db()
    assert participant.wants_reminders is False
    back_on_a = browser.get(f"{a}{me}")
    assert back_on_a.status == 200
    assert "You will not receive reminders by e-mail." in back_on_a.text
    assert 'id="wants_reminders" checked' not in back_on_a.text

    # Logging out on the first server ends the session on the second.
    logged_out = browser.post(f"{a}/en/accounts/logout/", {}, token_from=back_on_a)
    assert logged_out.status == 302
    after = browser.get(f"{b}{me}")
    assert after.status == 302
    assert after.location.startswith("/en/accounts/login/")
