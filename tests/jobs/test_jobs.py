"""Long work in the background: asked for once, done by the worker with its progress, its
file or outcome kept for a day, and the big programmes' files and issuing sent to it."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from capacita.audit.models import AuditEvent
from capacita.certificates import background as certificate_work
from capacita.certificates import views as certificate_views
from capacita.certificates.models import Certificate
from capacita.evaluation import views as evaluation_views
from capacita.evaluation.report import evaluation_report
from capacita.evaluation.workbook import report_workbook
from capacita.jobs import kinds, services
from capacita.jobs.kinds import JobKind, kind_of, register
from capacita.jobs.models import Job
from capacita.jobs.tasks import run_job
from capacita.programmes import permissions
from capacita.programmes.models import Membership, Role
from capacita.reports import views as report_views
from tests.certificates.issued import issued_certificate
from tests.progress.conftest import complete_everything

ARCHIVE = kind_of(certificate_work.ARCHIVE)
ISSUE = kind_of(certificate_work.ISSUE)


def participants(programme, count):
    return [
        m.user
        for m in Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
        .select_related("user")
        .order_by("user__email")[:count]
    ]


def test_asking_queues_one_job_for_the_worker_with_its_audit_record(
    programme, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_job(programme, ARCHIVE, users["manager"], "es")
    assert job.state == Job.State.WAITING
    tasks = DBTaskResult.objects.filter(task_path="capacita.jobs.tasks.run_job")
    assert [task.args_kwargs["args"] for task in tasks] == [[job.pk]]
    event = AuditEvent.objects.get(action="job.requested")
    assert event.actor == users["manager"] and event.subject_id == str(job.pk)
    # Asked again while it waits: the same job, nothing queued twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.request_job(programme, ARCHIVE, users["manager"], "es")
    assert again == job and tasks.count() == 1
    # In the other language, a file of its own.
    assert services.request_job(programme, ARCHIVE, users["manager"], "en") != job


def test_the_database_keeps_one_unfinished_job_per_kind_and_language(programme):
    Job.objects.create(programme=programme, kind=ARCHIVE.code, language="es")
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(programme=programme, kind=ARCHIVE.code, language="es")
    Job.objects.filter(programme=programme).update(state=Job.State.DONE)
    Job.objects.create(programme=programme, kind=ARCHIVE.code, language="es")


def test_the_worker_makes_the_zip_file_with_its_progress(
    programme, users, django_capture_on_commit_callbacks
):
    holders = participants(programme, 3)
    certificates = [issued_certificate(programme, user, with_file=True) for user in holders]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_job(programme, ARCHIVE, users["manager"], "en")
    [task] = DBTaskResult.objects.filter(task_path="capacita.jobs.tasks.run_job")
    assert run_job.call(*task.args_kwargs["args"]) == "done"
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert (job.done, job.total) == (3, 3)
    assert job.file_name == f"{programme.slug}-certificates.zip"
    with job.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        names = archive.namelist()
    assert sorted(name.rsplit(" - ", 1)[1] for name in names) == sorted(
        f"{c.code}.pdf" for c in certificates
    )


def test_the_tests_report_workbook_made_in_the_background_is_the_requests(programme, users):
    job = Job.objects.create(
        programme=programme, kind="evaluation-xlsx", language="en", requested_by=users["manager"]
    )
    assert services.run(job.pk) == "done"
    job.refresh_from_db()
    assert job.file_name == f"{programme.slug}-evaluation.xlsx"
    with job.file.open("rb") as handle:
        made = openpyxl.load_workbook(io.BytesIO(handle.read()))
    with translation.override("en"):
        expected = openpyxl.load_workbook(io.BytesIO(report_workbook(evaluation_report(programme))))
    assert made.sheetnames == expected.sheetnames
    for name in expected.sheetnames:
        assert list(made[name].values) == list(expected[name].values), name


def test_issuing_in_the_background_goes_in_batches_and_issues_no_second_certificate(
    programme, users
):
    due = participants(programme, 5)
    for user in due:
        complete_everything(programme, user)
    issued_certificate(programme, due[0])  # already holds one
    job = Job.objects.create(
        programme=programme, kind=ISSUE.code, language="en", requested_by=users["manager"]
    )
    assert services.run(job.pk) == "done"
    job.refresh_from_db()
    assert job.outcome == {"issued": 4}
    assert (job.done, job.total) == (4, 4)
    assert Certificate.objects.filter(programme=programme, user__in=due).count() == 5
    assert ISSUE.describe(job.outcome) == (
        "4 certificates issued; each holder receives theirs by e-mail."
    )
    # Run again: nobody is due, nothing issued.
    again = Job.objects.create(programme=programme, kind=ISSUE.code, language="en")
    services.run(again.pk)
    again.refresh_from_db()
    assert again.outcome == {"issued": 0}
    assert ISSUE.describe(again.outcome).startswith("No new certificate")


def test_each_batch_is_its_own_transaction(programme, users, monkeypatch):
    """A batch that fails leaves the batches before it issued."""
    from capacita.certificates import services as certificate_services

    due = participants(programme, 4)
    for user in due:
        complete_everything(programme, user)
    real_issue = certificate_services._issue
    calls = []

    def failing_second(programme_, users_, actor, **kwargs):
        calls.append(len(users_))
        if len(calls) == 2:
            raise RuntimeError("stopped")
        return real_issue(programme_, users_, actor, **kwargs)

    monkeypatch.setattr(certificate_services, "_issue", failing_second)
    with pytest.raises(RuntimeError):
        certificate_services.issue_due(programme, users["manager"], batch=2)
    assert calls == [2, 2]
    assert Certificate.objects.filter(programme=programme, user__in=due).count() == 2


def test_work_that_fails_says_so_and_can_be_asked_again(programme, users, caplog, monkeypatch):
    def broken(job, progress):
        raise ValueError("broken")

    monkeypatch.setattr(kinds, "REGISTRY", dict(kinds.REGISTRY))  # this test's kind goes with it
    register(
        JobKind(
            code="test-broken",
            title="Broken",
            explanation="",
            button="Go",
            may=permissions.can_read_balance,
            page="reports:balance",
            page_title="Balance",
            make=broken,
        )
    )
    kind = kind_of("test-broken")
    job = services.request_job(programme, kind, users["manager"], "en")
    assert services.run(job.pk) == "failed"
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.finished_at is not None
    assert "Job %s (%s) failed" in caplog.records[-1].msg
    assert services.run(job.pk) == "skipped"  # not run twice
    assert services.request_job(programme, kind, users["manager"], "en") != job


def test_expired_jobs_go_with_their_files_and_lost_ones_are_given_up(programme):
    now = timezone.now()
    old = Job.objects.create(
        programme=programme, kind=ARCHIVE.code, language="es", state=Job.State.DONE
    )
    from django.core.files.base import ContentFile

    old.file.save("old.zip", ContentFile(b"PK"), save=False)
    Job.objects.filter(pk=old.pk).update(file=old.file.name, finished_at=now - timedelta(hours=25))
    fresh = Job.objects.create(
        programme=programme,
        kind=ISSUE.code,
        language="es",
        state=Job.State.DONE,
        finished_at=now - timedelta(hours=23),
    )
    lost = Job.objects.create(
        programme=programme, kind=ARCHIVE.code, language="en", state=Job.State.RUNNING
    )
    Job.objects.filter(pk=lost.pk).update(requested_at=now - timedelta(hours=7))
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    assert services.remove_expired(now) == (1, 1)
    assert not Job.objects.filter(pk=old.pk).exists() and not storage.exists(name)
    assert Job.objects.filter(pk=fresh.pk).exists()
    assert Job.objects.get(pk=lost.pk).state == Job.State.FAILED


def test_a_deleted_programme_takes_its_jobs_files_along(programme):
    from django.core.files.base import ContentFile

    job = Job.objects.create(
        programme=programme, kind=ARCHIVE.code, language="es", state=Job.State.DONE
    )
    job.file.save("a.zip", ContentFile(b"PK"), save=True)
    storage, name = job.file.storage, job.file.name
    programme.delete()
    assert not storage.exists(name)


# The pages


def test_a_big_programmes_archive_and_balance_files_lead_to_the_background(
    client_as, programme, monkeypatch
):
    monkeypatch.setattr(certificate_views, "ARCHIVE_IN_REQUEST_UP_TO", -1)
    monkeypatch.setattr(report_views, "BALANCE_IN_REQUEST_UP_TO", 0)
    monkeypatch.setattr(evaluation_views, "REPORT_IN_REQUEST_UP_TO", 0)
    client = client_as("manager")
    slug = programme.slug
    for url, kind in (
        (f"/en/programmes/{slug}/tests/report.xlsx", "evaluation-xlsx"),
        (reverse("certificates:archive", kwargs={"slug": slug}), "certificates-zip"),
        (f"/en/programmes/{slug}/balance.pdf", "balance-pdf"),
        (f"/en/programmes/{slug}/balance.xlsx", "balance-xlsx"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("jobs:start", kwargs={"slug": slug, "kind": kind})
        page = client.get(response["Location"])
        assert 'id="start-job"' in page.content.decode()
    assert not Job.objects.exists()  # a GET starts nothing


def test_issuing_many_from_the_page_goes_to_the_background(client_as, programme, monkeypatch):
    monkeypatch.setattr(certificate_views, "ISSUE_IN_REQUEST_UP_TO", 1)
    for user in participants(programme, 2):
        complete_everything(programme, user)
    client = client_as("manager")
    slug = programme.slug
    response = client.post(reverse("certificates:issue_all", kwargs={"slug": slug}))
    job = Job.objects.get(kind=ISSUE.code)
    assert response["Location"] == reverse("jobs:job", kwargs={"slug": slug, "pk": job.pk})
    assert not Certificate.objects.filter(programme=programme).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for its turn" in page and 'http-equiv="refresh"' in page
    # The certificates page says the work is under way and leads to it, instead of its button.
    overview = client.get(reverse("certificates:overview", kwargs={"slug": slug})).content.decode()
    assert 'id="issuing"' in overview and 'id="issue-all"' not in overview
    assert response["Location"] in overview
    # Done, the job's page tells what it did and reloads no more.
    services.run(job.pk)
    page = client.get(response["Location"]).content.decode()
    assert "2 certificates issued" in page and 'http-equiv="refresh"' not in page
    assert Certificate.objects.filter(programme=programme).count() == 2


def test_a_few_are_still_issued_in_the_request(client_as, programme, eligible_pair):
    client = client_as("manager")
    client.post(reverse("certificates:issue_all", kwargs={"slug": programme.slug}))
    assert not Job.objects.exists()
    assert Certificate.objects.filter(programme=programme).count() == 2


@pytest.fixture
def eligible_pair(programme):
    pair = participants(programme, 2)
    for user in pair:
        complete_everything(programme, user)
    return pair


def test_the_job_page_shows_progress_then_the_file(client_as, programme, users):
    from django.core.files.base import ContentFile

    job = Job.objects.create(
        programme=programme,
        kind=ARCHIVE.code,
        language="en",
        state=Job.State.RUNNING,
        done=40,
        total=160,
    )
    client = client_as("manager")
    url = reverse("jobs:job", kwargs={"slug": programme.slug, "pk": job.pk})
    download = reverse("jobs:download", kwargs={"slug": programme.slug, "pk": job.pk, "ext": "zip"})
    page = client.get(url).content.decode()
    assert "In progress: 40 of 160" in page
    assert '<progress id="job-progress" value="40" max="160"' in page
    assert client.get(download).status_code == 404  # not made yet
    job.file.save("x.zip", ContentFile(b"PK-zip"), save=False)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.DONE,
        file=job.file.name,
        file_name="crm-certificates.zip",
        finished_at=timezone.now(),
    )
    page = client.get(url).content.decode()
    assert "Download crm-certificates.zip" in page and "kept until" in page
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK-zip"
    assert 'filename="crm-certificates.zip"' in response["Content-Disposition"]


def test_only_who_may_do_the_work_starts_it_or_reads_it(client_as, programme, users):
    start = reverse("jobs:start", kwargs={"slug": programme.slug, "kind": ISSUE.code})
    for role in ("focal_point", "participant", "facilitator"):
        assert client_as(role).post(start).status_code == 403, role
    assert not Job.objects.exists()
    assert client_as("manager").post(start).status_code == 302
    assert Job.objects.get().requested_by == users["manager"]
    unknown = reverse("jobs:start", kwargs={"slug": programme.slug, "kind": "nothing-known"})
    assert client_as("manager").get(unknown).status_code == 404
