"""Benchmark: importing 10,000 nominations against inserting the same rows with bulk_create alone.

    .venv/bin/python bench/bench_nominations_import.py [--rows 10000] [--runs 3]
    .venv/bin/python bench/bench_nominations_import.py --database-url postgres://postgres@127.0.0.1:5432

The requirement: the nominations import of 10,000 rows takes no more than three times as
long as inserting the same rows with `bulk_create` alone. This script

1. makes a throw-away database, migrates it and removes it at the end: by default SQLite in
   a temporary folder (it never touches ./var or the database of DATABASE_URL); with
   `--database-url` the PostgreSQL server it names, on which it creates the database
   `capacita_bench_nominations` (dropping one left by an interrupted run) and drops it at
   the end (the URL's own database, "postgres" if it names none, is only used to do that);
2. loads the 2021 programme from its file, as `capacita demo` does, gives Costa Rica a
   quota of `--rows` places (so that every row is submitted and none goes to the reserve
   list) and creates a focal point for it, the import's actor;
3. writes `--rows` nominees into XLSX workbooks as focal points fill in the template, at most
   2,000 rows a workbook (the upload's and the command's limit per file), all plainly made
   up: "Persona" "Ficticia 00001", nominee.00001@example.org, the programme's profiles by
   their Spanish name, one in ten "Otro: …", sex/gender and language in words;
4. reads them with `read_nomination_sheet`, as the upload and the command do, and times that
   parsing on its own: it is printed, and not part of the ratio, since the requirement
   compares the import with the insertion;
5. times, turn about, each the best of `--runs`, on an empty list each time and after a
   garbage collection (so that neither pays for collecting the other's objects):
   - the baseline: `Nomination.objects.bulk_create` of the same `--rows` Nomination objects,
     built before timing from the same rows with the same field values the import saves
     (profile resolved, status, submitted_by);
   - `import_nominations(programme, country, rows, actor=…)`, the service the upload's
     confirmation and the command call to commit a list: the country's lock, every row's
     checks (required fields, e-mail, profile, sex/gender, language, lengths, duplicates in
     the file and in the programme), the quota, the insert and one audit record per
     nomination, in one transaction;
6. checks that the import saved `--rows` nominations with the baseline's values, and an
   audit record for each (its actor, nomination, status and "via": "import"); prints both
   times, the ratio import / bulk_create (wall clock, and CPU time for a loaded machine),
   the budget (3.0) and PASS or FAIL; exit status 1 on FAIL.

Why bulk_create is the baseline: it is the least any import must do, multi-row INSERTs of
the rows as they are stored (as many as SQLite's limit on parameters needs; one on
PostgreSQL). What the import does beyond it (building the objects from the rows, checking
each row, looking for the e-mails already nominated, the audit trail) is what the budget
bounds. The service gets all the rows in one call: it takes any number, and only a file is
limited to 2,000, so reading the workbooks is timed apart rather than in the import.

It is a benchmark, not a test: pytest does not collect it (it lives outside tests/).
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BUDGET = 3.0
ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "capacita_bench_nominations"
COUNTRY = "CR"
ROWS_PER_FILE = 2_000  # spreadsheets.MAX_ROWS: the most one uploaded list may hold


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="nominees in the list")
    parser.add_argument("--runs", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (postgres://user@host:port) on which to create and drop "
        f"the throw-away database {BENCH_DATABASE}; SQLite in a temporary folder without it",
    )
    options = parser.parse_args()
    if options.rows < 1 or options.runs < 1:
        parser.error("--rows and --runs must be at least 1")
    return options


# --- The throw-away database -----------------------------------------------------------------


def _server_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


def _maintenance(url: str, statement: str) -> None:
    import psycopg

    parts = urlsplit(url)
    maintenance = _server_url(url, parts.path.strip("/") or "postgres")
    # CREATE and DROP DATABASE cannot run inside a transaction.
    with psycopg.connect(maintenance.replace("postgresql://", "postgres://"), autocommit=True) as c:
        c.execute(statement)


def create_postgres_database(url: str) -> str:
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        sys.exit("--database-url must be a PostgreSQL URL (postgres://…)")
    _maintenance(url, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
    _maintenance(url, f"CREATE DATABASE {BENCH_DATABASE}")
    return _server_url(url, BENCH_DATABASE)


def drop_postgres_database(url: str) -> None:
    _maintenance(url, f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def setup_django(folder: Path, database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["CAPACITA_VAR_DIR"] = str(folder)
    os.environ["PRIVATE_MEDIA_ROOT"] = str(folder / "private")
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ["DEBUG"] = "0"  # as in production: no query log kept in memory
    os.environ["DJANGO_SETTINGS_MODULE"] = "capacita.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- The programme and the list --------------------------------------------------------------


def make_programme(rows: int):
    """The 2021 programme, Costa Rica with room for every row, and its focal point."""
    from django.contrib.auth import get_user_model

    from capacita.agenda.programme_file import load_programme, read_programme_file
    from capacita.development.demo import DEMO_PROGRAMME_FILE
    from capacita.programmes.models import Country, MemberCountry, Membership, Role

    programme = load_programme(read_programme_file(DEMO_PROGRAMME_FILE))
    country = Country.objects.get(code=COUNTRY)
    MemberCountry.objects.filter(programme=programme, country=country).update(quota=rows)
    focal_point = get_user_model().objects.create_user(
        "punto.focal.ficticio@example.org",
        None,
        first_name="Punto Focal",
        last_name="Ficticio",
        country=country,
    )
    Membership.objects.create(
        programme=programme, user=focal_point, role=Role.FOCAL_POINT, country=country
    )
    return programme, country, focal_point


HEADER = [
    "Nombre(s)",
    "Apellido(s)",
    "Cargo/Puesto",
    "Institución",
    "Correo electrónico",
    "Perfil",
    "Sexo/Género",
    "Idioma preferido",
]
GENDERS = ("Mujer", "Hombre", "No binaria", "Prefiero no decir", "")
LANGUAGES = ("Español", "English", "es", "")


def list_rows(programme, rows: int) -> list[list[str]]:
    """The cells of each nominee's row, in HEADER's order."""
    profiles = list(programme.profiles.order_by("position").values_list("name_es", flat=True))
    cells = []
    for n in range(1, rows + 1):
        profile = profiles[n % len(profiles)]
        if n % 10 == 0:
            profile = "Otro: analista ficticia del mercado laboral"
        cells.append(
            [
                "Persona",
                f"Ficticia {n:05d}",
                "Consejera de empleo ficticia",
                "Ministerio Ficticio de Trabajo",
                f"nominee.{n:05d}@example.org",
                profile,
                GENDERS[n % len(GENDERS)],
                LANGUAGES[n % len(LANGUAGES)],
            ]
        )
    return cells


def workbooks(cells: list[list[str]]) -> list[bytes]:
    """The list as the XLSX workbooks a focal point would upload, ROWS_PER_FILE at most each."""
    from openpyxl import Workbook

    files = []
    for start in range(0, len(cells), ROWS_PER_FILE):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(HEADER)
        for row in cells[start : start + ROWS_PER_FILE]:
            sheet.append(row)
        output = io.BytesIO()
        workbook.save(output)
        files.append(output.getvalue())
    return files


def time_parsing(files: list[bytes]) -> tuple[float, list]:
    """Seconds for `read_nomination_sheet` to read every workbook, and the rows, numbered as
    if one list (the service takes any number of rows; a file holds at most 2,000)."""
    from capacita.nominations.spreadsheets import SheetRow, read_nomination_sheet

    started = time.perf_counter()
    sheets = [read_nomination_sheet(f"lista-{k}.xlsx", content) for k, content in enumerate(files)]
    elapsed = time.perf_counter() - started
    rows = [row for sheet in sheets for row in sheet.rows]
    return elapsed, [SheetRow(number=k + 2, values=row.values) for k, row in enumerate(rows)]


def baseline_objects(programme, country, actor, rows) -> list:
    """The Nomination objects the import saves for `rows`, built without its checks."""
    from capacita.nominations.models import Gender, Nomination
    from capacita.nominations.verdicts import ProfileResolver

    profiles = ProfileResolver(programme.profiles.all())
    genders = {
        "Mujer": Gender.WOMAN,
        "Hombre": Gender.MAN,
        "No binaria": Gender.NON_BINARY,
        "Prefiero no decir": Gender.UNDISCLOSED,
        "": "",
    }
    languages = {"Español": "es", "English": "en", "es": "es", "": "es"}
    objects = []
    for row in rows:
        values = row.values
        profile_id, profile_other, _known = profiles.resolve(values["profile"])
        objects.append(
            Nomination(
                programme=programme,
                country=country,
                status=Nomination.Status.SUBMITTED,
                submitted_by=actor,
                first_name=values["first_name"],
                last_name=values["last_name"],
                position=values["position"],
                institution=values["institution"],
                email=values["email"],
                profile_id=profile_id,
                profile_other=profile_other,
                gender=genders[values["gender"]],
                language=languages[values["language"]],
            )
        )
    return objects


# --- Timing ----------------------------------------------------------------------------------

COMPARED = (
    "country_id",
    "status",
    "submitted_by_id",
    "first_name",
    "last_name",
    "position",
    "institution",
    "email",
    "profile_id",
    "profile_other",
    "gender",
    "language",
)


def empty_list(programme) -> None:
    from capacita.audit.models import AuditEvent
    from capacita.nominations.models import Nomination

    Nomination.objects.filter(programme=programme).delete()
    AuditEvent.objects.filter(programme=programme).delete()


def saved(programme) -> list[tuple]:
    from capacita.nominations.models import Nomination

    return list(
        Nomination.objects.filter(programme=programme).order_by("email").values_list(*COMPARED)
    )


def time_bulk_create(objects) -> tuple[float, float]:
    from capacita.nominations.models import Nomination

    started, cpu = time.perf_counter(), time.process_time()
    Nomination.objects.bulk_create(objects)
    return time.perf_counter() - started, time.process_time() - cpu


def time_import(programme, country, actor, rows) -> tuple[tuple[float, float], object]:
    from capacita.nominations.services import import_nominations

    started, cpu = time.perf_counter(), time.process_time()
    result = import_nominations(programme, country, rows, actor=actor)
    return (time.perf_counter() - started, time.process_time() - cpu), result


def check(programme, actor, rows: int, expected: list[tuple], result) -> tuple[bool, str]:
    """Whether the import saved every row as the baseline did, each with its audit record
    (who, which nomination, its status, "via": "import")."""
    from capacita.audit.models import AuditEvent
    from capacita.nominations.models import Nomination

    events = set(
        AuditEvent.objects.filter(
            programme=programme, action=AuditEvent.Action.NOMINATION_SUBMITTED
        ).values_list("actor_id", "subject_type", "subject_id", "details__status", "details__via")
    )
    wanted = {
        (actor.pk, "nominations.nomination", str(pk), status, "import")
        for pk, status in Nomination.objects.filter(programme=programme).values_list("pk", "status")
    }
    same = saved(programme) == expected
    line = (
        f"{len(result.created):,} nominations created, {len(events):,} audit records "
        + ("as expected" if events == wanted else "NOT as expected")
        + ", values "
        + ("as the baseline's" if same else "NOT as the baseline's")
    )
    passed = result.saved and len(result.created) == rows and len(wanted) == rows
    return passed and events == wanted and same, line


def main() -> int:
    options = arguments()
    folder = Path(tempfile.mkdtemp(prefix="capacita-bench-"))
    database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
    if options.database_url:
        database_url = create_postgres_database(options.database_url)
    try:
        setup_django(folder, database_url)
        from django.db import connection

        programme, country, actor = make_programme(options.rows)
        cells = list_rows(programme, options.rows)
        files = workbooks(cells)
        print(
            f"database: {connection.vendor}; list: {options.rows:,} rows for {country.code} "
            f"in {len(files)} XLSX workbook(s) of at most {ROWS_PER_FILE:,} rows"
        )
        # Turn about, so both see the same load on the machine; the best run of each counts.
        parse_times, bulk_times, import_times = [], [], []
        ok, line = True, ""
        for _run in range(options.runs):
            seconds, rows = time_parsing(files)
            parse_times.append(seconds)
            empty_list(programme)
            objects = baseline_objects(programme, country, actor, rows)
            # Each starts without the other's garbage, whose collection it would pay for.
            gc.collect()
            bulk_times.append(time_bulk_create(objects))
            expected = saved(programme)
            del objects
            empty_list(programme)
            gc.collect()
            seconds, result = time_import(programme, country, actor, rows)
            import_times.append(seconds)
            run_ok, line = check(programme, actor, options.rows, expected, result)
            ok = ok and run_ok
            del result
        bulk_best = min(wall for wall, _cpu in bulk_times)
        import_best = min(wall for wall, _cpu in import_times)
        ratio = import_best / bulk_best
        cpu_ratio = min(cpu for _wall, cpu in import_times) / min(cpu for _wall, cpu in bulk_times)
        parse_best = min(parse_times)
        print(f"check: {line}")
        print(
            f"reading the workbooks (not in the ratio): {parse_best:.3f} s  "
            f"(runs: {', '.join(f'{s:.3f}' for s in parse_times)})"
        )
        print(f"bulk_create alone:  {bulk_best:.3f} s  (runs: {_list(bulk_times)})")
        print(f"import:             {import_best:.3f} s  (runs: {_list(import_times)})")
        print(
            f"ratio import/bulk_create: {ratio:.2f}  "
            f"(budget {BUDGET:.1f}; CPU time: {cpu_ratio:.2f})"
        )
        print(f"(for comparison: workbooks read and imported: {parse_best + import_best:.3f} s)")
        passed = ok and ratio <= BUDGET
        print("PASS" if passed else "FAIL")
        return 0 if passed else 1
    finally:
        from django.apps import apps

        if apps.ready:
            from django.db import connections

            connections.close_all()
        if options.database_url:
            drop_postgres_database(options.database_url)
        shutil.rmtree(folder, ignore_errors=True)


def _list(times) -> str:
    return ", ".join(f"{wall:.3f}" for wall, _cpu in times)


if __name__ == "__main__":
    sys.exit(main())
