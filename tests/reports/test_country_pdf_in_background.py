"""A country's report as a PDF lists each of its participants: for a country of hundreds it is
made by the task worker (`capacita.jobs`), for its asker alone, as the request would make it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capacita.jobs import services
from capacita.jobs.models import Job
from capacita.programmes.models import MemberCountry, Membership, Role
from capacita.reports import views as report_views
from tests.reports.pdfs import downloaded, page_texts

KIND = "country-report-pdf"


@pytest.fixture
def in_background(monkeypatch):
    monkeypatch.setattr(report_views, "COUNTRY_PDF_IN_REQUEST_UP_TO", 0)


def start_url(programme, country=None):
    url = reverse("jobs:start", kwargs={"slug": programme.slug, "kind": KIND})
    return f"{url}?country={country}" if country else url


def test_a_big_countrys_pdf_is_made_by_the_worker_as_the_request_makes_it(
    client_as, programme, users, monkeypatch
):
    client = client_as("manager")
    in_request = page_texts(downloaded(client, "/reports/MX.pdf"))
    monkeypatch.setattr(report_views, "COUNTRY_PDF_IN_REQUEST_UP_TO", 0)
    response = client.get(f"/en/programmes/{programme.slug}/reports/MX.pdf")
    assert response.status_code == 302
    assert response["Location"] == start_url(programme, "MX")
    page = client.get(response["Location"]).content.decode()
    assert '<p id="job-chosen" class="lead">Mexico</p>' in page
    assert '<input type="hidden" name="country" value="MX">' in page
    assert not Job.objects.exists()  # a GET starts nothing
    job_page = client.post(start_url(programme), {"country": "MX"})["Location"]
    job = Job.objects.get()
    assert job.params == {"country": "MX"} and job.requested_by == users["manager"]
    assert services.run(job.pk) == "done"
    job.refresh_from_db()
    assert job.file_name == f"{programme.slug}-mx.pdf"
    with job.file.open("rb") as handle:
        made = page_texts(handle.read())
    assert made == in_request and any("Mexico" in text for text in made)
    page = client.get(job_page).content.decode()
    assert '<p id="job-chosen" class="lead">Mexico</p>' in page
    assert f"Download {programme.slug}-mx.pdf" in page


def test_a_small_countrys_pdf_is_made_in_the_request(client_as, programme):
    client = client_as("focal_point")
    assert page_texts(downloaded(client, "/reports/MX.pdf"))
    assert not Job.objects.exists()


def test_only_who_may_read_the_countrys_report_asks_for_it(
    client_as, programme, users, in_background
):
    client = client_as("focal_point")  # Mexico's
    assert client.get(start_url(programme, "MX")).status_code == 200
    assert client.get(start_url(programme, "GT")).status_code == 403
    assert client.post(start_url(programme), {"country": "GT"}).status_code == 403
    assert client.get(start_url(programme)).status_code == 403  # no country chosen
    assert client.get(start_url(programme, "ZZ")).status_code == 403
    mine = client.post(start_url(programme), {"country": "MX"})
    assert mine.status_code == 302
    for role in ("participant", "facilitator", "outsider", "observer"):
        assert client_as(role).get(start_url(programme, "MX")).status_code == 403, role
    # Made for its asker alone: a manager asking for the same country gets a job of their own,
    # and the focal point cannot follow the manager's.
    manager = client_as("manager")
    theirs = manager.post(start_url(programme), {"country": "MX"})["Location"]
    assert theirs != mine["Location"] and Job.objects.count() == 2
    assert client_as("focal_point").get(theirs).status_code == 403
    assert client_as("focal_point").get(mine["Location"]).status_code == 200


def test_the_recent_runs_are_those_of_the_country_chosen(client_as, programme, in_background):
    client = client_as("manager")
    client.post(start_url(programme), {"country": "MX"})
    client.post(start_url(programme), {"country": "GT"})
    mexico = Job.objects.get(params={"country": "MX"})
    guatemala = Job.objects.get(params={"country": "GT"})
    page = client.get(start_url(programme, "GT")).content.decode()
    assert f"/jobs/{guatemala.pk}/" in page and f"/jobs/{mexico.pk}/" not in page
    page = client.get(start_url(programme, "MX")).content.decode()
    assert f"/jobs/{mexico.pk}/" in page and f"/jobs/{guatemala.pk}/" not in page


def test_a_job_for_a_country_gone_or_no_longer_readable_fails_saying_why(
    client_as, programme, users, in_background
):
    client = client_as("focal_point")
    client.post(start_url(programme), {"country": "MX"})
    job = Job.objects.get()
    Membership.objects.filter(
        programme=programme, user=users["focal_point"], role=Role.FOCAL_POINT
    ).delete()
    assert services.run(job.pk) == "failed"
    job.refresh_from_db()
    assert not job.file
    assert job.outcome["refusal"] == "You may no longer read this country's report."
    client_as("manager").post(start_url(programme), {"country": "GT"})
    job = Job.objects.get(params={"country": "GT"})
    MemberCountry.objects.filter(programme=programme, country__code="GT").delete()
    assert services.run(job.pk) == "failed"
    job.refresh_from_db()
    assert not job.file
    assert job.outcome["refusal"] == "The country is no longer a member of the programme."
