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
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from capacita.programmes.models import Membership, Role

PROGRAMME = "/en/programmes/crm-2021"
EMAIL = "participant.mx@example.org"
PASSWORD = "two servers, one session"
STARTUP_SECONDS = 60

pytestmark = pytest.mark.usefixtures("transactional_db")


def database_url() -> str:
    """The address of the test database, as the servers' DATABASE_URL."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(database["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            pytest.skip("an in-memory SQLite database cannot be shared: set TEST_SQLITE_NAME")
        return f"sqlite:///{Path(name).resolve()}"
    if connection.vendor != "postgresql":
        pytest.skip(f"no database URL for {connection.vendor}")
    user = urllib.parse.quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        user += ":" + urllib.parse.quote(database["PASSWORD"], safe="")
    host = database["HOST"] or "localhost"
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{user}@{host}{port}/{urllib.parse.quote(database['NAME'])}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to check, not to follow."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@dataclass
class Answer:
    status: int
    location: str
    text: str


class Browser:
    """One person's browser: one cookie jar, whichever server it talks to."""

    def __init__(self):
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )

    def request(self, url: str, form: dict | None = None, timeout: float = 30) -> Answer:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            response = self.opener.open(url, data=data, timeout=timeout)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return Answer(
                response.status,
                response.headers.get("Location", ""),
                response.read().decode("utf-8", "replace"),
            )

    def get(self, url: str) -> Answer:
        return self.request(url)

    def post(self, url: str, form: dict, *, token_from: Answer) -> Answer:
        return self.request(url, {"csrfmiddlewaretoken": csrf_token(token_from), **form})


def csrf_token(page: Answer) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match[1]


def start(command: list[str], environment: dict, log: Path) -> subprocess.Popen:
    with log.open("wb") as output:
        return subprocess.Popen(
            command, env=environment, stdout=output, stderr=subprocess.STDOUT, cwd=log.parent
        )


def wait_until_up(process: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server at {base} stopped:\n{log.read_text(errors='replace')}")
        try:
            if Browser().request(f"{base}/healthz", timeout=2).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the server at {base} did not answer:\n{log.read_text(errors='replace')}")


@pytest.fixture
def servers(tmp_path, settings):
    """The base addresses of two gunicorn servers sharing the test database and a folder
    for the uploaded files (the shared mount of a deployment)."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("STORAGE_S3_")
    }
    environment.update(
        DATABASE_URL=database_url(),
        SECRET_KEY=settings.SECRET_KEY,
        DEBUG="0",
        SECURE_COOKIES="0",
        ALLOWED_HOSTS="127.0.0.1",
        CAPACITA_VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        LOG_LEVEL="WARNING",
    )
    # What every server of a deployment has: its static files collected for the manifest.
    subprocess.run(
        [sys.executable, "-m", "capacita", "collectstatic", "--noinput", "--verbosity", "0"],
        env=environment,
        cwd=tmp_path,
        check=True,
        timeout=120,
    )
    processes = []
    try:
        bases = []
        for name in ("a", "b"):
            port = free_port()
            log = tmp_path / f"server-{name}.log"
            command = [sys.executable, "-m", "gunicorn", "capacita.wsgi:application"]
            command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"]
            processes.append((start(command, environment, log), log))
            bases.append(f"http://127.0.0.1:{port}")
        for (process, log), base in zip(processes, bases, strict=True):
            wait_until_up(process, base, log)
        yield bases
    finally:
        for process, _log in processes:
            process.terminate()
        for process, _log in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


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
