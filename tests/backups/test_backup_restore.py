"""`capacita backup` and `capacita restore`: a backup put back into a fresh database holds
every record; `restore` asks for --yes and refuses a file that is not a backup."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db import connections as all_connections

from capacita.audit.models import AuditEvent
from capacita.backups.services import restore_postgresql
from capacita.development.demo import load_demo

RESTORE_DB = "capacita_restore_test"

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's backup API; the suite runs on PostgreSQL"
)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump and pg_restore; the suite runs on SQLite"
)


def quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {quoted(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def counts_in(db, tables) -> dict[str, int]:
    """Row counts of the given tables through a DB-API connection (sqlite3 or psycopg)."""
    cursor = db.cursor()
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quoted(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def add_records(n: int = 3) -> None:
    for i in range(n):
        AuditEvent.objects.create(
            action=AuditEvent.Action.ROLE_GRANTED,
            subject_type="test",
            subject_id=str(i),
            reason=f"backup test {i}",
        )


@pytest.fixture
def data(transactional_db):
    """The demo and a few records more, committed."""
    load_demo()
    add_records()
    counts = live_counts()
    assert counts[AuditEvent._meta.db_table] >= 3
    return counts


@on_sqlite
def test_sqlite_backup_holds_every_record(data, tmp_path):
    path = tmp_path / "capacita.sqlite3"
    call_command("backup", str(path))
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert counts_in(db, data) == data
    finally:
        db.close()


@on_postgresql
def test_postgresql_backup_restores_into_a_fresh_database(data, tmp_path):
    import psycopg

    path = tmp_path / "capacita.dump"
    call_command("backup", str(path))
    settings = connection.settings_dict
    admin = {
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f"DROP DATABASE IF EXISTS {RESTORE_DB}")
        server.execute(f"CREATE DATABASE {RESTORE_DB}")
    try:
        restore_postgresql(path, {**settings, "NAME": RESTORE_DB})
        with psycopg.connect(dbname=RESTORE_DB, **admin) as restored:
            assert counts_in(restored, data) == data
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
            server.execute(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)")


def test_restore_brings_deleted_rows_back(data, tmp_path, capsys):
    path = tmp_path / "capacita.backup"
    call_command("backup", str(path))
    AuditEvent.objects.all().delete()
    add_records(1)
    assert live_counts() != data

    call_command("restore", str(path), "--yes")

    assert live_counts() == data
    out = capsys.readouterr().out
    assert "Restored" in out
    assert "match this version" in out


def test_restore_without_yes_changes_nothing(data, tmp_path):
    path = tmp_path / "capacita.backup"
    call_command("backup", str(path))
    AuditEvent.objects.all().delete()
    changed = live_counts()

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))

    assert live_counts() == changed


def test_a_file_that_is_not_a_backup_is_refused(data, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Not a backup at all.\n" * 20)
    with pytest.raises(CommandError, match="not a"):
        call_command("restore", str(path), "--yes")
    with pytest.raises(CommandError, match="No file"):
        call_command("restore", str(tmp_path / "missing.backup"), "--yes")
    assert live_counts() == data


@on_sqlite
def test_a_sqlite_database_of_something_else_is_refused(data, tmp_path):
    path = tmp_path / "other.sqlite3"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    other.commit()
    other.close()
    with pytest.raises(CommandError, match="django_migrations"):
        call_command("restore", str(path), "--yes")
    assert live_counts() == data


@pytest.mark.concurrency
@on_sqlite
def test_sqlite_backup_is_online_while_another_connection_writes(data, tmp_path):
    if connection.is_in_memory_db():
        pytest.skip("needs a file database: set TEST_SQLITE_NAME")
    table = AuditEvent._meta.db_table
    before = data[table]
    stop = threading.Event()
    started = threading.Event()
    written = []
    failures = []

    def keep_writing():
        try:
            while not stop.is_set():
                AuditEvent.objects.create(
                    action=AuditEvent.Action.ROLE_GRANTED,
                    subject_type="writer",
                    subject_id=str(len(written)),
                )
                written.append(1)
                if len(written) >= 5:
                    started.set()
        except Exception as error:  # reported below, in the test's thread
            failures.append(error)
            started.set()
        finally:
            all_connections.close_all()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert started.wait(30)
        paths = [tmp_path / f"online-{i}.sqlite3" for i in range(3)]
        for path in paths:
            call_command("backup", str(path))
    finally:
        stop.set()
        writer.join(30)
    assert not failures
    assert not writer.is_alive()
    after = AuditEvent.objects.count()
    assert after > before + 5
    for path in paths:
        db = sqlite3.connect(path)
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            in_backup = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            assert before <= in_backup <= after
        finally:
            db.close()
    assert not any(Path(f"{path}.partial").exists() for path in paths)


@on_sqlite
def test_restore_compares_the_backups_migrations_with_the_code(data, tmp_path, capsys):
    path = tmp_path / "capacita.sqlite3"
    call_command("backup", str(path))
    older, newer = tmp_path / "older.sqlite3", tmp_path / "newer.sqlite3"
    for copy, statement in (
        (older, "DELETE FROM django_migrations WHERE app = 'audit'"),
        (
            newer,
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('audit', '9999_from_the_future', '2030-01-01')",
        ),
    ):
        copy.write_bytes(path.read_bytes())
        db = sqlite3.connect(copy)
        db.execute(statement)
        db.commit()
        db.close()
    try:
        call_command("restore", str(older), "--yes")
        assert "run `capacita migrate`" in capsys.readouterr().out
        with pytest.raises(CommandError, match="newer version.*audit.9999_from_the_future"):
            call_command("restore", str(newer), "--yes")
    finally:
        # django_migrations is not emptied between tests: put the true one back.
        call_command("restore", str(path), "--yes")
    assert "match this version" in capsys.readouterr().out
    assert live_counts() == data
