"""Benchmark: every PDF made from what people type, with every text at its limit.

    .venv/bin/python bench/bench_pdf_worst_case.py [--runs 2] [--shapes lines,paragraph,word]

The requirement: any participant may download the plenary of group work as often as they
like once it is open, so the PDF of a session whose every text is at its limit
(`capacita/shared/text_limits.py`) must render in well under gunicorn's timeout (README,
deployment),
within 10 seconds. This script

1. makes a throw-away SQLite database in a temporary folder, migrates it and loads the demo
   (it never touches ./var or the database of DATABASE_URL), and removes it all at the end;
2. builds the worst case of `tests/worst_case.py` — session 3's four groups with every
   answer, factor, need and referral at its limit (characters and lines), every
   participant's names at theirs, the balance's texts at theirs, a certificate with the
   longest name and text — once for each shape a text at its limit may take: `lines` (as
   many lines as allowed, each of words: what WeasyPrint spends most on), `paragraph` (the
   blank lines allowed, then one paragraph) and `word` (no space at all);
3. as the programme's manager, through Django's test client (permission, queries, template,
   WeasyPrint), downloads the plenary of sessions 3 and 2, the final balance and Mexico's
   country report; renders the certificate with `render_certificate`; best of `--runs`,
   after one untimed download (WeasyPrint's first-use costs);
4. prints each PDF's seconds, pages and size for each shape, and the slowest against the
   10-second budget: PASS or FAIL.

It is a benchmark, not a test: pytest does not collect it (it lives outside tests/). The
same worst case is rendered, untimed, by tests/groupwork/test_pdf_worst_case.py.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_certificates import setup_django  # noqa: E402

BUDGET = 10.0  # seconds, for any one PDF
PROGRAMME = "/en/programmes/crm-2021"
DOWNLOADS = [
    ("plenary, session 3", f"{PROGRAMME}/sessions/3/plenary.pdf"),
    ("plenary, session 2", f"{PROGRAMME}/sessions/2/plenary.pdf"),
    ("final balance", f"{PROGRAMME}/balance.pdf"),
    ("country report, MX", f"{PROGRAMME}/reports/MX.pdf"),
]


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="runs of each; the best counts")
    parser.add_argument(
        "--shapes", default="lines,paragraph,word", help="shapes of the texts, comma-separated"
    )
    return parser.parse_args()


def pages_of(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def best_of(runs: int, make) -> tuple[float, bytes]:
    best, data = None, b""
    for _run in range(runs):
        started = time.perf_counter()
        data = make()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, data


def main() -> int:
    options = arguments()
    folder = Path(tempfile.mkdtemp(prefix="capacita-bench-"))
    try:
        os.environ["STATIC_ROOT"] = str(folder / "static")
        (folder / "static").mkdir()
        setup_django(folder)  # bench_certificates.py's throw-away database, migrated
        # WeasyPrint warns of every SVG property of the charts it does not read: not measured.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        from django.contrib.auth import get_user_model
        from django.test import Client

        from capacita.certificates.pdf import render_certificate
        from capacita.development.demo import load_demo
        from capacita.shared import text_limits as limits
        from tests import worst_case

        programme, _accounts = load_demo()
        worst_case.longest_names(programme)
        client = Client()
        client.force_login(get_user_model().objects.get(email="manager@example.org"))

        def download(path):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code}")
            return response.content

        print(
            f"limits: group answer {limits.GROUP_ANSWER:,} characters in "
            f"{limits.GROUP_ANSWER_LINES} lines; {limits.FACTORS_PER_ASSESSMENT} factors of "
            f"{limits.FACTOR_NAME} + {limits.FACTOR_NOTE} characters; needs and referrals "
            f"{limits.ASSESSMENT_TEXT:,} in {limits.ASSESSMENT_LINES} lines; balance texts "
            f"{limits.NARRATIVE:,} in {limits.NARRATIVE_LINES} lines; names {limits.NAME} + "
            f"{limits.NAME}"
        )
        print(f"best of {options.runs}, {time.strftime('%Y-%m-%d')}")
        print(f"{'PDF':<22}{'shape':<11}{'seconds':>8}{'pages':>7}{'KiB':>7}")
        slowest = ("", "", 0.0)
        download(DOWNLOADS[0][1])  # WeasyPrint's first-use costs, untimed
        for shape in options.shapes.split(","):
            worst_case.worst_plenary(programme, 3, shape)
            worst_case.worst_plenary(programme, 2, shape)
            worst_case.worst_balance(programme, shape)
            certificate = worst_case.worst_certificate(programme)
            made = [
                (name, *best_of(options.runs, lambda path=path: download(path)))
                for name, path in DOWNLOADS
            ]
            made.append(
                (
                    "certificate",
                    *best_of(options.runs, lambda made=certificate: render_certificate(made)),
                )
            )
            for name, seconds, data in made:
                print(
                    f"{name:<22}{shape:<11}{seconds:8.2f}{pages_of(data):7d}{len(data) / 1024:7.0f}"
                )
                if seconds > slowest[2]:
                    slowest = (name, shape, seconds)
        name, shape, seconds = slowest
        print(f"slowest: {name} ({shape}), {seconds:.2f} s; budget {BUDGET:.0f} s")
        passed = seconds <= BUDGET
        print("PASS" if passed else "FAIL")
        return 0 if passed else 1
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
