"""Backing up the database into one file, and putting such a file back.

SQLite: an online copy with SQLite's backup API, consistent even while gunicorn and the
task worker write (the database is in WAL mode, so the copy reads one snapshot without
stopping the writers). PostgreSQL: `pg_dump --format=custom`, put back with `pg_restore`.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3

# pg_dump and pg_restore, run with argument lists, never through a shell.
import subprocess  # nosec B404
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection as default_connection
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from capacita.shared.errors import UserError

SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATIONS_TABLE = "django_migrations"


class BackupError(UserError):
    """The backup or the restore could not be done; the message says why."""


@dataclass
class BackupSummary:
    path: Path
    size: int
    tables: int | None = None
    rows: int | None = None

    @property
    def counts(self) -> str:
        """ "61 tables, 346 rows", or "" when they were not counted (PostgreSQL's dump)."""
        parts = []
        if self.tables is not None:
            parts.append(f"{self.tables} tables")
        if self.rows is not None:
            parts.append(f"{self.rows} rows")
        return ", ".join(parts)


@dataclass
class MigrationState:
    """How the restored database's migrations compare with this version's code."""

    unknown: list[str] = field(default_factory=list)  # applied there, absent from the code
    pending: list[str] = field(default_factory=list)  # in the code, not applied there


def _identifier(name: str) -> str:
    return name.replace('"', '""')


def vendor(connection=default_connection) -> str:
    return connection.vendor


# --- SQLite ---------------------------------------------------------------------------------


def _sqlite_source(connection):
    """A sqlite3 connection onto the live database, and whether it is ours to close.

    A file database is read through a connection of its own (it sees only committed data);
    an in-memory one (the tests without TEST_SQLITE_NAME) only through Django's."""
    if connection.is_in_memory_db():
        connection.ensure_connection()
        return connection.connection, False
    source = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=20)
    source.execute("PRAGMA busy_timeout=20000")
    return source, True


