"""Benchmark: issuing 1,000 certificates against rendering the same PDFs with WeasyPrint alone.

    .venv/bin/python bench/bench_certificates.py [--count 1000] [--seed 2021]

The requirement: issuing 1,000 certificates runs at no less than half the speed of rendering
the same 1,000 PDFs with WeasyPrint alone in one process. This script

1. makes a throw-away SQLite database in a temporary folder and migrates it, with the
   private media (logos, signatures, the certificates' PDFs) in that folder too (it never
   touches ./var or the database of DATABASE_URL), and removes it all at the end; e-mails
   are only queued (the database task backend stores the task; no worker runs);
2. creates a programme with 3 virtual sessions, 2 required courses, 2 organisers with
   logos and 2 signatories with signatures, and `--count` participants named
   "Persona Ficticia Núñez 00001"… (accents and ñ included, one in four reading English),
   every one of them eligible: present at every session, both courses completed before
   their deadline;
3. the baseline: the HTML of each of the `--count` certificates (unsaved certificates with
   fresh codes) is produced before timing by pdf.py's own code (its renderer, with
   WeasyPrint's HTML class stood in for by one that keeps the string), then WeasyPrint
   alone renders each document and writes its PDF, `HTML(string=…).render(…).write_pdf(…)`
   (what `HTML.write_pdf` does), with the style sheet, font configuration, URL fetcher and
   image cache pdf.py prepares, shared by all the documents as any WeasyPrint user would;
4. times `issue_certificates(programme)` for the same people (all eligible, none holding a
   certificate): certificates saved, PDFs rendered and stored, audit records written,
   e-mails with the PDF attached queued, the delivery tasks enqueued on commit;
5. checks that exactly `--count` certificates exist, each with its PDF, and that `--count`
   e-mails and delivery tasks are queued; prints both times, the ratio issuing / baseline,
   the budget (2.0: at least half the speed) and PASS or FAIL.

One run of each, in the same process, the baseline first (after one document rendered
untimed, so that neither pays WeasyPrint's first-use costs): 1,000 PDFs take minutes.

It is a benchmark, not a test: pytest does not collect it (it lives outside tests/).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

BUDGET = 2.0
ROOT = Path(__file__).resolve().parent.parent

# Plainly made-up surnames, with the accents and ñ real names have.
SURNAMES = (
    "Núñez",
    "Peña",
    "Muñoz",
    "Ibáñez",
    "Castañeda",
    "Álvarez",
    "Pérez",
    "Gómez",
    "Martínez",
    "Echeverría",
    "Saldaña",
    "Ordóñez",
)


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000, help="certificates to issue")
    parser.add_argument("--seed", type=int, default=2021)
    options = parser.parse_args()
    if options.count < 1:
        parser.error("--count must be at least 1")
    return options


def setup_django(folder: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["CAPACITA_VAR_DIR"] = str(folder)
    os.environ["PRIVATE_MEDIA_ROOT"] = str(folder / "private")
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    # The e-mails' delivery tasks are stored in the database, as in production; no worker.
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    # WeasyPrint logs its progress at INFO, seven lines a document: not measured here.
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "capacita.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A small made-up image: a coloured band on white."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).rectangle(
        (width // 10, height // 4, width * 9 // 10, height * 3 // 4), fill=colour
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def make_programme(count: int, seed: int):
    """A programme of 3 sessions and 2 required courses, and `count` participants who
    attended every session and completed both courses by their deadline."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from capacita.agenda.models import VirtualSession
    from capacita.attendance.models import AttendanceRecord
    from capacita.certificates.models import Signatory
    from capacita.completions.models import CourseCompletion
    from capacita.programmes.models import Course, Membership, Organiser, Programme, Role

    rng = random.Random(seed)  # noqa: S311 — made-up data
    User = get_user_model()
    programme = Programme.objects.create(
        slug="bench",
        title_es="Programa de prueba sobre migración",
        title_en="Benchmark programme on migration",
        description_es="-",
        description_en="-",
        general_objective_es="-",
        general_objective_en="-",
        time_zone="America/Mexico_City",
        start_date=dt.date(2021, 10, 26),
        end_date=dt.date(2021, 10, 29),
    )
    start = dt.datetime(2021, 10, 26, 19, 0, tzinfo=dt.UTC)  # 14:00 in Mexico City
    sessions = [
        VirtualSession.objects.create(
            programme=programme,
            number=number,
            title_es=f"Sesión {number}",
            title_en=f"Session {number}",
            starts_at=start + dt.timedelta(days=number - 1),
            ends_at=start + dt.timedelta(days=number - 1, hours=2),
        )
        for number in (1, 2, 3)
    ]
    deadline = dt.datetime(2021, 11, 15, 23, 59, tzinfo=dt.UTC)
    courses = [
        Course.objects.create(
            programme=programme,
            code=f"curso-{number}",
            position=number,
            title_es=f"Curso ficticio {number}",
            title_en=f"Fictitious course {number}",
            provider_es="Proveedor ficticio",
            provider_en="Fictitious provider",
            url=f"https://example.org/curso-{number}",
            is_required=True,
            deadline=deadline,
        )
        for number in (1, 2)
    ]
    for number, (acronym, name_es, name_en) in enumerate(
        [
            ("OFE", "Organización Ficticia de Ejemplo", "Fictitious Example Organisation"),
            ("IPÑ", "Instituto de Prueba Año Cero", "Year Zero Test Institute"),
        ],
        start=1,
    ):
        organiser = Organiser(
            programme=programme,
            code=f"org-{number}",
            position=number,
            name_es=name_es,
            name_en=name_en,
            acronym_es=acronym,
            acronym_en=acronym,
        )
        organiser.logo.save(
            f"logo-{number}.png", ContentFile(png(600, 200, (20, 60 * number, 120))), save=False
        )
        organiser.save()
    for number, name in enumerate(["Firmante Ficticia Uno", "Firmante Ficticio Dos"], start=1):
        signatory = Signatory(
            programme=programme,
            position=number,
            name=name,
            job_title_es="Directora ficticia" if number == 1 else "Coordinador ficticio",
            job_title_en="Fictitious director" if number == 1 else "Fictitious coordinator",
            organisation_es="Organización Ficticia de Ejemplo",
            organisation_en="Fictitious Example Organisation",
        )
        signatory.signature.save(
            f"signature-{number}.png", ContentFile(png(400, 120, (10, 10, 80))), save=False
        )
        signatory.save()

    people = []
    for n in range(1, count + 1):
        surname = rng.choice(SURNAMES)
        if n % 5 == 0:  # a second surname now and then: longer names, smaller type
            surname = f"{surname} y {rng.choice(SURNAMES)}"
        people.append(
            User(
                email=f"persona.{n:05d}@example.org",
                first_name="Persona",
                last_name=f"Ficticia {surname} {n:05d}",
                language="en" if n % 4 == 0 else "es",
                password="!",  # noqa: S106 — no password: these accounts never log in
            )
        )
    User.objects.bulk_create(people, batch_size=2000)
    user_ids = list(User.objects.filter(email__startswith="persona.").values_list("pk", flat=True))
    Membership.objects.bulk_create(
        [Membership(programme=programme, user_id=pk, role=Role.PARTICIPANT) for pk in user_ids],
        batch_size=2000,
    )
    present = AttendanceRecord.Status.PRESENT
    AttendanceRecord.objects.bulk_create(
        [
            AttendanceRecord(
                session=session,
                user_id=pk,
                status=present,
                imported_status=present,
                imported_minutes=110,
            )
            for session in sessions
            for pk in user_ids
        ],
        batch_size=2000,
    )
    CourseCompletion.objects.bulk_create(
        [
            CourseCompletion(
                course=course,
                user_id=pk,
                completed=True,
                completed_at=deadline - dt.timedelta(days=3, minutes=rng.randint(0, 5000)),
                is_late=False,
                source=CourseCompletion.Source.HAND,
            )
            for course in courses
            for pk in user_ids
        ],
        batch_size=2000,
    )
    return programme


