"""The managers' decisions on the nominations of every country at once: the list a hundred at
a time, its filters and counts, and accepting, moving to the reserve list and rejecting
nominations of several countries in one post, with each country's quota and the audit
records of a decision taken one country at a time."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from capacita.audit.models import AuditEvent
from capacita.emails.models import OutgoingEmail
from capacita.nominations.models import Nomination
from capacita.programmes.models import Membership, Role
from capacita.shared import text_limits as limits

from ..factories import (
    CountryFactory,
    MemberCountryFactory,
    MembershipFactory,
    NominationFactory,
    ProfileFactory,
    ProgrammeFactory,
    UserFactory,
)
from .lists import flash_messages, levels

User = get_user_model()
Action = AuditEvent.Action
Status = Nomination.Status

pytestmark = pytest.mark.django_db


class Setting:
    """A programme of two countries (quota 10 each), its manager, and a way to nominate."""

    def __init__(self, quota_a: int = 10, quota_b: int = 10):
        self.programme = ProgrammeFactory()
        self.a = CountryFactory(name_en="Northland", name_es="Nortelandia")
        self.b = CountryFactory(name_en="Southland", name_es="Surlandia")
        MemberCountryFactory(programme=self.programme, country=self.a, quota=quota_a)
        MemberCountryFactory(programme=self.programme, country=self.b, quota=quota_b)
        self.manager = MembershipFactory(programme=self.programme, manager=True).user

    def nominate(self, country, count: int = 1, **fields) -> list[Nomination]:
        return [
            NominationFactory(programme=self.programme, country=country, **fields)
            for _ in range(count)
        ]

    def url(self, language: str = "en") -> str:
        return f"/{language}/programmes/{self.programme.slug}/nominations/decide/"


@pytest.fixture
def setting():
    return Setting()


@pytest.fixture
def manager(client, setting):
    client.force_login(setting.manager)
    return client


def decide(client, setting, action, chosen=(), *, language="en", follow=True, **fields):
    data = {"action": action, "nominations": [n.pk for n in chosen], **fields}
    return client.post(setting.url(language), data, follow=follow)


def fresh(nominations) -> list[Nomination]:
    return [Nomination.objects.get(pk=n.pk) for n in nominations]


def status_of(nominations) -> list[str]:
    return [n.status for n in fresh(nominations)]


def events(action, nominations) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action,
            subject_type="nominations.nomination",
            subject_id__in=[str(n.pk) for n in nominations],
        ).order_by("id")
    )


def shown_rows(response) -> list[int]:
    return [
        int(pk) for pk in re.findall(r'<tr [^>]*id="nomination-(\d+)"', response.content.decode())
    ]


def snapshot(setting) -> list[tuple]:
    return list(
        Nomination.objects.filter(programme=setting.programme)
        .order_by("id")
        .values_list("id", "status", "decision_reason", "decided_at", "over_quota", "user_id")
    )


def page_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


# --- deciding on two countries at once ------------------------------------------------------


def test_a_manager_accepts_nominations_of_two_countries_in_one_post(manager, setting):
    chosen = setting.nominate(setting.a, 2) + setting.nominate(setting.b, 3)

    response = decide(manager, setting, "accept", chosen)

    assert status_of(chosen) == ["accepted"] * 5
    assert flash_messages(response) == [
        (
            "success",
            "5 nominations accepted (Northland: 2, Southland: 3): each person now has an account, "
            "and an invitation is on its way.",
        )
    ]
    for nomination in fresh(chosen):
        assert nomination.decided_by == setting.manager
        assert Membership.objects.filter(
            programme=setting.programme, user=nomination.user, role=Role.PARTICIPANT
        ).exists()
        assert OutgoingEmail.objects.filter(to=nomination.email).count() == 1
    recorded = events(Action.NOMINATION_ACCEPTED, chosen)
    assert len(recorded) == 5
    assert {event.actor for event in recorded} == {setting.manager}
    assert {event.details["status"] for event in recorded} == {"accepted"}


def test_a_manager_moves_nominations_of_two_countries_to_the_reserve_list(manager, setting):
    chosen = setting.nominate(setting.a) + setting.nominate(setting.b)
    others = setting.nominate(setting.a)

    response = decide(manager, setting, "reserve", chosen)

    assert status_of(chosen) == ["reserve", "reserve"]
    assert status_of(others) == ["submitted"]
    assert levels(response) == ["success"]
    assert "2 nominations now on the reserve list (Northland: 1, Southland: 1)." in page_text(
        response
    )
    assert [event.reason for event in events(Action.NOMINATION_RESERVED, chosen)] == ["", ""]


def test_a_manager_rejects_nominations_of_two_countries_with_a_reason(manager, setting):
    chosen = setting.nominate(setting.a, 2) + setting.nominate(setting.b)
    reason = "El perfil no corresponde a una persona consejera de empleo"

    response = decide(manager, setting, "reject", chosen, reason=reason)

    assert levels(response) == ["success"]
    for nomination in fresh(chosen):
        assert (nomination.status, nomination.decision_reason) == ("rejected", reason)
        assert nomination.user is None
    recorded = events(Action.NOMINATION_REJECTED, chosen)
    assert [event.reason for event in recorded] == [reason] * 3
    assert not User.objects.filter(email__in=[n.email for n in chosen]).exists()


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_rejecting_without_a_reason_decides_nothing_and_keeps_the_ticks(manager, setting, reason):
    chosen = setting.nominate(setting.a) + setting.nominate(setting.b)
    before, events_before = snapshot(setting), AuditEvent.objects.count()

    response = decide(manager, setting, "reject", chosen, reason=reason)

    assert response.status_code == 400
    assert flash_messages(response) == [("error", "Rejecting a nomination needs a reason.")]
    assert snapshot(setting) == before
    assert AuditEvent.objects.count() == events_before
    page = response.content.decode()
    for nomination in chosen:
        assert f'value="{nomination.pk}" id="choose-{nomination.pk}" checked' in page
    assert '<option value="reject" selected>' in page


def test_a_reason_too_long_is_refused_whole_and_comes_back_to_be_shortened(manager, setting):
    chosen = setting.nominate(setting.a) + setting.nominate(setting.b)
    reason = "x" * (limits.REASON + 1)
    before, events_before = snapshot(setting), AuditEvent.objects.count()

    response = decide(manager, setting, "reject", chosen, reason=reason)

    assert response.status_code == 400
    [(level, message)] = flash_messages(response)
    assert level == "error"
    assert message.startswith("The reason: at most 2,000 characters")
    assert reason in response.content.decode()
    assert snapshot(setting) == before
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"action": "accept"}, "Choose at least one nomination."),
        ({"action": "accept", "scope": "page"}, "Choose at least one nomination."),
        ({"action": "accept", "nominations": ["x"]}, "Choose nominations from the list."),
        ({"action": "promote", "nominations": ["1"]}, "Choose a decision."),
    ],
)
def test_a_decision_without_nominations_or_a_decision_is_refused(manager, setting, posted, message):
    setting.nominate(setting.a)
    before = snapshot(setting)
    response = manager.post(setting.url(), posted)
    assert response.status_code == 400
    assert flash_messages(response) == [("error", message)]
    assert snapshot(setting) == before


# --- quotas ---------------------------------------------------------------------------------


def test_a_country_over_its_quota_is_refused_and_the_other_is_decided(client):
    setting = Setting(quota_a=1)
    client.force_login(setting.manager)
    over = setting.nominate(setting.a, 2)
    within = setting.nominate(setting.b, 2)
    emails_before = OutgoingEmail.objects.count()

    response = decide(client, setting, "accept", over + within)

    assert status_of(within) == ["accepted", "accepted"]
    assert status_of(over) == ["submitted", "submitted"]
    assert flash_messages(response) == [
        (
            "success",
            "2 nominations accepted (Southland: 2): each person now has an account, and an "
            "invitation is on its way.",
        ),
        (
            "error",
            "Nothing decided for Northland (2 nominations): Accepting them would put Northland at "
            "2 accepted for 1 places. To accept over the quota, say why.",
        ),
    ]
    assert events(Action.NOMINATION_ACCEPTED, over) == []
    assert len(events(Action.NOMINATION_ACCEPTED, within)) == 2
    assert not User.objects.filter(email__in=[n.email for n in over]).exists()
    assert OutgoingEmail.objects.count() == emails_before + 2


def test_accepting_over_the_quota_with_a_reason_marks_only_those_past_the_last_place(client):
    setting = Setting(quota_a=1)
    client.force_login(setting.manager)
    over = setting.nominate(setting.a, 2)
    within = setting.nominate(setting.b)
    reason = "La Secretaría amplió el cupo"

    response = decide(client, setting, "accept", over + within, override_quota="on", reason=reason)

    assert levels(response) == ["success"]
    assert [(n.status, n.over_quota) for n in fresh(over + within)] == [
        ("accepted", False),
        ("accepted", True),
        ("accepted", False),
    ]
    assert [e.reason for e in events(Action.NOMINATION_ACCEPTED, over)] == [reason, reason]


def test_accepting_over_the_quota_needs_a_reason(client):
    setting = Setting(quota_a=1)
    client.force_login(setting.manager)
    chosen = setting.nominate(setting.a, 2)
    before = snapshot(setting)

    response = decide(client, setting, "accept", chosen, override_quota="on")

    assert flash_messages(response) == [("error", "Accepting over the quota needs a reason.")]
    assert snapshot(setting) == before


def test_accepted_nominations_keep_their_place_and_the_others_are_decided(manager, setting):
    accepted = setting.nominate(setting.a, status=Status.ACCEPTED)
    rejected = setting.nominate(setting.b, status=Status.REJECTED, decision_reason="Tarde")
    waiting = setting.nominate(setting.b)

    response = decide(manager, setting, "reject", accepted + rejected + waiting, reason="Sin cupo")

    # A rejection is recorded again with its new reason, as on a country's list.
    assert [(n.status, n.decision_reason) for n in fresh(accepted + rejected + waiting)] == [
        ("accepted", ""),
        ("rejected", "Sin cupo"),
        ("rejected", "Sin cupo"),
    ]
    assert flash_messages(response) == [
        ("success", "2 nominations rejected (Southland: 2), with the reason given."),
        (
            "error",
            "1 nomination left unchanged (Northland: 1): it is accepted, and an accepted person "
            "keeps their account and place.",
        ),
    ]
    assert events(Action.NOMINATION_REJECTED, accepted) == []
    assert len(events(Action.NOMINATION_REJECTED, rejected + waiting)) == 2


def test_accepting_those_accepted_already_leaves_them_and_accepts_the_others(manager, setting):
    accepted = setting.nominate(setting.a, status=Status.ACCEPTED)
    waiting = setting.nominate(setting.a) + setting.nominate(setting.b)

    response = decide(manager, setting, "accept", accepted + waiting)

    assert status_of(accepted + waiting) == ["accepted"] * 3
    assert flash_messages(response) == [
        (
            "success",
            "2 nominations accepted (Northland: 1, Southland: 1): each person now has an account, "
            "and an invitation is on its way.",
        ),
        ("info", "1 nomination was already accepted: left as it was."),
    ]
    assert events(Action.NOMINATION_ACCEPTED, accepted) == []


def test_a_nomination_withdrawn_meanwhile_stops_the_whole_decision(manager, setting):
    chosen = setting.nominate(setting.a) + setting.nominate(setting.b)
    gone = setting.nominate(setting.b)[0]
    gone_pk = gone.pk
    gone.delete()
    before = snapshot(setting)

    response = manager.post(
        setting.url(), {"action": "accept", "nominations": [n.pk for n in chosen] + [gone_pk]}
    )

    assert response.status_code == 400
    [(level, message)] = flash_messages(response)
    assert level == "error"
    assert "no longer on the list" in message
    assert snapshot(setting) == before


# --- the list: filters, counts, pages -------------------------------------------------------


def test_the_list_shows_every_country_with_the_counts_by_status(manager, setting):
    submitted = setting.nominate(setting.a, 2) + setting.nominate(setting.b)
    reserve = setting.nominate(setting.b, status=Status.RESERVE)
    other_programme = NominationFactory()

    response = manager.get(setting.url())

    assert response.status_code == 200
    assert set(shown_rows(response)) == {n.pk for n in submitted + reserve}
    assert other_programme.pk not in shown_rows(response)
    text = page_text(response)
    assert "Listed: 4 nominations." in text
    for label, count in [("All statuses", 4), ("Submitted", 3), ("Reserve list", 1)]:
        assert f"{label}: {count}" in text
    assert "Accepted: 0" in text and "Rejected: 0" in text


def test_filters_by_country_status_and_search_ignoring_accents(manager, setting):
    pena = setting.nominate(setting.a, first_name="María", last_name="Peña")[0]
    setting.nominate(setting.a, first_name="María", last_name="Peña", status=Status.REJECTED)
    setting.nominate(setting.b, first_name="Mario", last_name="Peña")
    setting.nominate(setting.a, first_name="Otra", last_name="Persona")

    response = manager.get(
        setting.url(), {"country": setting.a.code.lower(), "status": "submitted", "search": "PENA"}
    )

    assert shown_rows(response) == [pena.pk]
    text = page_text(response)
    assert "Listed: 1 nomination." in text
    # The counts by status are those of the country and the search, each a filter of its own.
    assert "All statuses: 2" in text and "Rejected: 1" in text
    page = response.content.decode()
    rejected_link = re.search(r'<a href="\?([^"]*)">Rejected: 1</a>', page).group(1)
    assert parse_qs(rejected_link.replace("&amp;", "&")) == {
        "country": [setting.a.code.lower()],
        "status": ["rejected"],
        "search": ["PENA"],
    }


def test_an_unknown_country_or_status_is_no_filter(manager, setting):
    chosen = setting.nominate(setting.a) + setting.nominate(setting.b)
    response = manager.get(setting.url(), {"country": "zz", "status": "lost"})
    assert response.status_code == 200
    assert set(shown_rows(response)) == {n.pk for n in chosen}


def test_a_hundred_a_page_with_the_filters_kept_in_the_links(manager, setting):
    first = setting.nominate(setting.a, 120)
    setting.nominate(setting.b, 5)
    query = {"country": setting.a.code.lower(), "status": "submitted", "search": "nominada"}

    page_1 = manager.get(setting.url(), query)
    page_2 = manager.get(setting.url(), {**query, "page": "2"})
    beyond = manager.get(setting.url(), {**query, "page": "9"})

    assert shown_rows(page_1) == [n.pk for n in first[:100]]
    assert shown_rows(page_2) == [n.pk for n in first[100:]]
    assert shown_rows(beyond) == shown_rows(page_2)
    assert "Listed: 120 nominations. Shown here: 1–100." in page_text(page_1)
    [next_link] = re.findall(
        r'<a href="\?([^"#]*)#nominations" rel="next">', page_1.content.decode()
    )
    assert parse_qs(next_link.replace("&amp;", "&")) == {
        key: [value] for key, value in {**query, "page": "2"}.items()
    }


def test_after_a_decision_the_manager_is_back_on_the_same_list(manager, setting):
    chosen = setting.nominate(setting.a, 2)
    posted = {
        "action": "reserve",
        "nominations": [chosen[0].pk],
        "country": setting.a.code.lower(),
        "status": "submitted",
        "search": "nominada",
        "page": "2",
    }
    response = manager.post(setting.url(), posted)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == setting.url()
    assert parse_qs(location.query) == {
        "country": [setting.a.code.lower()],
        "status": ["submitted"],
        "search": ["nominada"],
        "page": ["2"],
    }


# --- every one on the page, every one found --------------------------------------------------


def test_every_nomination_found_on_every_page_is_decided_at_once(manager, setting):
    found = setting.nominate(setting.a, 110) + setting.nominate(setting.b, 30)
    left = setting.nominate(setting.b, 2, status=Status.RESERVE)
    filters = {"status": "submitted"}
    page = manager.get(setting.url(), filters).content.decode()
    assert 'name="expected" value="140"' in page

    response = manager.post(
        setting.url(),
        {
            "action": "reject",
            "scope": "matching",
            "expected": "140",
            "reason": "Sin cupo",
            **filters,
        },
        follow=True,
    )

    assert Nomination.objects.filter(pk__in=[n.pk for n in found], status="rejected").count() == 140
    assert status_of(left) == ["reserve", "reserve"]
    assert flash_messages(response) == [
        (
            "success",
            "140 nominations rejected (Northland: 110, Southland: 30), with the reason given.",
        )
    ]
    assert len(events(Action.NOMINATION_REJECTED, found)) == 140


def test_every_one_found_is_refused_when_the_list_changed_since_it_was_shown(manager, setting):
    setting.nominate(setting.a, 3)
    setting.nominate(setting.b)  # nominated after the manager saw three
    before = snapshot(setting)

    response = manager.post(
        setting.url(),
        {"action": "reserve", "scope": "matching", "expected": "3", "status": "submitted"},
    )

    assert response.status_code == 400
    [(level, message)] = flash_messages(response)
    assert level == "error"
    assert "4 nominations match the filters now. Nothing was decided" in message
    assert snapshot(setting) == before


def test_every_one_on_the_page_is_decided_and_no_other(manager, setting):
    everyone = setting.nominate(setting.a, 60) + setting.nominate(setting.b, 60)
    page = manager.get(setting.url()).content.decode()
    shown = [int(pk) for pk in re.findall(r'name="shown" value="(\d+)"', page)]
    assert len(shown) == 100
    assert "Every one on this page (100 nominations)" in page

    manager.post(setting.url(), {"action": "reserve", "scope": "page", "shown": shown})

    reserved = set(
        Nomination.objects.filter(programme=setting.programme, status="reserve").values_list(
            "pk", flat=True
        )
    )
    assert reserved == set(shown)
    assert len(everyone) - len(reserved) == 20


# --- the page's cost ------------------------------------------------------------------------


def queries_for_the_page(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_page_takes_as_many_queries_for_a_hundred_rows_as_for_ten(manager, setting):
    profile = ProfileFactory(programme=setting.programme)
    setting.nominate(setting.a, 5, profile=profile)
    setting.nominate(setting.b, 5)
    queries_for_the_page(manager, setting.url())  # the session and the first reads, once
    ten = queries_for_the_page(manager, setting.url())
    assert len(shown_rows(manager.get(setting.url()))) == 10

    setting.nominate(setting.a, 45, status=Status.RESERVE, profile=profile)
    setting.nominate(setting.b, 45, status=Status.REJECTED, decision_reason="Sin cupo")
    hundred = queries_for_the_page(manager, setting.url())

    assert len(shown_rows(manager.get(setting.url()))) == 100
    assert hundred == ten


# --- languages and who may come ---------------------------------------------------------------


def test_the_summary_is_in_spanish_on_the_spanish_page(manager, setting):
    chosen = setting.nominate(setting.a, 2) + setting.nominate(setting.b)
    response = decide(manager, setting, "reject", chosen, language="es", reason="Sin cupo")
    assert flash_messages(response) == [
        (
            "success",
            "3 postulaciones rechazadas (Nortelandia: 2, Surlandia: 1), con el motivo indicado.",
        )
    ]
    response = decide(manager, setting, "accept", chosen[:1], language="es")
    assert flash_messages(response) == [
        (
            "success",
            "1 postulación aceptada (Nortelandia: 1): la persona ya tiene una cuenta y su "
            "invitación está en camino.",
        )
    ]


def test_a_refusal_is_in_spanish_on_the_spanish_page(manager, setting):
    chosen = setting.nominate(setting.a)
    response = decide(manager, setting, "reject", chosen, language="es")
    with translation.override("es"):
        expected = str(translation.gettext("Rejecting a nomination needs a reason."))
    assert expected != "Rejecting a nomination needs a reason."
    assert flash_messages(response) == [("error", expected)]
    assert "Decisiones para todos los países" in response.content.decode()


def test_a_quota_refusal_is_in_spanish_on_the_spanish_page(client):
    setting = Setting(quota_a=1)
    client.force_login(setting.manager)
    over = setting.nominate(setting.a, 2)

    response = decide(client, setting, "accept", over, language="es")

    # Nothing was decided: the form comes back ticked, to accept over the quota with a reason.
    assert response.status_code == 400
    page = response.content.decode()
    assert all(f'id="choose-{n.pk}" checked' in page for n in over)
    [(level, message)] = flash_messages(response)
    assert level == "error"
    assert message.startswith("No se decidió nada para Nortelandia (2 postulaciones): ")
    assert "Nortelandia" in message.split(": ", 1)[1]  # the quota's own message, in Spanish
    assert "Accepting" not in message
    assert status_of(over) == ["submitted", "submitted"]


def test_the_overview_links_to_the_page_and_only_managers_open_it(manager, setting, client):
    setting.nominate(setting.a)
    overview = f"/en/programmes/{setting.programme.slug}/nominations/"
    assert f'href="{setting.url()}"' in manager.get(overview).content.decode()

    focal_point = UserFactory()
    Membership.objects.create(
        programme=setting.programme, user=focal_point, role=Role.FOCAL_POINT, country=setting.a
    )
    client.force_login(focal_point)
    assert client.get(setting.url()).status_code == 403
    before = snapshot(setting)
    response = client.post(
        setting.url(), {"action": "reject", "scope": "matching", "expected": "1", "reason": "x"}
    )
    assert response.status_code == 403
    assert snapshot(setting) == before
