"""A participant's own page opens with what comes next — the next virtual session in their
time zone with its meeting link, the test open now, the course whose deadline is nearest —
followed by what is still missing for the certificate; everything it showed before follows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from capacita.evaluation.models import Questionnaire, Response

from ..progress.conftest import complete, person
from ..progress.pages import by_id, find_all, links, text, tree

MINE = "/en/programmes/crm-2021/me/"


@pytest.fixture
def ahead(programme):
    """Sessions 2 and 3 in the coming days, the pre-test opened by hand, the post-test open
    by its dates for three days, both required courses due in the coming weeks."""
    now = timezone.now()
    for number, days in ((2, 2), (3, 4)):
        starts = (now + dt.timedelta(days=days)).replace(microsecond=0)
        programme.sessions.filter(number=number).update(
            starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
        )
    Questionnaire.objects.filter(programme=programme, kind="pre").update(manual_state="open")
    Questionnaire.objects.filter(programme=programme, kind="post").update(
        manual_state="auto",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=3),
    )
    for code, days in (("migration-trends", 10), ("corporate-responsibility", 20)):
        programme.courses.filter(code=code).update(deadline=now + dt.timedelta(days=days))
    return programme


def test_the_page_opens_with_what_comes_next_then_what_is_missing(client_as, ahead):
    response = client_as("participant").get(MINE)

    content = response.content.decode()
    page = tree(response)
    [first_heading] = find_all(page, "h2")[:1]
    assert text(first_heading) == "What comes next"
    assert (
        content.index('id="what-comes-next"')
        < content.index('id="certificate-status"')
        < content.index('id="missing"')
        < content.index('id="sessions-title"')
    )
    session = text(by_id(page, "next-session"))
    assert session.startswith("Next session: Virtual session 2")
    assert "https://meet.example.org/crm-2021/session-2" in links(by_id(page, "next-session"))
    assert links(by_id(page, "next-test-pre")) == ["/en/programmes/crm-2021/tests/pre/"]
    # Opened by hand: open until a manager closes it, so no closing time is given.
    assert "until" not in text(by_id(page, "next-test-pre"))
    assert "until" in text(by_id(page, "next-test-post"))
    course = by_id(page, "next-course")
    assert links(course) == [ahead.courses.get(code="migration-trends").url]
    assert "Complete by" in text(course)


def test_the_next_session_is_in_the_participant_s_zone_beside_the_programme_s(client, ahead, demo):
    client.force_login(person("participant.do@example.org"))

    session = text(by_id(tree(client.get(MINE)), "next-session"))

    assert "(your time, Santo Domingo" in session
    assert "(programme time, Mexico City" in session


def test_a_session_under_way_is_said_to_be(client_as, ahead):
    now = timezone.now()
    ahead.sessions.filter(number=2).update(
        starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=1)
    )

    session = text(by_id(tree(client_as("participant").get(MINE)), "next-session"))

    assert session.startswith("Under way now: Virtual session 2")


def test_what_is_done_is_not_what_comes_next(client_as, users, ahead):
    participant = users["participant"]
    pre = Questionnaire.objects.get(programme=ahead, kind="pre")
    Response.objects.create(questionnaire=pre, user=participant, submitted_at=timezone.now())
    complete(ahead, participant, "migration-trends")

    page = tree(client_as("participant").get(MINE))

    assert find_all(page, id="next-test-pre") == []
    assert find_all(page, id="next-test-post")
    assert links(by_id(page, "next-course")) == [
        ahead.courses.get(code="corporate-responsibility").url
    ]


def test_once_the_programme_is_over_the_page_says_so_and_still_shows_what_is_missing(
    client_as, programme
):
    page = tree(client_as("participant").get(MINE))

    nothing = by_id(page, "what-comes-next")
    assert "Every virtual session of the programme has taken place." in text(nothing)
    assert find_all(nothing, id="next-course") == []
    assert find_all(page, id="missing")


def test_the_page_opens_in_spanish_for_a_spanish_speaker(client_as, ahead):
    page = tree(client_as("participant").get("/es/programmes/crm-2021/me/"))

    assert text(find_all(page, "h2")[0]) == "Lo que viene"
    assert text(by_id(page, "next-session")).startswith("Próxima sesión:")


def test_an_observer_sees_the_next_session_but_no_test_or_course(client_as, ahead):
    page = tree(client_as("observer").get(MINE))

    assert "https://meet.example.org/crm-2021/session-2" in links(by_id(page, "next-session"))
    assert find_all(page, id="next-test-pre") == []
    assert find_all(page, id="next-course") == []