def baseline_documents(programme):
    """The HTML of each participant's certificate as pdf.py writes it, and the renderer
    whose style sheet, fonts, URL fetcher and image cache render them.

    The certificates are unsaved, with fresh codes; pdf.py's renderer builds each one's
    HTML through its own template and context while WeasyPrint's HTML class is stood in for
    by one that keeps the string and renders nothing (the first density: every name fits
    on one page at it, which the baseline's page count checks)."""
    from django.utils import timezone

    from capacita.certificates import codes, pdf
    from capacita.certificates.models import Certificate
    from capacita.certificates.rule import participants
    from capacita.certificates.services import design_of, holder_language

    design = design_of(programme)
    now = timezone.now()
    certificates = [
        Certificate(
            programme=programme,
            user=membership.user,
            code=codes.new_code(),
            holder_name=membership.user.get_full_name() or membership.user.email,
            language=holder_language(design, membership.user),
            issued_at=now,
        )
        for membership in participants(programme)
    ]
    renderer = pdf._Renderer(programme)
    pages = [None]  # one page: the renderer keeps the first density's HTML
    captured: list[str] = []

    class KeepString:
        def __init__(self, string, **_options):
            captured.append(string)

        def render(self, **_options):
            return self

        @property
        def pages(self):
            return pages

        def write_pdf(self, **_options):
            return b""

    real = pdf.HTML
    pdf.HTML = KeepString
    try:
        for certificate in certificates:
            renderer.render(certificate)
    finally:
        pdf.HTML = real
    return captured, renderer


