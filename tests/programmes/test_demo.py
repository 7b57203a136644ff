"""`capacita demo`: the 2021 programme, its next edition dated from the coming weeks, and one
account per role, loaded idempotently."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from capacita.agenda.models import AgendaItem, AgendaParticipant, VirtualSession
from capacita.development.demo import (
    DEMO_ACCOUNTS,
    DEMO_NOMINATIONS,
    DEMO_PASSWORD,
    MANAGERS_GROUP,
    NEXT_EDITION,
)
from capacita.nominations.models import Nomination
from capacita.programmes.models import Country, Membership, Programme, Role


@pytest.fixture(autouse=True)
def empty_db(db):
    """Start from an empty database (the shared demo is removed inside this test's
    transaction, which is rolled back afterwards)."""
    Programme.objects.all().delete()
    get_user_model().objects.all().delete()
    Country.objects.all().delete()
    Group.objects.all().delete()
    assert not VirtualSession.objects.exists()


NOMINATED = sum(count for count, _accepted in DEMO_NOMINATIONS.values())
ACCEPTED = sum(accepted for _count, accepted in DEMO_NOMINATIONS.values())


def test_the_demo_nominates_generated_people_with_every_status_a_page_shows():
    run_demo()
    statuses = set(Nomination.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "accepted", "reserve"}
    assert all(
        email.endswith("@example.org")
        for email in Nomination.objects.values_list("email", flat=True)
    )


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts(slug: str | None = None) -> dict[str, int]:
    """What the demo holds, in one programme (`slug`) or in all."""
    where = {"programme__slug": slug} if slug else {}
    in_session = {"session__programme__slug": slug} if slug else {}
    in_item = {"item__session__programme__slug": slug} if slug else {}
    return {
        "users": get_user_model()
        .objects.filter(**({"memberships__programme__slug": slug} if slug else {}))
        .distinct()
        .count(),
        "memberships": Membership.objects.filter(**where).count(),
        "nominations": Nomination.objects.filter(**where).count(),
        "programmes": Programme.objects.filter(**({"slug": slug} if slug else {})).count(),
        "sessions": VirtualSession.objects.filter(**where).count(),
        "agenda items": AgendaItem.objects.filter(**in_session).count(),
        "agenda participants": AgendaParticipant.objects.filter(**in_item).count(),
    }


def test_the_demo_loads_the_2021_programme_and_the_demo_accounts():
    run_demo()
    assert counts("crm-2021") == {
        # The demo accounts, and one participant account per accepted generated nomination.
        "users": len(DEMO_ACCOUNTS) + ACCEPTED,
        "memberships": len(DEMO_ACCOUNTS) + ACCEPTED,
        "nominations": NOMINATED,
        "programmes": 1,
        "sessions": 3,
        "agenda items": 25,
        # The concept note's 34, and the demo's facilitator in the group work of sessions 2, 3.
        "agenda participants": 34 + 2,
    }
    assert set(Programme.objects.values_list("slug", flat=True)) == {"crm-2021", NEXT_EDITION}


def test_running_the_demo_twice_changes_no_count():
    assert counts() == dict.fromkeys(counts(), 0)
    run_demo()
    first = counts()
    assert counts("crm-2021")["agenda items"] == 25
    user_pks = set(get_user_model().objects.values_list("pk", flat=True))
    run_demo()
    assert counts() == first
    assert set(get_user_model().objects.values_list("pk", flat=True)) == user_pks


def test_the_demo_prints_every_login_and_the_password():
    output = run_demo()
    assert "crm-2021" in output and NEXT_EDITION in output
    assert DEMO_PASSWORD in output
    for account in DEMO_ACCOUNTS:
        assert account.email in output
    assert "participant.do@example.org (DO)" in output


def test_every_demo_login_works_with_the_printed_password():
    run_demo()
    for account in DEMO_ACCOUNTS:
        user = authenticate(username=account.email, password=DEMO_PASSWORD)
        assert user is not None, account.email
        assert user.email == account.email
    assert authenticate(username=DEMO_ACCOUNTS[0].email, password="wrong") is None


def test_every_role_has_a_demo_account_with_its_membership():
    run_demo()
    programme = Programme.objects.get(slug="crm-2021")
    roles = set(Membership.objects.filter(programme=programme).values_list("role", flat=True))
    assert roles == {role.value for role in Role}
    for account in DEMO_ACCOUNTS:
        membership = Membership.objects.get(
            programme=programme, user__email=account.email, role=account.role
        )
        country = membership.country.code if membership.country else None
        assert country == account.country
        assert membership.organisation == account.organisation


def test_the_demo_focal_points_and_participants_have_their_country():
    run_demo()
    User = get_user_model()
    focal_points = Membership.objects.filter(role=Role.FOCAL_POINT, programme__slug="crm-2021")
    assert sorted(m.country.code for m in focal_points) == ["GT", "MX"]
    participant_do = User.objects.get(email="participant.do@example.org")
    assert participant_do.country.code == "DO"
    assert participant_do.language == "en"
    assert participant_do.preferred_time_zone == "America/Santo_Domingo"


def test_only_the_demo_manager_is_staff_and_in_the_programme_managers_group():
    run_demo()
    User = get_user_model()
    manager = User.objects.get(email="manager@example.org")
    assert manager.is_staff
    assert not manager.is_superuser
    assert list(manager.groups.values_list("name", flat=True)) == [MANAGERS_GROUP]
    others = User.objects.exclude(pk=manager.pk)
    assert not others.filter(is_staff=True).exists()
    assert not others.filter(groups__name=MANAGERS_GROUP).exists()


def test_the_demo_manager_can_open_the_programme_admin(client):
    run_demo()
    assert client.login(username="manager@example.org", password=DEMO_PASSWORD)
    response = client.get("/en/admin/programmes/programme/")
    assert response.status_code == 200
    assert "Training programme for the awareness-raising" in response.content.decode()


def test_a_demo_participant_cannot_open_the_programme_admin(client):
    run_demo()
    assert client.login(username="participant.mx@example.org", password=DEMO_PASSWORD)
    response = client.get("/en/admin/programmes/programme/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/admin/login/")
