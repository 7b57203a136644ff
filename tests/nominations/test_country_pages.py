"""A country's nominations come a hundred a page, searched by name or e-mail: a country may
nominate a thousand people."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from capacita.nominations.models import Nomination
from capacita.shared import people_pages

pytestmark = pytest.mark.django_db

COUNTRY = "/en/programmes/crm-2021/nominations/mx/"


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def listed(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="nomination-(\d+)"', response.content.decode())]


def test_the_list_comes_a_page_at_a_time_and_every_nomination_on_one(
    client_as, programme, monkeypatch
):
    monkeypatch.setattr(people_pages, "PER_PAGE", 2)
    mx = list(
        Nomination.objects.filter(programme=programme, country__code="MX")
        .order_by("status", "created_at", "id")
        .values_list("pk", flat=True)
    )
    assert len(mx) > 4
    client = client_as("focal_point")
    first = client.get(COUNTRY)
    assert listed(first) == mx[:2]
    page = first.content.decode()
    assert f"Page 1 of {(len(mx) + 1) // 2}" in page and 'rel="next"' in page
    seen = []
    for number in range(1, (len(mx) + 1) // 2 + 1):
        seen += listed(client.get(f"{COUNTRY}?page={number}"))
    assert seen == mx  # the list's order, nobody twice, nobody left out


def test_the_list_is_searched_by_name_or_email(client_as, programme):
    nominee = Nomination.objects.filter(programme=programme, country__code="MX").first()
    client = client_as("focal_point")
    found = client.get(COUNTRY, {"search": nominee.email.upper()})
    assert listed(found) == [nominee.pk]
    nobody = client.get(COUNTRY, {"search": "nobody-by-this-name"})
    page = nobody.content.decode()
    assert listed(nobody) == [] and "Show everyone" in page
    assert "Nobody is nominated yet." not in page


def test_a_decision_from_a_page_goes_back_to_it(client_as, programme, monkeypatch):
    monkeypatch.setattr(people_pages, "PER_PAGE", 2)
    page = client_as("manager").get(f"{COUNTRY}?page=2&search=a").content.decode()
    assert 'name="next" value="/en/programmes/crm-2021/nominations/mx/?page=2&amp;search=a"' in page
