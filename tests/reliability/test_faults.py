"""Faults: a process killed in the middle of an import or of a certificate run leaves
nothing half-saved and the run can be repeated; with the database stopped, pages show the
maintenance page and /readyz answers 503, and the service recovers by itself when the
database is back.

The killed processes are real `capacita` commands against the test database, stopped for
good at a chosen point (tests/reliability/paused_command.py) and killed with SIGKILL there:
the data they read must be committed (`transactional_db`).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from capacita.audit.models import AuditEvent
from capacita.certificates.models import Certificate
from capacita.certificates.services import standings
from capacita.emails.models import OutgoingEmail
from capacita.nominations.models import Nomination
from capacita.programmes.models import Country
from tests.nominations.lists import HEADER_ES, csv_bytes, person, set_quota
from tests.progress.conftest import complete_everything
from tests.progress.conftest import person as account
from tests.servers import (
    ROOT,
    Browser,
    base_environment,
    database_url,
    free_port,
    gunicorn,
    server_environment,
    server_errors,
)

pytestmark = pytest.mark.fault

ROWS = 40


def run_until_paused(tmp_path, target: str, *command: str) -> None:
    """Run the command until it reaches `target` (see paused_command), then kill it."""
    marker = tmp_path / "paused"
    environment = base_environment()
    environment.update(
        DATABASE_URL=database_url(),
        CAPACITA_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    environment.pop("EMAIL_HOST", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.paused_command", str(marker), target, "--"]
        + list(command),
        env=environment,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            if process.poll() is not None:
                pytest.fail(
                    f"the command ended before its pause:\n{process.stdout.read().decode()}"
                )
            assert time.monotonic() < deadline, "the command never reached its pause"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
    assert process.returncode == -signal.SIGKILL


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_before_it_commits_saves_nothing_and_can_be_repeated(tmp_path, programme):
    set_quota(programme, "MX", 20)
    mexico = Country.objects.get(code="MX")
    before = Nomination.objects.filter(programme=programme, country=mexico).count()
    audit_before = AuditEvent.objects.count()
    rows = [person(9000 + n, "mx") for n in range(ROWS)]
    sheet = tmp_path / "lista.csv"
    sheet.write_bytes(csv_bytes(HEADER_ES, *rows))

    # Killed once every row is inserted and audited, before the transaction commits.
    run_until_paused(
        tmp_path,
        "capacita.nominations.services:_record_submissions",
        "import_nominations",
        programme.slug,
        str(sheet),
        "--country",
        "MX",
    )
    assert Nomination.objects.filter(programme=programme, country=mexico).count() == before
    assert not Nomination.objects.filter(email__startswith="persona.9").exists()
    assert AuditEvent.objects.count() == audit_before

    call_command("import_nominations", programme.slug, str(sheet), "--country", "MX")
    emails = {row[4] for row in rows}
    saved = Nomination.objects.filter(programme=programme, email__in=emails)
    assert saved.count() == ROWS
    assert Nomination.objects.filter(programme=programme, country=mexico).count() == before + ROWS
    assert AuditEvent.objects.count() == audit_before + ROWS
    # Once more: nothing is saved twice.
    call_command("import_nominations", programme.slug, str(sheet), "--country", "MX")
    assert Nomination.objects.filter(programme=programme, email__in=emails).count() == ROWS


@pytest.mark.django_db(transaction=True)
def test_a_certificate_run_killed_midway_leaves_only_whole_certificates(tmp_path, programme):
    for email in ("participant.mx@example.org", "participant.do@example.org"):
        complete_everything(programme, account(email))
    due = {row.membership.user_id for row in standings(programme) if row.verdict == "issued"}
    assert len(due) >= 2
    before = set(Certificate.objects.values_list("pk", flat=True))
    emails_before = OutgoingEmail.objects.count()
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "certificates"

    # Killed after the first certificate's PDF is stored and its e-mail queued, before the
    # second is rendered: the run is one transaction.
    run_until_paused(
        tmp_path,
        "capacita.certificates.services:render_certificates",
        "issue_certificates",
        programme.slug,
    )
    assert set(Certificate.objects.values_list("pk", flat=True)) == before
    assert OutgoingEmail.objects.count() == emails_before
    # Its stored file is a leftover no record points to (not a certificate): listed here.
    leftovers = sorted(path.name for path in folder.glob("*.pdf")) if folder.exists() else []

    call_command("issue_certificates", programme.slug, stdout=open(os.devnull, "w"))  # noqa: SIM115
    issued = Certificate.objects.exclude(pk__in=before)
    assert {certificate.user_id for certificate in issued} == due
    for certificate in issued:
        assert certificate.pdf.name, certificate
        assert certificate.pdf.storage.exists(certificate.pdf.name), certificate
        assert certificate.pdf.name.rsplit("/", 1)[-1] not in leftovers
    assert OutgoingEmail.objects.count() == emails_before + len(due)
    # Once more: nobody gets a second certificate.
    call_command("issue_certificates", programme.slug, stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert Certificate.objects.exclude(pk__in=before).count() == len(due)


# The database server stopped and started again ------------------------------------------


def postgresql_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary folder, on its own port; run as the
    `postgres` account when the tests run as root (PostgreSQL refuses root)."""

    def __init__(self, binaries: Path, folder: Path):
        self.binaries = binaries
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(folder, "postgres")

    def run(self, tool: str, *arguments: str) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.binaries / tool), *arguments],
            check=True,
            capture_output=True,
            timeout=60,
            cwd=self.folder,
        )

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.folder / "postgres.log")
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def cluster():
    binaries = postgresql_binaries()
    if binaries is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        if os.environ.get("CAPACITA_REQUIRE_BROWSER") == "1":
            pytest.fail("the PostgreSQL programs (initdb, pg_ctl) are required")
        pytest.skip("no PostgreSQL programs to run a throwaway server")
    folder = Path(tempfile.mkdtemp(prefix="capacita-pg-"))
    server = Cluster(binaries, folder)
    try:
        server.init()
        server.start()
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def wait_for(check, seconds: float):
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = check()
        except OSError:
            result = None
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