def render_one(renderer, html: str) -> tuple[bytes, int]:
    """WeasyPrint alone: the document laid out and written, with pdf.py's style sheet, font
    configuration, URL fetcher and image cache. Returns the PDF and its number of pages."""
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=renderer.fetcher).render(
        font_config=renderer.font_config,
        stylesheets=[renderer.stylesheet],
        cache=renderer.image_cache,
    )
    return document.write_pdf(cache=renderer.image_cache), len(document.pages)


def time_baseline(renderer, documents: list[str]) -> tuple[float, int, int]:
    """Seconds to render every document; the total PDF bytes and the documents of more
    than one page (there should be none)."""
    size = longer = 0
    started = time.perf_counter()
    for html in documents:
        data, pages = render_one(renderer, html)
        size += len(data)
        longer += pages != 1
    elapsed = time.perf_counter() - started
    return elapsed, size, longer


def time_issue(programme):
    from capacita.certificates.services import issue_certificates

    started = time.perf_counter()
    outcome = issue_certificates(programme)
    return time.perf_counter() - started, outcome


def sanity(programme, count: int, issued: int) -> tuple[bool, str, int]:
    """Whether exactly `count` certificates exist, each with its stored PDF, and `count`
    e-mails and delivery tasks are queued; the report line; the PDFs' total size."""
    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    from capacita.certificates.models import Certificate
    from capacita.emails.models import OutgoingEmail

    certificates = Certificate.objects.filter(programme=programme)
    stored = [
        Path(settings.PRIVATE_MEDIA_ROOT) / name
        for name in certificates.exclude(pdf="").values_list("pdf", flat=True)
    ]
    files = [path for path in stored if path.is_file()]
    size = sum(path.stat().st_size for path in files)
    emails = OutgoingEmail.objects.filter(
        kind="certificate",
        status=OutgoingEmail.Status.QUEUED,
        attachment_type="application/pdf",
    ).count()
    tasks = DBTaskResult.objects.filter(task_path__endswith="deliver_email").count()
    figures = {
        "issued": issued,
        "certificates": certificates.count(),
        "with PDF": len(files),
        "e-mails queued": emails,
        "delivery tasks": tasks,
    }
    line = ", ".join(f"{name} {value:,}" for name, value in figures.items())
    return all(value == count for value in figures.values()), line, size


def main() -> int:
    options = arguments()
    folder = Path(tempfile.mkdtemp(prefix="capacita-bench-"))
    try:
        setup_django(folder)
        programme = make_programme(options.count, options.seed)
        documents, renderer = baseline_documents(programme)
        print(f"certificates: {options.count:,} (all eligible, none issued yet)")
        render_one(renderer, documents[0])  # WeasyPrint's first-use costs, untimed
        baseline, baseline_size, longer = time_baseline(renderer, documents)
        seconds, outcome = time_issue(programme)
        count = options.count
        ok, line, issued_size = sanity(programme, count, len(outcome.issued))
        ratio = seconds / baseline
        print(
            f"WeasyPrint alone:  {baseline:8.2f} s  {baseline / count * 1000:7.1f} ms per PDF "
            f"(average {baseline_size / count / 1024:.1f} KiB"
            + (f"; {longer} of more than one page" if longer else "")
            + ")"
        )
        print(
            f"issuing:           {seconds:8.2f} s  {seconds / count * 1000:7.1f} ms per "
            f"certificate (average PDF {issued_size / count / 1024:.1f} KiB)"
        )
        print(
            f"ratio issuing/WeasyPrint: {ratio:.2f}  (budget {BUDGET:.1f}: at least half the speed)"
        )
        print(f"check: {line}: {'as expected' if ok else f'expected {count:,} of each'}")
        passed = ok and ratio <= BUDGET
        print("PASS" if passed else "FAIL")
        return 0 if passed else 1
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
