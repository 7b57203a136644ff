"""The learning site's syncs as background work, offered on the course completion page when
its web services are set: the enrolment and the completions, each with its outcome in words,
a refusal said on the job's page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from capacita.completions import background
from capacita.completions.models import CourseCompletion
from capacita.jobs import services
from capacita.jobs.kinds import kind_of
from capacita.jobs.models import Job

ENROL = kind_of(background.ENROL)
COMPLETION = kind_of(background.COMPLETION)


def _overview(client, programme):
    return client.get(reverse("completions:overview", kwargs={"slug": programme.slug}))


def test_the_page_offers_the_syncs_only_when_the_site_is_set(
    programme, client_as, settings, moodle
):
    page = _overview(client_as("manager"), programme).content.decode()
    assert 'id="learning-site-linked"' in page
    assert reverse("jobs:start", kwargs={"slug": programme.slug, "kind": ENROL.code}) in page
    assert reverse("jobs:start", kwargs={"slug": programme.slug, "kind": COMPLETION.code}) in page
    settings.MOODLE_TOKEN = ""
    page = _overview(client_as("manager"), programme).content.decode()
    assert 'id="learning-site-linked"' not in page and "jobs/learning-site" not in page


@pytest.mark.parametrize("role", ["focal_point", "participant", "facilitator"])
def test_only_those_who_keep_the_completions_may_start_them(programme, client_as, role):
    for kind in (ENROL, COMPLETION):
        url = reverse("jobs:start", kwargs={"slug": programme.slug, "kind": kind.code})
        assert client_as(role).get(url).status_code == 403
        assert client_as(role).post(url).status_code == 403
        assert client_as("manager").get(url).status_code == 200


def test_the_worker_enrols_and_says_what_it_did(linked, moodle, programme, users, english):
    job = services.request_job(programme, ENROL, users["manager"], "en")
    assert services.run(job.pk) == "done"
    job.refresh_from_db()
    assert job.outcome["accounts_created"] == len(moodle.created) > 0
    said = ENROL.describe(job.outcome)
    assert f"{len(moodle.created)} accounts created on the learning site" in said
    assert f"courses: {linked.code}" in said


def test_the_worker_reads_the_completions(linked, moodle, programme, users, client):
    job = services.request_job(programme, COMPLETION, users["manager"], "es")
    assert services.run(job.pk) == "done"
    job.refresh_from_db()
    [row] = job.outcome["courses"]
    assert (row["course"], row["completed"], row["changed"]) == (linked.code, 1, 2)
    assert CourseCompletion.objects.filter(course=linked).count() == 2
    client.force_login(users["manager"])
    with translation.override("es"):
        url = reverse("jobs:job", kwargs={"slug": programme.slug, "pk": job.pk})
    assert f"{linked.code}: 1 completadas" in client.get(url).content.decode()


def test_a_refusal_fails_the_job_and_its_page_says_what_to_fix(
    linked,
    moodle,
    programme,
    users,
    client,
):
    moodle.token = "revoked"
    job = services.request_job(programme, COMPLETION, users["manager"], "es")
    assert services.run(job.pk) == "failed"
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "MOODLE_TOKEN" in job.outcome["refusal"]
    client.force_login(users["manager"])
    with translation.override("es"):
        url = reverse("jobs:job", kwargs={"slug": programme.slug, "pk": job.pk})
    text = client.get(url).content.decode()
    assert "MOODLE_TOKEN" in text and "administradores" not in text
    assert not CourseCompletion.objects.filter(course=linked).exists()
