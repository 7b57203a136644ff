"""A database holding `capacita seed_scale --participants N`, for the benchmarks at scale.

Seeding 100,000 participants takes minutes, so a seeded database is kept and reused by later
runs (`--fresh` makes it again):

- SQLite: `var/bench/scale_<N>[_p<P>].sqlite3` (and its WAL files);
- PostgreSQL: the database `capacita_bench_scale_<N>[_p<P>]` on the server of `--postgres`
  (default postgres://postgres@127.0.0.1:5432), created and migrated here.

Neither is the database of `DATABASE_URL` or `./var/capacita.sqlite3`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
CAPACITA = str(Path(sys.executable).with_name("capacita"))
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"


def add_arguments(parser) -> None:
    parser.add_argument(
        "--participants", type=int, default=10_000, help="participants in all (seed_scale)"
    )
    parser.add_argument(
        "--database", choices=["sqlite", "postgres"], default="sqlite", help="which database"
    )
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="PostgreSQL server URL")
    parser.add_argument(
        "--programmes",
        type=int,
        help="spread them over this many programmes (default: seed_scale's, one per thousand)",
    )
    parser.add_argument("--fresh", action="store_true", help="seed again even if kept")


def _name(args) -> str:
    return f"scale_{args.participants}" + (f"_p{args.programmes}" if args.programmes else "")


def database_url(args) -> str:
    if args.database == "sqlite":
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / f'{_name(args)}.sqlite3'}"
    parts = urlsplit(args.postgres)
    return urlunsplit(parts._replace(path=f"/capacita_bench_{_name(args)}"))


def environment(args, **extra) -> dict[str, str]:
    """The environment of every process run against the scaled database."""
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DATABASE_URL": database_url(args),
        "CAPACITA_VAR_DIR": str(folder),
        "STATIC_ROOT": str(folder / "static"),
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        **extra,
    }


def _postgres_exists(args) -> bool:
    import psycopg

    name = f"capacita_bench_{_name(args)}"
    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = found.fetchone() is not None
        if exists and args.fresh:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    return exists


def _seeded(env) -> bool:
    """Whether the database already holds generated programmes."""
    check = subprocess.run(
        [
            CAPACITA,
            "shell",
            "-c",
            "from capacita.programmes.models import Programme;"
            "print(Programme.objects.filter(slug__startswith='scale-').exists())",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return check.stdout.strip().splitlines()[-1:] == ["True"]


def prepare(args, say=print) -> dict[str, str]:
    """Create, migrate and seed the database when needed; collect the static files. Returns
    the environment for the processes that use it."""
    env = environment(args)
    if args.database == "sqlite":
        path = Path(urlsplit(env["DATABASE_URL"]).path)
        if args.fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        _postgres_exists(args)
    subprocess.run([CAPACITA, "migrate", "--noinput", "-v0"], env=env, check=True)
    if not _seeded(env):
        say(f"seeding {args.participants} participants into {args.database} …")
        started = time.perf_counter()
        command = [CAPACITA, "seed_scale", "--participants", str(args.participants)]
        if args.programmes:
            command += ["--programmes", str(args.programmes)]
        subprocess.run(command, env=env, check=True)
        say(f"seeded in {time.perf_counter() - started:.0f} s")
    subprocess.run([CAPACITA, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    return env