def _count_sqlite(db: sqlite3.Connection) -> tuple[int, int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    # The names come from sqlite_master, quoted as identifiers (a quote inside doubled: the
    # file may be anyone's).
    rows = sum(
        db.execute(f'SELECT COUNT(*) FROM "{_identifier(name)}"').fetchone()[0]  # noqa: S608
        for name in names
    )
    return len(names), rows


def backup_sqlite(path: Path, connection=default_connection) -> BackupSummary:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    source, owned = _sqlite_source(connection)
    try:
        target = sqlite3.connect(str(partial))
        try:
            # pages=-1: the whole database in one step, from one read snapshot. (Copying in
            # several steps would start over at every write of another connection.)
            source.backup(target, pages=-1)
            # The copy is one self-contained file, without a -wal beside it.
            target.execute("PRAGMA journal_mode=DELETE")
            if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("The copy does not pass SQLite's integrity check.")
            tables, rows = _count_sqlite(target)
        finally:
            target.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        if owned:
            source.close()
    os.replace(partial, path)
    return BackupSummary(path=path, size=path.stat().st_size, tables=tables, rows=rows)


def check_sqlite_backup(path: Path) -> sqlite3.Connection:
    """Open a backup read-only after checking it is a sound SQLite database of Django's."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No file {path}.")
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database, so not a backup of Capacita.")
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} cannot be read as a SQLite database: {error}.") from error
        if verdict != "ok":
            raise BackupError(f"{path} fails SQLite's integrity check: {verdict}.")
        found = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [MIGRATIONS_TABLE]
        ).fetchone()
        if not found:
            raise BackupError(
                f"{path} is a SQLite database but has no {MIGRATIONS_TABLE} table: "
                "it is not a backup of Capacita."
            )
    except BaseException:
        db.close()
        raise
    return db


def restore_sqlite(path: Path, connection=default_connection) -> BackupSummary:
    path = Path(path)
    source = check_sqlite_backup(path)
    try:
        if connection.is_in_memory_db():
            connection.ensure_connection()
            source.backup(connection.connection, pages=-1)
        else:
            live = Path(connection.settings_dict["NAME"])
            if live.exists() and live.resolve() == path.resolve():
                raise BackupError(f"{path} is the live database itself.")
            connections.close_all()
            target = sqlite3.connect(str(live), timeout=20)
            try:
                target.execute("PRAGMA busy_timeout=20000")
                journal_mode = target.execute("PRAGMA journal_mode").fetchone()[0]
                source.backup(target, pages=-1)
                # The copy brings the backup's journal mode (DELETE); keep the live one (WAL).
                target.execute(f"PRAGMA journal_mode={journal_mode}")
            finally:
                target.close()
        tables, rows = _count_sqlite(source)
    finally:
        source.close()
    return BackupSummary(path=path, size=path.stat().st_size, tables=tables, rows=rows)


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed (or not on PATH); install PostgreSQL's client tools "
            "(e.g. `apt install postgresql-client`), the same major version as the server."
        )
    return found


def _pg_connection_args(settings_dict) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _run(command: list[str], env) -> subprocess.CompletedProcess:
    # The command is a PostgreSQL tool found on PATH, given an argument list (no shell).
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed (exit {result.returncode}): {result.stderr.strip()}")
    return result


def _pg_list(path: Path, env=None) -> list[str]:
    """The table of contents of a custom-format dump; refuses a file that is not one."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No file {path}.")
    result = subprocess.run(  # noqa: S603 - pg_restore from PATH, no shell
        [_pg_tool("pg_restore"), "--list", str(path)],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(
            f"{path} is not a pg_dump backup in custom format: {result.stderr.strip()}"
        )
    entries = result.stdout.splitlines()
    # An entry reads e.g. "215; 1259 43545 TABLE public django_migrations postgres".
    table = re.compile(rf" TABLE \S+ {MIGRATIONS_TABLE}(\s|$)")
    if not any(table.search(line) for line in entries):
        raise BackupError(f"{path} has no {MIGRATIONS_TABLE} table: not a backup of Capacita.")
    return entries


def backup_postgresql(path: Path, connection=default_connection) -> BackupSummary:
    path = Path(path)
    pg_dump = _pg_tool("pg_dump")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    args, env = _pg_connection_args(connection.settings_dict)
    command = [pg_dump, "--format=custom", "--no-owner", "--file", str(partial), *args]
    try:
        _run([*command, str(connection.settings_dict["NAME"])], env)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    tables = sum(" TABLE DATA " in line for line in _pg_list(path, env))
    return BackupSummary(path=path, size=path.stat().st_size, tables=tables)


def restore_postgresql(path: Path, settings_dict=None) -> BackupSummary:
    """Put a dump back into the database of settings_dict (the default database's if None)."""
    path = Path(path)
    settings_dict = settings_dict or default_connection.settings_dict
    pg_restore = _pg_tool("pg_restore")
    args, env = _pg_connection_args(settings_dict)
    entries = _pg_list(path, env)
    if settings_dict is default_connection.settings_dict:
        connections.close_all()
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            # All or nothing: a failure leaves the database as it was.
            "--single-transaction",
            "--exit-on-error",
            *args,
            "--dbname",
            str(settings_dict["NAME"]),
            str(path),
        ],
        env,
    )
    tables = sum(" TABLE DATA " in line for line in entries)
    return BackupSummary(path=path, size=path.stat().st_size, tables=tables)


# --- Either ---------------------------------------------------------------------------------


def backup(path: Path, connection=default_connection) -> BackupSummary:
    if connection.vendor == "sqlite":
        return backup_sqlite(path, connection)
    if connection.vendor == "postgresql":
        return backup_postgresql(path, connection)
    raise BackupError(f"Backups of a {connection.vendor} database are not supported.")


def check_backup(path: Path, connection=default_connection) -> None:
    """Refuse a file that is not a backup of this kind of database; change nothing."""
    if connection.vendor == "sqlite":
        check_sqlite_backup(path).close()
    elif connection.vendor == "postgresql":
        _pg_list(path, _pg_connection_args(connection.settings_dict)[1])
    else:
        raise BackupError(f"Restoring a {connection.vendor} database is not supported.")


def restore(path: Path, connection=default_connection) -> BackupSummary:
    if connection.vendor == "sqlite":
        return restore_sqlite(path, connection)
    if connection.vendor == "postgresql":
        return restore_postgresql(path, connection.settings_dict)
    raise BackupError(f"Restoring a {connection.vendor} database is not supported.")


def migration_state(connection=default_connection) -> MigrationState:
    """Compare the migrations recorded in the database with this version's migration files."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    unknown = sorted(
        f"{app}.{name}"
        for app, name in loader.applied_migrations
        if app in loader.migrated_apps and (app, name) not in loader.disk_migrations
    )
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    pending = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    return MigrationState(unknown=unknown, pending=pending)
