"""Managers name focal points (an account, a membership for a country, an invitation) and
register observers with their organisation (no country, no quota)."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from capacita.audit.models import AuditEvent
from capacita.emails.models import OutgoingEmail
from capacita.nominations.selectors import counts_by_country
from capacita.programmes.models import Country, Membership, Role

from .lists import levels, snapshot

User = get_user_model()
FOCAL_POINTS = "/en/programmes/crm-2021/focal-points/"
OBSERVERS = "/en/programmes/crm-2021/observers/"


def counts(programme):
    return sorted(
        (row.country.code, row.quota, row.submitted, row.reserve, row.accepted, row.rejected)
        for row in counts_by_country(programme)
    )


def observer_data(**changes):
    data = {
        "first_name": "Rocío",
        "last_name": "Saldaña",
        "email": "Rocio.Saldana@RROCM.example.org",
        "language": "es",
        "organisation": "Red Regional de Organizaciones Civiles para las Migraciones (RROCM)",
    }
    data.update(changes)
    return data


def focal_point_data(programme, code="PA", **changes):
    data = {
        "first_name": "Ariel",
        "last_name": "Castillo",
        "email": "ariel.castillo@example.pa",
        "language": "en",
        "country": Country.objects.get(code=code).pk,
    }
    data.update(changes)
    return data


# --- observers -----------------------------------------------------------------------------


def test_a_manager_registers_an_observer_with_their_organisation(client_as, programme, users):
    before = counts(programme)
    nominations_before = snapshot(programme)

    response = client_as("manager").post(OBSERVERS, observer_data(), follow=True)

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert levels(response) == ["success"]
    observer = User.objects.get(email="rocio.saldana@rrocm.example.org")
    assert (observer.first_name, observer.last_name, observer.language) == (
        "Rocío",
        "Saldaña",
        "es",
    )
    [membership] = Membership.objects.filter(programme=programme, user=observer)
    assert membership.role == Role.OBSERVER
    assert membership.country is None
    assert membership.organisation == observer_data()["organisation"]
    assert observer_data()["organisation"] in page  # listed on the page
    [invitation] = OutgoingEmail.objects.filter(to=observer.email)
    assert (invitation.kind, invitation.language) == ("invitation.observer", "es")
    assert observer_data()["organisation"] in invitation.body_text
    [event] = AuditEvent.objects.filter(
        action=AuditEvent.Action.ROLE_GRANTED, subject_id=str(membership.pk)
    )
    assert event.actor == users["manager"]
    assert event.details["role"] == "observer"
    # Observers count against no country's quota.
    assert counts(programme) == before
    assert snapshot(programme) == nominations_before


def test_an_observer_needs_an_organisation(client_as, programme):
    response = client_as("manager").post(OBSERVERS, observer_data(organisation="  "))
    assert response.status_code == 200
    assert 'id="id_organisation_error"' in response.content.decode()
    assert not User.objects.filter(email__iexact=observer_data()["email"]).exists()


def test_an_observer_registered_twice_gets_a_message(client_as, programme):
    manager = client_as("manager")
    manager.post(OBSERVERS, observer_data())
    response = manager.post(OBSERVERS, observer_data(email="rocio.saldana@rrocm.example.org"))
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert Membership.objects.filter(user__email="rocio.saldana@rrocm.example.org").count() == 1
    assert OutgoingEmail.objects.filter(to="rocio.saldana@rrocm.example.org").count() == 1


def test_an_observer_is_registered_for_the_sessions_but_nominates_nobody(client_as, programme):
    from capacita.programmes import permissions

    client_as("manager").post(OBSERVERS, observer_data())
    observer = User.objects.get(email="rocio.saldana@rrocm.example.org")
    assert permissions.is_registered(observer, programme)
    assert not permissions.can_see_nominations(observer, programme)


# --- focal points --------------------------------------------------------------------------


def test_a_manager_names_a_focal_point_who_gets_an_account_and_an_invitation(
    client_as, programme, users
):
    response = client_as("manager").post(FOCAL_POINTS, focal_point_data(programme), follow=True)

    assert response.status_code == 200
    focal_point = User.objects.get(email="ariel.castillo@example.pa")
    assert not focal_point.has_usable_password()
    assert focal_point.language == "en"
    [membership] = Membership.objects.filter(programme=programme, user=focal_point)
    assert (membership.role, membership.country.code) == (Role.FOCAL_POINT, "PA")
    [invitation] = OutgoingEmail.objects.filter(to=focal_point.email)
    assert (invitation.kind, invitation.language, invitation.status) == (
        "invitation.focal_point",
        "en",
        "queued",
    )
    with translation.override("en"):
        panama = str(Country.objects.get(code="PA").name)
    assert panama in invitation.body_text
    [event] = AuditEvent.objects.filter(
        action=AuditEvent.Action.ROLE_GRANTED, subject_id=str(membership.pk)
    )
    assert (event.actor, event.details["country"]) == (users["manager"], "PA")


def test_a_new_focal_point_works_on_their_country_only(client_as, client, programme):
    client_as("manager").post(FOCAL_POINTS, focal_point_data(programme))
    client.force_login(User.objects.get(email="ariel.castillo@example.pa"))
    assert client.get("/en/programmes/crm-2021/nominations/pa/").status_code == 200
    assert client.get("/en/programmes/crm-2021/nominations/mx/").status_code == 403


def test_a_focal_point_needs_a_country(client_as, programme):
    response = client_as("manager").post(FOCAL_POINTS, focal_point_data(programme, country=""))
    assert response.status_code == 200
    assert 'id="id_country_error"' in response.content.decode()
    assert not User.objects.filter(email="ariel.castillo@example.pa").exists()
    assert not OutgoingEmail.objects.filter(to="ariel.castillo@example.pa").exists()


@pytest.mark.parametrize("role", ["focal_point", "participant", "observer", "outsider"])
@pytest.mark.parametrize("url", [FOCAL_POINTS, OBSERVERS])
def test_only_managers_name_focal_points_and_observers(client_as, programme, role, url):
    data = {**focal_point_data(programme), **observer_data(email="x@example.org")}
    response = client_as(role).post(url, data)
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.org").exists()
