"""The board's files of a big programme, made by the worker for their asker alone, with what
they may see and chose."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from capacita.jobs import services
from capacita.jobs.models import Job
from capacita.progress import views as progress_views


@pytest.fixture
def big(monkeypatch):
    """Every board file counts as big."""
    monkeypatch.setattr(progress_views, "BOARD_IN_REQUEST_UP_TO", 0)


def focal_gt():
    return get_user_model().objects.get(email="focal.gt@example.org")


def test_a_big_board_file_leads_to_the_background_with_the_choices(client_as, programme, big):
    client = client_as("focal_point")
    slug = programme.slug
    response = client.get(f"/en/programmes/{slug}/board.csv?status=incomplete&country=MX")
    start = reverse("jobs:start", kwargs={"slug": slug, "kind": "board-csv"})
    assert response["Location"] == f"{start}?country=MX&status=incomplete"
    page = client.get(response["Location"]).content.decode()
    assert '<input type="hidden" name="country" value="MX">' in page
    assert '<input type="hidden" name="status" value="incomplete">' in page


def test_the_worker_makes_the_askers_board_and_only_they_reach_it(
    client, client_as, programme, users, big
):
    client = client_as("focal_point")  # Mexico's
    slug = programme.slug
    start = reverse("jobs:start", kwargs={"slug": slug, "kind": "board-csv"})
    job_page = client.post(start, {"country": "MX"})["Location"]
    job = Job.objects.get()
    assert job.params == {"country": "MX"} and job.requested_by == users["focal_point"]
    assert services.run(job.pk) == "done"
    download = reverse("jobs:download", kwargs={"slug": slug, "pk": job.pk, "ext": "csv"})
    response = client.get(download)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    countries = {row[3] for row in rows[1:]}
    assert countries == {"Mexico"}, countries
    # Made for its asker: a manager or another country's focal point does not reach it.
    for other in (users["manager"], focal_gt()):
        client.force_login(other)
        assert client.get(job_page).status_code == 403
        assert client.get(download).status_code == 403


def test_a_focal_point_cannot_ask_for_another_countrys_board(client_as, programme, big):
    client = client_as("focal_point")
    start = reverse("jobs:start", kwargs={"slug": programme.slug, "kind": "board-xlsx"})
    assert client.get(f"{start}?country=GT").status_code == 403
    assert client.post(start, {"country": "GT"}).status_code == 403
    assert not Job.objects.exists()


def test_two_askers_of_the_same_board_get_their_own_jobs(programme, users):
    from capacita.jobs.kinds import kind_of

    kind = kind_of("board-xlsx")
    mine = services.request_job(programme, kind, users["manager"], "es", {"status": "complete"})
    again = services.request_job(programme, kind, users["manager"], "es", {"status": "complete"})
    other_choice = services.request_job(programme, kind, users["manager"], "es", {})
    theirs = services.request_job(programme, kind, focal_gt(), "es", {"status": "complete"})
    assert mine == again
    assert len({mine.pk, other_choice.pk, theirs.pk}) == 3


def test_a_small_board_file_is_still_made_in_the_request(client_as, programme):
    response = client_as("manager").get(f"/en/programmes/{programme.slug}/board.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert not Job.objects.exists()
