"""Where a focal point and a facilitator land: the country's list says where it stands
against the quota and what the secretariat still awaits, and leads to the participants'
progress and the country's report; a facilitator's part in the agenda leads to the groups
they facilitate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from capacita.nominations.models import Nomination
from capacita.nominations.selectors import counts_by_country
from capacita.programmes.models import Country, Membership, Role

from ..progress.pages import by_id, find_all, links, text, tree

COUNTRY = "/es/programmes/crm-2021/nominations/mx/"
MY_ITEMS = "/en/programmes/crm-2021/my-items/"


@pytest.fixture
def under_way(programme):
    """The programme ends in a month: its lists may still be completed."""
    programme.end_date = timezone.localdate() + dt.timedelta(days=30)
    programme.save()
    return programme


def mexico(programme):
    return counts_by_country(programme, country_ids=[Country.objects.get(code="MX").pk])[0]


def test_the_country_page_leads_to_its_participants_progress_and_its_report(client_as, programme):
    client = client_as("focal_point")

    page = tree(client.get(COUNTRY))

    country_links = links(by_id(page, "country-links"))
    assert country_links == [
        "/es/programmes/crm-2021/board/?country=MX",
        "/es/programmes/crm-2021/reports/MX/",
    ]
    registered = Membership.objects.filter(
        programme=programme, role=Role.PARTICIPANT, country__code="MX"
    ).count()
    assert f"{registered} personas participantes registradas" in text(by_id(page, "country-links"))
    for link in country_links:
        assert client.get(link).status_code == 200, link


def test_free_places_are_what_the_secretariat_awaits(client_as, under_way):
    # The demo's Mexican list takes every place: two of its people are withdrawn.
    submitted = Nomination.objects.filter(
        programme=under_way, country__code="MX", status=Nomination.Status.SUBMITTED
    )
    Nomination.objects.filter(pk__in=list(submitted.values_list("pk", flat=True)[:2])).delete()
    assert mexico(under_way).free_places == 2

    awaited = text(by_id(tree(client_as("focal_point").get(COUNTRY)), "awaited"))

    assert awaited.startswith("Quedan 2 plazas libres: la secretaría espera más postulaciones.")


def test_without_a_list_the_secretariat_awaits_it(client_as, under_way):
    Nomination.objects.filter(programme=under_way, country__code="MX").delete()

    awaited = text(by_id(tree(client_as("focal_point").get(COUNTRY)), "awaited"))

    assert awaited.startswith("La secretaría todavía espera la lista del país")


def test_a_full_list_awaits_nothing(client_as, under_way):
    assert mexico(under_way).free_places == 0

    assert find_all(tree(client_as("focal_point").get(COUNTRY)), id="awaited") == []


def test_an_ended_programme_awaits_nothing(client_as, programme):
    Nomination.objects.filter(programme=programme, country__code="MX").delete()

    assert find_all(tree(client_as("focal_point").get(COUNTRY)), id="awaited") == []


def test_a_facilitator_s_part_in_the_agenda_leads_to_their_groups_and_sessions(
    client_as, users, programme
):
    client = client_as("facilitator")

    page = tree(client.get(MY_ITEMS))

    groups = users["facilitator"].facilitated_groups.filter(
        session_work__session__programme=programme
    )
    assert groups.count() > 0
    group_links = links(by_id(page, "my-groups"))
    assert sorted(group_links) == sorted(
        f"/en/programmes/crm-2021/sessions/{group.session_work.session.number}/groups/{group.pk}/"
        for group in groups
    )
    for link in group_links:
        assert client.get(link).status_code == 200, link
    assert links(by_id(page, "my-sessions-link")) == ["/en/programmes/crm-2021/me/"]


def test_a_manager_who_facilitates_no_group_sees_no_groups_section(client_as, programme):
    page = tree(client_as("manager").get(MY_ITEMS))

    assert find_all(page, id="my-groups") == []
