"""The API's endpoints answer each caller with what the pages would show them, no more."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capacita.nominations.models import Nomination
from capacita.nominations.services import import_nominations
from capacita.nominations.spreadsheets import SheetRow

from ..certificates.issued import issued_certificate

API = "/api/v1"
PROGRAMME = f"{API}/programmes/crm-2021"


def test_the_programmes_are_public_and_paged(client, programme):
    answer = client.get(f"{API}/programmes").json()
    assert [item["slug"] for item in answer["items"]] == ["crm-2021"]
    assert answer["count"] == 1


def test_the_agenda_is_given_in_the_zone_asked_for(client, programme):
    answer = client.get(f"{PROGRAMME}/agenda", {"tz": "America/Guatemala"}).json()
    assert answer["time_zone"] == "America/Guatemala"
    first = answer["sessions"][0]
    assert first["starts_at"].endswith("-06:00")
    assert first["items"]


def test_a_zone_the_site_does_not_offer_is_refused_in_the_callers_language(client, programme):
    response = client.get(
        f"{PROGRAMME}/agenda", {"tz": "Asia/Tokyo"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert "is not one of this programme's time zones" in response.json()["detail"]
    spanish = client.get(
        f"{PROGRAMME}/agenda", {"tz": "Nowhere/Else"}, headers={"Accept-Language": "es"}
    )
    assert spanish.status_code == 400
    assert "no es una de las zonas horarias" in spanish.json()["detail"]


def test_an_unpublished_programme_is_hidden_from_the_public(client, programme, bearer):
    programme.is_published = False
    programme.save(update_fields=["is_published"])
    assert client.get(f"{PROGRAMME}/agenda").status_code == 404
    assert client.get(f"{API}/programmes").json()["count"] == 0
    assert client.get(f"{PROGRAMME}/agenda", headers=bearer("manager")).status_code == 200


def test_a_focal_point_lists_their_countrys_nominations_only(client, programme, bearer):
    header = bearer("focal_point")
    mexican = client.get(f"{PROGRAMME}/countries/mx/nominations", headers=header)
    assert mexican.status_code == 200
    emails = {item["email"] for item in mexican.json()["items"]}
    mexicans = Nomination.objects.filter(programme=programme, country__code="MX")
    assert emails and emails <= set(mexicans.values_list("email", flat=True))
    assert mexican.json()["count"] == mexicans.count()
    guatemala = client.get(f"{PROGRAMME}/countries/gt/nominations", headers=header)
    assert guatemala.status_code == 403


ROW = {
    "first_name": "Ana",
    "last_name": "Prueba",
    "position": "Consejera",
    "institution": "SNE",
    "email": "ana.prueba@example.org",
}


def test_a_list_is_checked_first_and_saved_whole_only_when_asked(client, programme, bearer):
    header = bearer("focal_point")
    url = f"{PROGRAMME}/countries/mx/nominations"
    before = Nomination.objects.count()
    checked = client.post(url, {"rows": [ROW]}, content_type="application/json", headers=header)
    assert checked.status_code == 200
    assert checked.json()["saved"] is False
    assert checked.json()["rows"][0]["outcome"] in ("new", "reserve")
    assert Nomination.objects.count() == before
    saved = client.post(
        url, {"rows": [ROW], "dry_run": False}, content_type="application/json", headers=header
    )
    assert saved.json()["saved"] is True
    assert Nomination.objects.filter(email="ana.prueba@example.org", country__code="MX").exists()


def test_one_refused_row_saves_nothing(client, programme, bearer):
    header = bearer("focal_point")
    rows = [{**ROW, "email": "nueva@example.org"}, {**ROW, "email": "not an address"}]
    answer = client.post(
        f"{PROGRAMME}/countries/mx/nominations",
        {"rows": rows, "dry_run": False},
        content_type="application/json",
        headers=header,
    ).json()
    assert answer["saved"] is False
    assert [row["outcome"] for row in answer["rows"]][1] == "refused"
    assert answer["rows"][1]["reasons"]
    assert not Nomination.objects.filter(email="nueva@example.org").exists()


def test_the_upload_and_the_api_give_the_same_verdicts(client, programme, bearer):
    rows = [ROW, {**ROW, "email": "ana.prueba@example.org"}, {**ROW, "email": "x"}]
    by_service = import_nominations(
        programme,
        programme.member_countries.get(country__code="MX").country,
        [SheetRow(number, values) for number, values in enumerate(rows, start=1)],
        actor=None,
        dry_run=True,
    )
    by_api = client.post(
        f"{PROGRAMME}/countries/mx/nominations",
        {"rows": rows},
        content_type="application/json",
        headers=bearer("focal_point"),
    ).json()
    assert [row["outcome"] for row in by_api["rows"]] == [
        verdict.outcome for verdict in by_service.verdicts
    ]


@pytest.mark.parametrize("role", ["participant", "facilitator", "observer", "outsider"])
def test_only_focal_points_and_managers_submit_lists(client, programme, bearer, role):
    response = client.post(
        f"{PROGRAMME}/countries/mx/nominations",
        {"rows": [ROW], "dry_run": False},
        content_type="application/json",
        headers=bearer(role),
    )
    assert response.status_code == 403
    assert not Nomination.objects.filter(email=ROW["email"]).exists()


def test_a_focal_point_follows_only_their_countrys_participants(client, programme, bearer):
    header = bearer("focal_point")
    answer = client.get(f"{PROGRAMME}/progress", headers=header).json()
    assert answer["count"] > 0
    assert {item["country"] for item in answer["items"]} == {"MX"}
    assert client.get(f"{PROGRAMME}/progress?country=GT", headers=header).status_code == 403
    everyone = client.get(f"{PROGRAMME}/progress", headers=bearer("manager")).json()
    assert everyone["count"] > answer["count"]


def test_a_country_report_is_for_its_focal_point_and_the_managers(client, programme, bearer):
    header = bearer("focal_point")
    report = client.get(f"{PROGRAMME}/reports/countries/mx", headers=header)
    assert report.status_code == 200
    assert report.json()["country"] == "MX"
    assert client.get(f"{PROGRAMME}/reports/countries/gt", headers=header).status_code == 403
    manager = bearer("manager")
    assert client.get(f"{PROGRAMME}/reports/countries/gt", headers=manager).status_code == 200


def test_a_certificate_is_verified_by_anyone(client, programme, users):
    certificate = issued_certificate(programme, users["participant"])
    answer = client.get(f"{API}/certificates/{certificate.formatted_code}")
    assert answer.status_code == 200
    assert answer.json()["status"] == "valid"
    assert answer.json()["holder_name"] == certificate.holder_name
    assert client.get(f"{API}/certificates/{certificate.code.lower()}").status_code == 200
    # It names a person: no cache keeps it, whoever asks.
    assert "no-store" in answer["Cache-Control"]


def test_unknown_codes_are_throttled_as_on_the_verification_page(client, programme, settings):
    settings.VERIFY_FAILURE_LIMIT = 2
    for _ in range(2):
        assert client.get(f"{API}/certificates/AAAA-AAAA-AAAA-AAAA").status_code == 404
    throttled = client.get(f"{API}/certificates/AAAA-AAAA-AAAA-AAAA")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0


@pytest.mark.parametrize("path", [f"{PROGRAMME}/progress", f"{PROGRAMME}/countries/MX/nominations"])
def test_a_list_reads_the_same_queries_for_a_page_of_two_and_of_ten(
    client, programme, bearer, path
):
    """A page of people is read in a fixed number of queries, not one more per person."""
    header = bearer("manager")
    counts = []
    for size in (2, 10):
        client.get(f"{path}?page_size={size}", headers=header)  # the token's use noted
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(f"{path}?page_size={size}", headers=header).json()
        assert len(answer["items"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
