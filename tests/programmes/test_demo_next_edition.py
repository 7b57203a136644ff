"""`capacita demo` also loads the programme's next edition, dated from the coming weeks, so that
anyone can try a programme as it happens; the demo's facilitator has a part in the agenda; the
logins are the last lines `make run` prints before the server's."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from capacita.agenda.models import AgendaParticipant, VirtualSession
from capacita.audit.models import AuditEvent
from capacita.certificates.models import Certificate
from capacita.development.demo import (
    DEMO_ACCOUNTS,
    NEXT_EDITION,
    NEXT_NOMINATIONS,
    load_next_edition,
)
from capacita.evaluation.models import Question, Questionnaire, Response
from capacita.groupwork.models import GroupMember
from capacita.nominations.models import Nomination
from capacita.programmes.models import Membership, Person, Programme
from tests.test_inclusive import english_gendered_forms, gendered_forms

pytestmark = pytest.mark.django_db
NEXT = f"/en/programmes/{NEXT_EDITION}"


@pytest.fixture
def next_edition(demo):
    return load_next_edition()


def test_the_next_edition_is_dated_from_the_coming_weeks(demo):
    now = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
    today = now.astimezone(demo.zone).date()
    edition = load_next_edition(now=now)
    sessions = list(edition.sessions.order_by("number"))
    days = [session.starts_at.astimezone(edition.zone).date() for session in sessions]
    assert today + dt.timedelta(days=10) <= days[0] <= today + dt.timedelta(days=16)
    # Whole weeks: each session keeps its weekday and its time.
    assert [d.weekday() for d in days] == [1, 3, 4]
    earlier = demo.sessions.order_by("number")
    assert [s.starts_at.astimezone(demo.zone).time() for s in earlier] == [
        s.starts_at.astimezone(edition.zone).time() for s in sessions
    ]
    assert edition.start_date == days[0] and edition.end_date == days[-1]
    assert all(course.deadline.date() > days[-1] for course in edition.courses.all())


def test_it_is_a_new_edition_of_the_2021_programme(next_edition, demo):
    """Made as a manager makes one: the 2021 structure, its own people added by the demo."""
    assert next_edition.title_en == demo.title_en + " (next edition)"
    assert next_edition.is_published
    assert AuditEvent.objects.filter(
        programme=next_edition, details__new_edition_of=demo.slug
    ).exists()
    for kind in ("pre", "post"):
        assert (
            Question.objects.filter(
                section__questionnaire__programme=next_edition, section__questionnaire__kind=kind
            ).count()
            == Question.objects.filter(
                section__questionnaire__programme=demo, section__questionnaire__kind=kind
            ).count()
        )
    links = next_edition.sessions.exclude(meeting_url="").values_list("meeting_url", flat=True)
    assert links and all(NEXT_EDITION in link for link in links)
    assert GroupMember.objects.filter(session_work__session__programme=next_edition).exists()


def test_its_sessions_are_ahead_and_its_pre_test_is_open_now(next_edition):
    now = timezone.now()
    assert next_edition.sessions.count() == 3
    assert all(session.starts_at > now for session in next_edition.sessions.all())
    pre = Questionnaire.objects.get(programme=next_edition, kind="pre")
    post = Questionnaire.objects.get(programme=next_edition, kind="post")
    assert pre.opens_at <= now < pre.closes_at
    assert post.opens_at > now
    assert not Response.objects.filter(questionnaire__programme=next_edition).exists()


def test_the_demo_participant_can_answer_its_pre_test_now(client, next_edition):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(email="participant.do@example.org"))
    page = client.get(f"{NEXT}/tests/pre/").content.decode()
    assert "<form" in page and 'type="radio"' in page
    own_page = client.get(f"{NEXT}/me/").content.decode()
    assert f"{NEXT}/tests/pre/" in own_page


def test_every_demo_account_has_its_role_in_the_next_edition(next_edition):
    for account in DEMO_ACCOUNTS:
        assert Membership.objects.filter(
            programme=next_edition, user__email=account.email, role=account.role
        ).exists(), account.email


def test_its_nominees_are_its_own_and_partly_decided(next_edition):
    nominations = Nomination.objects.filter(programme=next_edition)
    assert nominations.count() == sum(count for count, _ in NEXT_NOMINATIONS.values())
    assert nominations.filter(status="accepted").count() == sum(
        accepted for _, accepted in NEXT_NOMINATIONS.values()
    )
    assert nominations.filter(status="submitted").exists()
    emails = set(nominations.values_list("email", flat=True))
    earlier = set(
        Nomination.objects.filter(programme__slug="crm-2021").values_list("email", flat=True)
    )
    assert emails and not emails & earlier
    assert all(re.fullmatch(r"nominee\.next\.[a-z]{2}\.\d\d@example\.org", e) for e in emails)


def state(slug: str) -> tuple:
    """What a programme holds, for comparing before and after loading."""
    return (
        Membership.objects.filter(programme__slug=slug).count(),
        Nomination.objects.filter(programme__slug=slug).count(),
        Nomination.objects.filter(programme__slug=slug, status="accepted").count(),
        Response.objects.filter(questionnaire__programme__slug=slug).count(),
        Certificate.objects.filter(programme__slug=slug).count(),
        AgendaParticipant.objects.filter(item__session__programme__slug=slug).count(),
        list(
            Questionnaire.objects.filter(programme__slug=slug)
            .order_by("kind")
            .values_list("opens_at", "closes_at")
        ),
        list(
            VirtualSession.objects.filter(programme__slug=slug)
            .order_by("number")
            .values_list("starts_at", flat=True)
        ),
    )


def test_loading_it_again_changes_nothing_and_leaves_2021_as_it_was(demo):
    before_2021 = state("crm-2021")
    load_next_edition()
    first = {slug: state(slug) for slug in ("crm-2021", NEXT_EDITION)}
    assert first["crm-2021"] == before_2021
    # A few days later, its first session still ahead: nothing moves.
    load_next_edition(now=timezone.now() + dt.timedelta(days=5))
    call_command("demo", "--no-logins", stdout=io.StringIO())
    assert {slug: state(slug) for slug in ("crm-2021", NEXT_EDITION)} == first
    assert Programme.objects.filter(slug=NEXT_EDITION).count() == 1


def test_a_demo_kept_for_weeks_gets_its_next_edition_moved_ahead_again(next_edition):
    participant = Membership.objects.get(
        programme=next_edition, user__email="participant.mx@example.org"
    ).user
    pre = Questionnaire.objects.get(programme=next_edition, kind="pre")
    Response.objects.create(questionnaire=pre, user=participant)
    before = {slug: state(slug) for slug in ("crm-2021", NEXT_EDITION)}
    later = timezone.now() + dt.timedelta(days=60)
    again = load_next_edition(now=later)
    assert again.pk == next_edition.pk
    assert all(session.starts_at > later for session in again.sessions.all())
    pre.refresh_from_db()
    assert pre.opens_at <= later < pre.closes_at
    assert Questionnaire.objects.get(programme=again, kind="post").opens_at > later
    after = {slug: state(slug) for slug in ("crm-2021", NEXT_EDITION)}
    assert after["crm-2021"] == before["crm-2021"]
    # Its people, nominations, answers and agenda stay; only the dates move.
    assert after[NEXT_EDITION][:6] == before[NEXT_EDITION][:6]
    assert Person.objects.get(programme=again, key="demo-facilitator").user.email == (
        "facilitator@example.org"
    )
    # And loading it again that day changes nothing more.
    load_next_edition(now=later + dt.timedelta(hours=1))
    assert {slug: state(slug) for slug in ("crm-2021", NEXT_EDITION)} == after


def test_its_texts_name_no_2021_date_and_are_inclusive(next_edition):
    texts = [
        next_edition.title_es,
        next_edition.subtitle_es,
        *next_edition.courses.values_list("description_es", flat=True),
    ]
    english = [
        next_edition.title_en,
        next_edition.subtitle_en,
        *next_edition.courses.values_list("description_en", flat=True),
    ]
    assert not any("2021" in text for text in texts + english)
    assert not [form for text in texts for form in gendered_forms(text)]
    assert not [form for text in english for form in english_gendered_forms(text)]
    person = Person.objects.get(programme=next_edition, key="demo-facilitator")
    assert not gendered_forms(f"{person.name_es} {person.organisation_es}")
    assert "demo" in person.name_en.lower() and "demostración" in person.name_es


def test_the_demo_facilitator_has_a_part_in_the_agenda(client_as, demo):
    page = client_as("facilitator").get("/en/programmes/crm-2021/my-items/").content.decode()
    assert "Group work" in page
    assert 'type="file"' in page  # slides can be added to the item
    agenda = client_as("anonymous").get("/en/programmes/crm-2021/").content.decode()
    assert "Facilitator (demo)" in agenda
    # The concept note's real people are linked to no account; only the fictitious name is.
    linked = Person.objects.filter(programme=demo, user__isnull=False)
    assert [(p.key, p.user.email) for p in linked] == [
        ("demo-facilitator", "facilitator@example.org")
    ]


def run(*options) -> str:
    out = io.StringIO()
    call_command("demo", *options, stdout=out)
    return out.getvalue()


def test_the_logins_are_the_last_lines_the_demo_prints(demo):
    lines = run().strip().splitlines()
    assert lines[-len(DEMO_ACCOUNTS) :] == [
        line for line in lines if "@example.org" in line and line.startswith("  ")
    ]
    assert len(lines[-len(DEMO_ACCOUNTS) :]) == len(DEMO_ACCOUNTS)


def test_make_run_sends_the_demos_e_mails_before_printing_the_logins(demo):
    assert "@example.org" not in run("--no-logins")
    programmes = Programme.objects.count()
    assert "manager@example.org" in run("--logins-only")
    assert Programme.objects.count() == programmes
    recipe = Path(__file__).resolve().parents[2].joinpath("Makefile").read_text()
    run_target = recipe[recipe.index("\nrun:") : recipe.index("\n\n", recipe.index("\nrun:"))]
    steps = [
        "capacita demo --no-logins",
        "capacita db_worker --batch",
        "capacita demo --logins-only",
        "runserver",
    ]
    positions = [run_target.index(step) for step in steps]
    assert positions == sorted(positions)
