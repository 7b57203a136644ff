"""Soak: a bounded load on loopback for SOAK_SECONDS (60 by default) against a running
gunicorn — public pages, participants' pages and test-answer saves, and a focal point's
small nomination imports (upload, preview, confirm) over and over — ends with no server
error, a server log without tracebacks, and a consistent database: one response per person,
one answer per question, every confirmed import's rows saved once with their audit records
(and on SQLite, `PRAGMA integrity_check` says ok).

It runs on the database of the run (SQLite or PostgreSQL); the data is committed for the
server (`transactional_db`).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count

from capacita.audit.models import AuditEvent
from capacita.evaluation.models import Answer, Question, Questionnaire, Response
from capacita.nominations.models import Nomination, NominationUpload
from capacita.programmes.models import Country, Membership, Role
from tests.evaluation.conftest import full_answers
from tests.nominations.lists import HEADER_ES, csv_bytes, person, set_quota
from tests.servers import Browser, gunicorn, logged_in_browser, server_environment, server_errors

pytestmark = [pytest.mark.usefixtures("transactional_db"), pytest.mark.soak]

SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
PROGRAMME = "/en/programmes/crm-2021/"
PRE_TEST = PROGRAMME + "tests/pre/"
COUNTRY = PROGRAMME + "nominations/mx/"
PARTICIPANTS = 6
ROWS_PER_IMPORT = 3
# Each client waits this long between two requests: a bounded load, not a stress test.
PAUSE = 0.15


class Load:
    def __init__(self, base: str, until: float):
        self.base = base
        self.until = until
        self.statuses: Counter = Counter()
        self.failures: list[str] = []
        self.imports = 0
        self.lock = threading.Lock()

    def going(self) -> bool:
        return time.monotonic() < self.until and not self.failures

    def note(self, what: str, answer, expected: tuple[int, ...]) -> None:
        with self.lock:
            self.statuses[answer.status] += 1
            if answer.status not in expected:
                self.failures.append(f"{what}: {answer.status} {answer.text[:300]}")

    def run(self, name, work, *args):
        def body():
            try:
                while self.going():
                    work(*args)
            except Exception as error:  # the test fails with what went wrong
                with self.lock:
                    self.failures.append(f"{name}: {error!r}")

        return threading.Thread(target=body, name=name)


def visitor(load: Load, browser):
    for path in (
        "/en/programmes/",
        PROGRAMME,
        "/es/programmes/crm-2021/",
        "/es/programmes/",
        "/healthz",
        "/readyz",
    ):
        load.note(path, browser.get(load.base + path), (200,))
        time.sleep(PAUSE)


def participant(load: Load, browser, answers: dict, rng: random.Random):
    load.note("me", browser.get(load.base + PROGRAMME + "me/"), (200,))
    time.sleep(PAUSE)
    form = browser.get(load.base + PRE_TEST)
    load.note("pre-test", form, (200,))
    time.sleep(PAUSE)
    draft = {code: value for code, value in answers.items() if rng.random() < 0.7}
    saved = browser.post(load.base + PRE_TEST, {**draft, "save": "1"}, token_from=form)
    load.note("save answers", saved, (302,))
    time.sleep(PAUSE)


def focal_point(load: Load, browser, counter: list[int]):
    page = browser.get(load.base + COUNTRY)
    load.note("country list", page, (200,))
    start = counter[0]
    counter[0] += ROWS_PER_IMPORT
    rows = [person(5000 + start + n, "mx") for n in range(ROWS_PER_IMPORT)]
    uploaded = browser.post_file(
        load.base + COUNTRY + "upload/",
        {},
        {"file": ("lista.csv", csv_bytes(HEADER_ES, *rows))},
        token_from=page,
    )
    load.note("upload", uploaded, (302,))
    if uploaded.status != 302:
        return
    time.sleep(PAUSE)
    preview = browser.get(load.base + uploaded.location)
    load.note("preview", preview, (200,))
    time.sleep(PAUSE)
    confirmed = browser.post(load.base + uploaded.location, {}, token_from=preview)
    load.note("confirm", confirmed, (302,))
    if confirmed.status == 302 and confirmed.location == COUNTRY:
        with load.lock:
            load.imports += 1
    time.sleep(PAUSE)


@pytest.fixture
def people(demo):
    User = get_user_model()
    mexico = Country.objects.get(code="MX")
    users = [
        User.objects.create_user(
            f"soak.{n}@example.org", "x", first_name=f"Soak {n}", last_name="X"
        )
        for n in range(PARTICIPANTS)
    ]
    Membership.objects.bulk_create(
        Membership(programme=demo, user=user, role=Role.PARTICIPANT, country=mexico)
        for user in users
    )
    return users


def test_a_minute_of_load_ends_without_errors_and_the_database_consistent(tmp_path, demo, people):
    pre = Questionnaire.objects.get(programme=demo, kind="pre")
    pre.manual_state = Questionnaire.ManualState.OPEN
    pre.save(update_fields=["manual_state"])
    set_quota(demo, "MX", 10_000)
    mexico = Country.objects.get(code="MX")
    nominations_before = Nomination.objects.filter(programme=demo, country=mexico).count()
    audit_before = AuditEvent.objects.filter(action="nomination.submitted").count()
    answers = full_answers(pre)
    questions = Question.objects.filter(section__questionnaire=pre).count()
    focal = get_user_model().objects.get(email="focal.mx@example.org")
    log = tmp_path / "server.log"

    with gunicorn(server_environment(tmp_path), log, "--workers", "2", "--threads", "4") as base:
        started = time.monotonic()
        load = Load(base, started + SECONDS)
        threads = [load.run("visitor", visitor, load, Browser())]
        threads += [
            load.run(f"participant {n}", participant, load, logged_in_browser(user), answers,
                     random.Random(n))
            for n, user in enumerate(people[:3])
        ]  # fmt: skip
        threads.append(load.run("focal point", focal_point, load, logged_in_browser(focal), [0]))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        elapsed = time.monotonic() - started

    assert not load.failures, load.failures[:10]
    assert not [status for status in load.statuses if status >= 500]
    assert server_errors(log) == [], log.read_text(errors="replace")
    assert load.imports > 0

    responses = Response.objects.filter(questionnaire=pre, user__in=people)
    assert responses.count() == 3
    assert not responses.filter(submitted_at__isnull=False).exists()
    for response in responses:
        assert response.answers.count() <= questions
    repeated = (
        Answer.objects.filter(response__in=responses)
        .values("response", "question")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not repeated.exists()

    imported = Nomination.objects.filter(programme=demo, email__startswith="persona.5")
    assert imported.count() == load.imports * ROWS_PER_IMPORT
    assert imported.values("email").distinct().count() == imported.count()
    assert (
        Nomination.objects.filter(programme=demo, country=mexico).count()
        == nominations_before + load.imports * ROWS_PER_IMPORT
    )
    assert (
        AuditEvent.objects.filter(action="nomination.submitted").count()
        == audit_before + load.imports * ROWS_PER_IMPORT
    )
    assert (
        NominationUpload.objects.filter(uploaded_by=focal, confirmed_at__isnull=False).count()
        == load.imports
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            assert cursor.fetchall() == [("ok",)]
    total = sum(load.statuses.values())
    print(
        f"\nsoak: {total} requests in {elapsed:.0f} s, {load.imports} imports, "
        f"statuses {dict(load.statuses)}"
    )
