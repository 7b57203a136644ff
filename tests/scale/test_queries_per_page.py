"""No page that lists people grows in queries with their number: every such page (and its
exports) is read for a generated programme of 8 participants and one of 80, and must take the
same number of queries for both. `bench/bench_queries.py` does the same at 100 and 10,000."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capacita.development.scale import (
    MANAGER_EMAIL,
    PAGES_LISTING_PEOPLE,
    add_generated_programme,
    focal_point_email,
)
from capacita.programmes.models import Membership, Role


@pytest.fixture
def two_sizes(db):
    """A generated programme of 8 participants and one of 80, each with its readers."""
    User = get_user_model()
    sized = {}
    for size in (8, 80):
        programme = add_generated_programme(size)
        # A participant in the same state in both (both tests taken): their own page shows
        # their scores, a few queries per test taken, whatever the number of people.
        participant = (
            Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
            .filter(user__test_responses__questionnaire__kind="pre")
            .filter(user__test_responses__questionnaire__kind="post")
            .select_related("user")
            .order_by("user__email")
            .last()
            .user
        )
        readers = {
            "manager": User.objects.get(email=MANAGER_EMAIL),
            "focal_point": User.objects.get(email=focal_point_email("MX")),
            "participant": participant,
        }
        sized[size] = (programme, readers)
    return sized


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


@pytest.mark.parametrize("list_limit", [300, 20], ids=["listed", "past-the-list-limit"])
def test_no_page_takes_more_queries_for_80_people_than_for_8(
    client, two_sizes, list_limit, monkeypatch
):
    """Also when one size lists its people in a form and the other asks for an e-mail
    address instead (`person_field.LIST_LIMIT` between the two)."""
    from capacita.shared import person_field

    monkeypatch.setattr(person_field, "LIST_LIMIT", list_limit)
    grown = {}
    for what, page, reader in PAGES_LISTING_PEOPLE:
        counts = {}
        for size, (programme, readers) in two_sizes.items():
            client.force_login(readers[reader])
            path = f"/en/programmes/{programme.slug}/" + page.format(
                participant=readers["participant"].pk
            )
            client.get(path)  # what a process caches once is cached now
            counts[size] = queries_for(client, path)
        if counts[80] != counts[8]:
            grown[what] = counts
    assert grown == {}
