"""Benchmark: the final balance (page, PDF, workbook) in a database of N participants.

    .venv/bin/python bench/bench_balance.py [--participants 100000] [--programmes P]
        [--database sqlite|postgres] [--runs 3] [--fresh]

The requirement (issue 9): "the balance report at N = 100,000". The balance of a programme
reads only that programme's people, so what N changes is the size of the tables it reads
from. This script prepares the scaled database (`bench/scaled_database.py`), then, as the
generated manager through Django's test client (the whole view: permission, figures,
evaluation, charts, template or document), times the balance page, its PDF and its workbook
for the first generated programme, best of `--runs`, and counts each one's queries.

With `--programmes 1` every participant is in the one programme: the balance of a
programme of N people (a stress case; a real edition has about a hundred).

It is a benchmark, not a test: pytest does not collect it (it lives outside tests/).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scaled_database  # noqa: E402

PAGES = [
    ("balance page", "/en/programmes/scale-001/balance/"),
    ("balance PDF", "/en/programmes/scale-001/balance.pdf"),
    ("balance workbook", "/en/programmes/scale-001/balance.xlsx"),
]


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scaled_database.add_arguments(parser)
    parser.set_defaults(participants=100_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each; the best counts")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    env = scaled_database.prepare(args)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "capacita.settings"
    sys.path.insert(0, str(scaled_database.ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from capacita.development.scale import MANAGER_EMAIL
    from capacita.programmes.models import Membership, Programme, Role

    programme = Programme.objects.get(slug="scale-001")
    size = Membership.objects.filter(programme=programme, role=Role.PARTICIPANT).count()
    client = Client()
    client.force_login(get_user_model().objects.get(email=MANAGER_EMAIL))
    print(
        f"\n{args.database}, N = {args.participants:,} participants in all; the balance of "
        f"scale-001 ({size:,} participants), best of {args.runs}, {time.strftime('%Y-%m-%d')}"
    )
    print(f"{'what':<20}{'seconds':>9}{'queries':>9}{'bytes':>10}")
    ok = True
    for name, path in PAGES:
        best = None
        for _run in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                body = response.content
                elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
            ok = ok and response.status_code == 200
        print(f"{name:<20}{best:>9.2f}{len(queries):>9}{len(body):>10}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
