"""SQLite runs in WAL mode with a busy timeout: a second writer waits instead of failing."""

import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="these are the SQLite settings; the PostgreSQL run checks its own database",
    ),
    pytest.mark.concurrency,
]

# Runs in a fresh interpreter so that the settings are read from the environment as in
# production, against a database file of the test's own.
WRITER = textwrap.dedent(
    """
    import os, sys, time, threading
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "capacita.settings"
    django.setup()
    from django.db import connection, connections, transaction

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        print("journal_mode", cursor.fetchone()[0])
        cursor.execute("PRAGMA busy_timeout")
        print("busy_timeout", cursor.fetchone()[0])
        cursor.execute("CREATE TABLE IF NOT EXISTS tally (n integer)")

    holding = threading.Event()

    def slow_writer():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO tally VALUES (1)")
            holding.set()
            time.sleep(1.5)
        connection.close()

    def second_writer():
        holding.wait()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO tally VALUES (2)")
        connection.close()

    threads = [threading.Thread(target=slow_writer), threading.Thread(target=second_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tally")
        print("rows", cursor.fetchone()[0])
    """
)


def test_a_second_writer_waits_for_the_first_instead_of_failing(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'capacita.sqlite3'}",
        "CAPACITA_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", WRITER],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["journal_mode"] == "wal"
    # Python would wait 5 s by default; the settings give a writer 20 s.
    assert int(lines["busy_timeout"]) == 20000
    assert lines["rows"] == "2"
