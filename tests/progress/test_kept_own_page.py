"""A person's own page kept rendered for them (`capacita.progress.kept_pages`): opened again it
costs the reading of the session and the account alone, and it is never older than what it
shows of the person — each service that changes it moves their `page_stamp` on."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from capacita.attendance.models import AttendanceRecord
from capacita.attendance.services import mark_attendance
from capacita.certificates import services as certificates
from capacita.completions.services import mark_completion
from capacita.evaluation.models import Questionnaire
from capacita.evaluation.services import open_or_close, save_answers
from capacita.programmes.events import MANY, pages_changed
from capacita.programmes.models import Membership, Role
from capacita.programmes.services import grant_role
from capacita.progress import kept_pages
from capacita.shared import page_cache

from .conftest import PROGRAMME

MINE = f"{PROGRAMME}/me/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture
def keeping(settings):
    """Pages kept as in production."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


def body(response) -> str:
    """The page without its form tokens, which differ on every request."""
    assert response.status_code == 200
    return TOKEN.sub("", response.content.decode())


def made_afresh(client, settings) -> str:
    """The page as it is made with nothing kept."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    try:
        return body(client.get(MINE))
    finally:
        settings.PUBLIC_PAGE_CACHE_SECONDS = 60


def signed_in_queries(settings) -> int:
    """What any signed-in page reads: the session (unless a shared cache holds it), the
    account."""
    return 1 if settings.SESSION_ENGINE.endswith("cached_db") else 2


def test_a_page_opened_again_reads_the_session_and_the_account_alone(
    keeping, client_as, django_assert_num_queries, settings
):
    client = client_as("participant")
    first = body(client.get(MINE))
    with django_assert_num_queries(signed_in_queries(settings)):
        again = body(client.get(MINE))
    assert again == first


def test_the_kept_page_is_the_page_made_afresh(keeping, client_as, settings):
    client = client_as("participant")
    client.get(MINE)
    assert body(client.get(MINE)) == made_afresh(client, settings)


def _open_pre_test(programme, manager):
    return open_or_close(
        Questionnaire.objects.get(programme=programme, kind="pre"), "open", manager
    )


CHANGES = {
    "attendance marked": lambda programme, person, manager: mark_attendance(
        programme.sessions.get(number=2),
        person,
        AttendanceRecord.Status.EXCUSED,
        "A certified illness",
        manager,
    ),
    "course completed": lambda programme, person, manager: mark_completion(
        programme.courses.get(code="vulnerable-migrants"),
        person,
        True,
        "The learning site missed it",
        manager,
        completed_at=dt.datetime(2021, 11, 1, 12, 0),
    ),
    "pre-test started": lambda programme, person, manager: save_answers(
        Questionnaire.objects.get(programme=programme, kind="pre"), person, {}, submit=False
    ),
    "certificate issued": lambda programme, person, manager: certificates.issue_by_hand(
        programme, person, "Attended every session by telephone", manager
    ),
    "a role given": lambda programme, person, manager: grant_role(
        programme,
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        language="en",
        role=Role.FACILITATOR,
        actor=manager,
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_what_the_page_shows_of_the_person_is_seen_at_once(
    change, keeping, client_as, programme, users, settings
):
    person, manager = users["participant"], users["manager"]
    _open_pre_test(programme, manager)  # before the page is made: the tests are kept a while
    client = client_as("participant")
    before = body(client.get(MINE))
    assert body(client.get(MINE)) == before  # kept

    CHANGES[change](programme, person, manager)

    after = body(client.get(MINE))
    assert after != before
    assert after == made_afresh(client, settings)


def test_a_revoked_certificate_leaves_the_page_at_once(keeping, client_as, programme, users):
    person, manager = users["participant"], users["manager"]
    certificate = certificates.issue_by_hand(programme, person, "By telephone", users["manager"])
    client = client_as("participant")
    assert 'id="my-certificate"' in body(client.get(MINE))

    certificates.revoke(certificate, "Issued by mistake", manager)

    assert 'id="my-certificate"' not in body(client.get(MINE))


def test_the_reminders_choice_and_its_message_are_seen_at_once(keeping, client_as, users):
    client = client_as("participant")
    assert users["participant"].wants_reminders
    assert 'id="wants_reminders" checked' in body(client.get(MINE))

    saved = client.post(f"{PROGRAMME}/me/reminders/", {}, follow=True)

    page = body(saved)
    assert "You will not receive reminders by e-mail." in page  # the message, shown once
    assert 'id="wants_reminders">' in page
    again = body(client.get(MINE))
    assert "You will not receive reminders by e-mail." not in again
    assert 'id="wants_reminders">' in again


def test_the_form_tokens_of_a_kept_page_are_the_requests_own(keeping, users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["participant"])
    first = TOKEN.findall(client.get(MINE).content.decode())
    kept = TOKEN.findall(client.get(MINE).content.decode())
    assert len(kept) == len(first) >= 2  # logging out, the reminders
    assert kept[0] not in first  # written in afresh, not the first request's

    saved = client.post(f"{PROGRAMME}/me/reminders/", {"csrfmiddlewaretoken": kept[-1]})

    assert saved.status_code == 302


def test_each_person_their_own_page_each_language_and_zone_its_own(
    keeping, client_as, users, programme
):
    other = (
        Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
        .exclude(user=users["participant"])
        .select_related("user")
        .first()
        .user
    )
    client = client_as("participant")
    client.get(MINE)
    client.force_login(other)
    page = body(client.get(MINE))
    assert other.get_full_name() in page
    assert users["participant"].get_full_name() not in page
    client.get(MINE)
    spanish = body(client.get(MINE.replace("/en/", "/es/")))
    assert "Mi programa" in spanish
    in_tokyo = body(client.get(f"{MINE}?tz=Asia/Tokyo"))
    assert "Tokyo" in in_tokyo
    assert "Tokyo" not in body(client.get(MINE))


def queries_of(client) -> int:
    """How many queries the page costs."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(MINE).status_code == 200
    return len(queries)


