"""Taking back a hand mark of a completion: the completion is again what the learning site's
last report said (none when no report named the person), with a reason, audited; the page
offers it on the rows marked by hand and comes back to the same page and row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from capacita.audit.models import AuditEvent
from capacita.completions.models import CourseCompletion
from capacita.completions.services import (
    CompletionError,
    import_completion_report,
    mark_completion,
    withdraw_completion_mark,
)

from .reports import HEADER_EN, report, row, some_participants

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


PAGE = "/en/programmes/crm-2021/courses/migration-trends/"


def withdrawals():
    return AuditEvent.objects.filter(action=AuditEvent.Action.COMPLETION_MARK_WITHDRAWN)


def test_taking_back_returns_to_the_report_and_is_audited(course, users):
    (ana,) = some_participants(course.programme, 1)
    content = report(HEADER_EN, row(1, "Ana", ana.email, "03/11/21, 10:22"))
    import_completion_report(course, "c.csv", content, "dmy", actor=None)
    mark_completion(course, ana, False, "Someone else did it.", users["manager"])

    completion = withdraw_completion_mark(course, ana, " I was wrong. ", users["manager"])

    assert (completion.source, completion.completed, completion.is_late) == ("import", True, False)
    assert completion.completed_at == completion.imported_completed_at is not None
    assert (completion.reason, completion.marked_by, completion.marked_at) == ("", None, None)
    (event,) = withdrawals()
    assert (event.actor, event.reason) == (users["manager"], "I was wrong.")
    assert event.details["before"]["completed"] is False
    assert event.details["before"]["reason"] == "Someone else did it."
    assert event.details["completed"] is True


def test_a_completion_no_report_named_is_gone_once_taken_back(course, users):
    (ana,) = some_participants(course.programme, 1)
    when = dt.datetime(2021, 11, 4, 12, tzinfo=dt.UTC)
    mark_completion(course, ana, True, "Certificate shown.", users["manager"], completed_at=when)

    assert withdraw_completion_mark(course, ana, "Forged.", users["manager"]) is None

    assert not CourseCompletion.objects.filter(course=course, user=ana).exists()
    (event,) = withdrawals()
    assert event.details["completed"] is None


@pytest.mark.parametrize(
    "reason, marked, message",
    [
        ("", True, "Say why you take back this hand mark."),
        ("Because.", False, "The completion of {name} is not marked by hand."),
    ],
)
def test_taking_back_needs_a_reason_and_a_hand_mark(course, users, reason, marked, message):
    (ana,) = some_participants(course.programme, 1)
    if marked:
        mark_completion(course, ana, True, "Certificate shown.", users["manager"])
    with pytest.raises(CompletionError) as refused:
        withdraw_completion_mark(course, ana, reason, users["manager"])
    assert refused.value.message == message.format(name=ana.get_full_name())
    assert not withdrawals().exists()
    kept = CourseCompletion.objects.filter(course=course, user=ana)
    assert [completion.source for completion in kept] == (["hand"] if marked else [])


def test_the_page_offers_it_on_rows_marked_by_hand_and_comes_back(client_as, course, users):
    (ana,) = some_participants(course.programme, 1)
    mark_completion(course, ana, True, "Certificate shown.", users["manager"])
    client = client_as("manager")
    page = client.get(PAGE).content.decode()
    assert page.count(f'action="{PAGE}unmark/"') == 1
    assert f'id="take-back-user-{ana.pk}"' in page

    taken_back = client.post(
        f"{PAGE}unmark/", {"user": ana.pk, "reason": "Forged.", "search": "ana"}, follow=True
    )
    assert taken_back.redirect_chain == [(f"{PAGE}?search=ana#participant-{ana.pk}", 302)]
    messages = [str(message) for message in taken_back.context["messages"]]
    assert messages == [f"The hand mark of {ana.get_full_name()} is taken back: in no report yet."]
    assert not CourseCompletion.objects.filter(course=course, user=ana).exists()

    refused = client.post(f"{PAGE}unmark/", {"user": ana.pk, "reason": ""}, follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "Say why you take back this hand mark."
    ]
