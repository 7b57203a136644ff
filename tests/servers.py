"""Gunicorn servers for the tests that talk to the application over HTTP, as production does:
DEBUG off, static files collected for the manifest storage, the test database (or another)
through DATABASE_URL.

Collecting the static files takes most of a server's start (compressing every file), so it
is done once per test process, into a temporary folder every server of the session shares.
The data the servers read must be committed: their tests run with `transactional_db`.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from http.cookiejar import Cookie, CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

STARTUP_SECONDS = 60
ROOT = Path(__file__).resolve().parents[1]


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


def base_environment() -> dict:
    """The environment of a server process, less its database and folders."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("STORAGE_S3_")
    }
    environment.update(
        SECRET_KEY=settings.SECRET_KEY,
        DEBUG="0",
        SECURE_COOKIES="0",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    return environment


@functools.cache
def collected_static() -> Path:
    """A folder of collected static files (with the manifest), made once per process."""
    folder = Path(tempfile.mkdtemp(prefix="capacita-static-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    environment = base_environment()
    environment.update(STATIC_ROOT=str(folder), CAPACITA_VAR_DIR=str(folder / "var"))
    environment.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "capacita", "collectstatic", "--noinput", "--verbosity", "0"],
        env=environment,
        cwd=folder,
        check=True,
        timeout=300,
    )
    return folder


def server_environment(folder: Path, database: str | None = None, **extra) -> dict:
    """What a server of a deployment has: its database, its files under `folder` (shared by
    the servers given the same one) and the static files collected once."""
    environment = base_environment()
    environment.update(
        DATABASE_URL=database or database_url(),
        CAPACITA_VAR_DIR=str(folder / "var"),
        STATIC_ROOT=str(collected_static()),
        **{name: str(value) for name, value in extra.items()},
    )
    return environment


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to check, not to follow."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@dataclass
class Answer:
    status: int
    location: str
    text: str
    headers: dict | None = None


class Browser:
    """One person's browser: one cookie jar, whichever server it talks to."""

    def __init__(self):
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )

    def set_cookie(self, name: str, value: str, host: str = "127.0.0.1") -> None:
        self.cookies.set_cookie(
            Cookie(0, name, value, None, False, host, False, False, "/", True, False, None,
                   True, None, None, {})
        )  # fmt: skip

    def request(
        self,
        url: str,
        form: dict | None = None,
        timeout: float = 30,
        *,
        data: bytes | None = None,
        headers: dict | None = None,
    ) -> Answer:
        if form is not None:
            data = urllib.parse.urlencode(form, doseq=True).encode()
        request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
        try:
            response = self.opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return Answer(
                response.status,
                response.headers.get("Location", ""),
                response.read().decode("utf-8", "replace"),
                dict(response.headers.items()),
            )

    def get(self, url: str, timeout: float = 30) -> Answer:
        return self.request(url, timeout=timeout)

    def post(self, url: str, form: dict, *, token_from: Answer, timeout: float = 30) -> Answer:
        return self.request(
            url, {"csrfmiddlewaretoken": csrf_token(token_from), **form}, timeout=timeout
        )

    def post_file(
        self, url: str, form: dict, files: dict[str, tuple[str, bytes]], *, token_from: Answer
    ) -> Answer:
        """A multipart form, as a browser sends an upload."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {"csrfmiddlewaretoken": csrf_token(token_from), **form}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            url,
            data=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )


def csrf_token(page: Answer) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match[1]


def logged_in_browser(user) -> Browser:
    """A browser holding a session of `user`, opened in the (shared) database without going
    through the login form: the servers' password hasher is slow by design."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    browser = Browser()
    browser.set_cookie(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return browser


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
        time.sleep(0.1)
    pytest.fail(f"the server at {base} did not answer:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def gunicorn_command(port: int, *options: str) -> list[str]:
    command = [sys.executable, "-m", "gunicorn", "capacita.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", "60", *options]
    return command


@contextlib.contextmanager
def gunicorn(environment: dict, log: Path, *options: str):
    """A gunicorn server (`options` e.g. "--workers", "2", "--threads", "8") until the block
    ends; yields its base address."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start(gunicorn_command(port, *options), environment, log)
    try:
        wait_until_up(process, base, log)
        yield base
    finally:
        stop(process)


def server_errors(log: Path) -> list[str]:
    """The lines of a server log that tell of a failure."""
    markers = ("Traceback", "database is locked", "Internal Server Error", "[CRITICAL]")
    return [
        line
        for line in log.read_text(errors="replace").splitlines()
        if any(m in line for m in markers)
    ]
