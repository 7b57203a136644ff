"""The administration site reads and shows a programme's times in the programme's own zone,
named beside each field (capacita/programmes/admin_scoping.py): a manager in Mexico City types 14:00
and means 14:00 in Mexico City, whatever zone the server runs in."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from capacita.agenda.models import VirtualSession
from capacita.certificates.models import Certificate
from capacita.evaluation.models import Questionnaire
from capacita.programmes.models import Programme

pytestmark = pytest.mark.django_db

UTC = dt.UTC


class _Form(HTMLParser):
    """The values a browser would send for the page's form as it stands."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.setdefault(self._select, []).append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, []).append("")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_of(page: str) -> dict[str, list[str]]:
    parser = _Form()
    parser.feed(page)
    return parser.values


def change_url(model, pk) -> str:
    return f"/en/admin/{model._meta.app_label}/{model._meta.model_name}/{pk}/change/"


@pytest.fixture
def post_test(programme):
    return Questionnaire.objects.get(programme=programme, kind="post")


def test_a_manager_types_the_windows_time_in_the_programmes_zone(client_as, post_test):
    client = client_as("manager")
    url = change_url(Questionnaire, post_test.pk)
    data = form_of(client.get(url).content.decode())
    # 29 October 2021: Mexico City on summer time (UTC−5) until 31 October; 5 November: UTC−6.
    data.update(
        {
            "opens_at_0": ["2021-10-29"],
            "opens_at_1": ["14:00"],
            "closes_at_0": ["2021-11-05"],
            "closes_at_1": ["14:00"],
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    post_test.refresh_from_db()
    assert post_test.opens_at == dt.datetime(2021, 10, 29, 19, 0, tzinfo=UTC)
    assert post_test.closes_at == dt.datetime(2021, 11, 5, 20, 0, tzinfo=UTC)


def test_the_change_page_shows_the_window_in_the_programmes_zone_and_names_it(client_as, post_test):
    Questionnaire.objects.filter(pk=post_test.pk).update(
        opens_at=dt.datetime(2021, 10, 29, 19, 0, tzinfo=UTC),
        closes_at=dt.datetime(2021, 11, 5, 20, 0, tzinfo=UTC),
    )
    page = client_as("manager").get(change_url(Questionnaire, post_test.pk)).content.decode()
    data = form_of(page)
    assert data["opens_at_1"] == ["14:00:00"]
    assert data["closes_at_1"] == ["14:00:00"]
    # Beside each time input, a label naming the zone; above the form, the same.
    assert page.count('class="timezone-name">Mexico City Time</label>') == 2
    assert re.search(r'<label for="id_opens_at_1" class="timezone-name">Mexico City Time<', page)
    assert "Dates and times on this page are in Mexico City Time" in page


def test_the_spanish_change_page_names_the_zone_in_spanish(client_as, post_test):
    page = client_as("manager").get(change_url(Questionnaire, post_test.pk).replace("/en/", "/es/"))
    assert 'class="timezone-name">hora de Ciudad de México</label>' in page.content.decode()


def test_the_list_shows_each_window_in_its_programmes_zone_named(client_as, post_test):
    Questionnaire.objects.filter(pk=post_test.pk).update(
        opens_at=dt.datetime(2021, 10, 29, 19, 0, tzinfo=UTC)
    )
    page = client_as("manager").get("/en/admin/evaluation/questionnaire/").content.decode()
    assert 'Friday 29 October 2021, 14:00 <span class="zone">(Mexico City Time)</span>' in page


def test_an_inlines_times_are_in_the_programmes_zone_too(client_as, programme):
    session = VirtualSession.objects.get(programme=programme, number=1)
    page = client_as("manager").get(change_url(VirtualSession, session.pk)).content.decode()
    data = form_of(page)
    assert data["starts_at_1"] == ["14:00:00"]
    first_item = min(
        (name for name in data if re.fullmatch(r"items-\d+-starts_at_1", name)),
        key=lambda name: int(name.split("-")[1]),
    )
    assert data[first_item] == ["14:00:00"]
    assert re.search(
        rf'<label for="id_{first_item}" class="timezone-name">Mexico City Time</label>', page
    )


def test_a_read_only_time_is_shown_in_the_programmes_zone(client_as, programme, users):
    certificate = Certificate.objects.create(
        programme=programme,
        user=users["participant"],
        holder_name="Ana Demo",
        code="ABCDEFGHJKMNPQRS",
        issued_at=dt.datetime(2021, 10, 30, 1, 30, tzinfo=UTC),
    )
    page = client_as("manager").get(change_url(Certificate, certificate.pk)).content.decode()
    # 01:30 UTC on the 30th is still the 29th, 20:30, in Mexico City.
    assert "Friday 29 October 2021, 20:30" in page
    assert "Dates and times on this page are in Mexico City Time" in page


@pytest.fixture
def tokyo_programme(programme):
    """A second programme, like the demo's, in Tokyo's zone."""
    other = Programme.objects.get(pk=programme.pk)
    other.pk, other.slug, other.time_zone = None, "tokyo-2031", "Asia/Tokyo"
    other.save()
    return other


def test_a_new_object_takes_the_zone_of_the_programme_chosen(client_as, programme, tokyo_programme):
    client = client_as("superuser")
    page = client.get("/en/admin/agenda/virtualsession/add/").content.decode()
    # Two programmes: the zone is the one of the programme the form will name.
    assert 'class="timezone-name">time of the programme you choose</label>' in page
    response = client.post(
        "/en/admin/agenda/virtualsession/add/",
        {
            "programme": tokyo_programme.pk,
            "number": 1,
            "starts_at_0": "2031-01-01",
            "starts_at_1": "14:00",
            "ends_at_0": "2031-01-01",
            "ends_at_1": "16:00",
            "title_es": "Sesión",
            "title_en": "Session",
            "meeting_url": "",
            "recording_url": "",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    session = VirtualSession.objects.get(programme=tokyo_programme)
    assert session.starts_at == dt.datetime(2031, 1, 1, 5, 0, tzinfo=UTC)  # Tokyo: UTC+9


def test_a_manager_of_one_programme_adds_in_its_zone(client_as, programme):
    page = client_as("manager").get("/en/admin/agenda/virtualsession/add/").content.decode()
    assert 'class="timezone-name">Mexico City Time</label>' in page