@pytest.mark.skipif(
    "DATABASE_URL" in os.environ, reason="needs no suite database: runs in the SQLite run only"
)
def test_pages_say_maintenance_while_the_database_is_stopped_and_recover(tmp_path, cluster):
    environment = server_environment(tmp_path, database=cluster.url)
    subprocess.run(
        [sys.executable, "-m", "capacita", "migrate", "--noinput", "--verbosity", "0"],
        env=environment,
        cwd=tmp_path,
        check=True,
        timeout=120,
    )
    log = tmp_path / "server.log"
    browser = Browser()
    # Persistent connections, as in production: the ones opened before the stop break.
    with gunicorn(environment, log, "--workers", "1", "--threads", "4") as base:
        for _ in range(4):
            assert browser.get(f"{base}/en/programmes/").status == 200
        assert browser.get(f"{base}/readyz").status == 200

        cluster.stop()
        for language in ("en", "es"):
            page = browser.get(f"{base}/{language}/programmes/")
            assert page.status == 503, page.text[:500]
            assert f'<html lang="{language}">' in page.text
            assert page.headers["Retry-After"] == "30"
        assert "Under maintenance" in page.text or "mantenimiento" in page.text
        assert browser.get(f"{base}/readyz").status == 503
        assert browser.get(f"{base}/healthz").status == 200

        cluster.start()
        back = wait_for(lambda: browser.get(f"{base}/en/programmes/").status == 200, 10)
        assert back, log.read_text(errors="replace")
        for _ in range(4):
            assert browser.get(f"{base}/en/programmes/").status == 200
        assert browser.get(f"{base}/readyz").status == 200
    assert server_errors(log) == [], log.read_text(errors="replace")
