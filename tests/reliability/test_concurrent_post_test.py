"""Fifty participants submit the post-test at the same moment to a running gunicorn (two
processes of eight threads each, as a deployment might run), on the database of the run
(SQLite or PostgreSQL): every answer is saved once, no request fails, the server never
reports "database is locked"; ten of them send their submission twice at once (a double
click, two tabs) and get it saved once.

The server is another process: the data is committed (`transactional_db`). The
participants' sessions are opened in the database directly, not through the login form,
whose slow password hashing is not what is tested here.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth import get_user_model

from capacita.audit.models import AuditEvent
from capacita.evaluation.models import Answer, Question, Questionnaire, Response
from capacita.programmes.models import Country, Membership, Role
from tests.evaluation.conftest import full_answers
from tests.servers import gunicorn, logged_in_browser, server_environment, server_errors

pytestmark = [pytest.mark.usefixtures("transactional_db"), pytest.mark.concurrency]

PEOPLE = 50
TWICE = 10  # the first ten send their submission twice, at the same moment
POST_TEST = "/en/programmes/crm-2021/tests/post/"


@pytest.fixture
def post_test(demo):
    questionnaire = Questionnaire.objects.get(programme=demo, kind="post")
    questionnaire.manual_state = Questionnaire.ManualState.OPEN
    questionnaire.save(update_fields=["manual_state"])
    return questionnaire


@pytest.fixture
def participants(demo):
    User = get_user_model()
    country = Country.objects.get(code="MX")
    people = [
        User.objects.create_user(
            f"concurrent.{n}@example.org", "x", first_name=f"Persona {n}", last_name="Simultánea"
        )
        for n in range(PEOPLE)
    ]
    Membership.objects.bulk_create(
        Membership(programme=demo, user=user, role=Role.PARTICIPANT, country=country)
        for user in people
    )
    return people


def test_fifty_participants_submit_the_post_test_at_the_same_moment(
    tmp_path, post_test, participants
):
    answers = {**full_answers(post_test), "submit": "1"}
    questions = Question.objects.filter(section__questionnaire=post_test).count()
    log = tmp_path / "server.log"
    environment = server_environment(tmp_path)
    senders = [(user, logged_in_browser(user)) for user in participants]
    senders += [(user, logged_in_browser(user)) for user in participants[:TWICE]]
    barrier = threading.Barrier(len(senders))
    results: list[tuple] = [None] * len(senders)

    def participant(index, user, browser, base):
        try:
            form = browser.get(base + POST_TEST, timeout=60)
            assert form.status == 200, form.text[:300]
            barrier.wait(timeout=120)
            started = time.monotonic()
            sent = browser.post(base + POST_TEST, answers, token_from=form, timeout=60)
            results[index] = (user, sent, time.monotonic() - started)
        except BaseException as error:
            barrier.abort()
            results[index] = (user, error, None)

    with gunicorn(environment, log, "--workers", "2", "--threads", "8") as base:
        threads = [
            threading.Thread(target=participant, args=(index, user, browser, base))
            for index, (user, browser) in enumerate(senders)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)

    failures = [
        (user.email, result) for user, result, _s in results if not hasattr(result, "status")
    ]
    assert not failures, failures
    statuses = sorted({sent.status for _user, sent, _s in results})
    # A submission is answered by a redirect to the test; the second of a pair arriving after
    # the first was saved sees the submitted test (200), or is redirected with a message.
    assert set(statuses) <= {200, 302}, [
        (user.email, sent.status, sent.text[:300])
        for user, sent, _s in results
        if sent.status not in (200, 302)
    ]
    for _user, sent, _s in results:
        if sent.status == 302:
            assert sent.location == POST_TEST
    assert server_errors(log) == [], log.read_text(errors="replace")

    responses = Response.objects.filter(questionnaire=post_test, user__in=participants)
    assert responses.count() == PEOPLE
    assert not responses.filter(submitted_at__isnull=True).exists()
    assert Answer.objects.filter(response__in=responses).count() == PEOPLE * questions
    # One submission each, the double ones included.
    submitted = AuditEvent.objects.filter(
        action="evaluation.submitted", actor__in=participants, programme=post_test.programme
    )
    assert submitted.count() == PEOPLE
    slowest = max(seconds for _user, _sent, seconds in results)
    print(f"\n{len(senders)} simultaneous submissions; the slowest took {slowest:.2f} s")