def test_a_managers_page_is_made_afresh_every_time(keeping, client_as, settings):
    client = client_as("manager")
    client.get(MINE)
    assert queries_of(client) > signed_in_queries(settings)


def test_a_page_is_not_kept_past_the_moment_it_changes_by_itself(
    keeping, client_as, programme, settings
):
    # The third session starts in half a second: "Next session" becomes "Under way now".
    starts = timezone.now() + dt.timedelta(milliseconds=500)
    programme.sessions.filter(number=3).update(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    client = client_as("participant")
    client.get(MINE)
    assert queries_of(client) > signed_in_queries(settings)
    # Without the session so near, the page is kept.
    later = starts + dt.timedelta(days=30)
    programme.sessions.filter(number=3).update(
        starts_at=later, ends_at=later + dt.timedelta(hours=2)
    )
    page_cache.forget()  # the agenda read afresh
    client.get(MINE)
    assert queries_of(client) == signed_in_queries(settings)


def test_the_next_change_is_the_first_moment_ahead():
    now = timezone.now()

    class Item:
        def __init__(self, **fields):
            self.__dict__.update(fields)

    def at(hours):
        return now + dt.timedelta(hours=hours)

    agenda = [Item(session=Item(starts_at=at(-3), ends_at=at(-1)))]
    tests = [Item(questionnaire=Item(opens_at=at(-5), closes_at=at(7)))]
    courses = [Item(deadline=at(5)), Item(deadline=None)]
    assert kept_pages.next_change(agenda, tests, courses, now) == at(5)
    agenda.append(Item(session=Item(starts_at=at(2), ends_at=at(4))))
    assert kept_pages.next_change(agenda, tests, courses, now) == at(2)
    assert kept_pages.next_change(agenda[:1], [], courses[1:], now) is None


def test_expiries_note_the_first_kept_value_to_go(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    page_cache.kept("first", lambda: 1)
    with page_cache.expiries() as until:
        assert until == [float("inf")]
        page_cache.kept("first", lambda: 1)
        first = until[0]
        page_cache.kept("second", lambda: 2)  # made now: kept longer
        assert until[0] == first
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    with page_cache.expiries() as until:
        page_cache.kept("third", lambda: 3)  # nothing kept: nothing to note
        assert until == [float("inf")]


def test_pages_changed_moves_on_the_stamps_of_those_named_or_of_every_member(programme, users):
    User = get_user_model()
    person, outsider = users["participant"], users["outsider"]
    stamps = dict(User.objects.values_list("pk", "page_stamp"))

    pages_changed(programme, [person.pk])
    assert User.objects.get(pk=person.pk).page_stamp == stamps[person.pk] + 1
    assert User.objects.get(pk=users["observer"].pk).page_stamp == stamps[users["observer"].pk]

    pages_changed(programme, range(1_000_000, 1_000_000 + MANY + 1))  # too many to list
    members = set(Membership.objects.filter(programme=programme).values_list("user_id", flat=True))
    now = dict(User.objects.values_list("pk", "page_stamp"))
    assert all(now[pk] > stamps[pk] for pk in members)
    assert now[outsider.pk] == stamps[outsider.pk]


def test_an_account_saved_from_memory_leaves_its_stamp_as_it_is(programme, users):
    person = users["participant"]  # read before the change below
    stamp = person.page_stamp
    pages_changed(programme, [person.pk])
    person.first_name = "Renamed"
    person.save()
    person.refresh_from_db()
    assert person.first_name == "Renamed"
    assert person.page_stamp == stamp + 1


def test_a_kept_page_holds_no_form_token(keeping, users, rf):
    """What rests in the cache (a shared Redis, maybe) is no working token."""
    client = Client()
    client.force_login(users["participant"])
    served = TOKEN.findall(client.get(MINE).content.decode())
    request = rf.get(MINE)
    request.user = get_user_model().objects.get(pk=users["participant"].pk)
    request.session = client.session
    request._messages = FallbackStorage(request)
    with translation.override("en"):
        name = kept_pages.name_of(request, "crm-2021")

    kept = caches["pages"].get(name)

    assert kept is not None
    assert TOKEN.findall(kept) == [kept_pages.TOKEN_MARK] * len(served)
    assert not any(token in kept for token in served)
