"""Completions read from the learning site's web services, against a small Moodle server
on loopback: the same import as the report file, its errors in plain words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from capacita.audit.models import AuditEvent
from capacita.completions import learning_site, services
from capacita.completions.models import CompletionReport, CourseCompletion
from capacita.programmes.models import Membership, Role
from capacita.shared.moodle_ws import MoodleClient, MoodleError, flattened
from tests.fakes.moodle import Course as MoodleCourse
from tests.fakes.moodle import FakeMoodle, serve

STATUS = "core_completion_get_course_completion_status"
MX = "participant.mx@example.org"
DO = "participant.do@example.org"
ON_TIME = int(dt.datetime(2021, 11, 1, 15, 0, tzinfo=dt.UTC).timestamp())
EARLIER = int(dt.datetime(2021, 10, 20, 15, 0, tzinfo=dt.UTC).timestamp())
LATE = int(dt.datetime(2021, 11, 20, 15, 0, tzinfo=dt.UTC).timestamp())


@pytest.fixture
def moodle(settings):
    fake = FakeMoodle(users={11: MX, 12: DO, 13: "someone.else@example.org"})
    url, stop = serve(fake)
    settings.MOODLE_URL = url + "/"
    settings.MOODLE_TOKEN = fake.token
    yield fake
    stop()


@pytest.fixture
def linked(course, moodle):
    """The course named on the fake site: MX completed it on time (every criterion, the last
    one counting), DO enrolled without completing it."""
    course.moodle_course = "MIG-TRENDS"
    course.save()
    moodle.courses.append(
        MoodleCourse(
            id=7,
            shortname="MIG-TRENDS",
            enrolled={11, 12},
            criteria={11: [(True, EARLIER), (True, ON_TIME)], 12: [(True, EARLIER), (False, None)]},
        )
    )
    return course


def test_lists_and_structures_are_encoded_as_moodle_reads_them():
    assert flattened({"users": [{"email": "a@b.org", "auth": "manual"}], "field": "email"}) == [
        ("users[0][email]", "a@b.org"),
        ("users[0][auth]", "manual"),
        ("field", "email"),
    ]
    assert flattened({"values": ["x", "y"], "flag": True}) == [
        ("values[0]", "x"),
        ("values[1]", "y"),
        ("flag", "1"),
    ]


def test_completions_come_in_through_the_same_import(linked, moodle, english):
    outcome = learning_site.sync_completion(linked, None)
    assert outcome.saved
    by_email = {verdict.user.email: verdict for verdict in outcome.verdicts}
    assert by_email[MX].outcome == services.COMPLETED
    assert by_email[DO].outcome == services.NOT_COMPLETED
    mx = CourseCompletion.objects.get(course=linked, user__email=MX)
    assert mx.completed and mx.completed_at == dt.datetime.fromtimestamp(ON_TIME, tz=dt.UTC)
    assert not mx.is_late
    # The other participants have no account there: listed, not touched.
    others = set(
        Membership.objects.filter(programme=linked.programme, role=Role.PARTICIPANT)
        .exclude(user__email__in=[MX, DO])
        .values_list("user__email", flat=True)
    )
    assert others and {problem.email for problem in outcome.problems} == others
    assert {problem.message for problem in outcome.problems} == {"No account on the learning site."}
    assert CourseCompletion.objects.filter(course=linked).count() == 2
    report = CompletionReport.objects.get(course=linked)
    assert report.filename == learning_site.SOURCE_NAME
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.COMPLETION_IMPORTED, subject_id=str(report.pk)
    ).exists()
    # The same call again: nothing new, nothing written.
    again = learning_site.sync_completion(linked, None)
    assert again.already_imported and CompletionReport.objects.filter(course=linked).count() == 1


def test_a_completion_after_the_deadline_is_late_and_any_criterion_takes_the_first(linked, moodle):
    [fake] = moodle.courses
    fake.criteria[11] = [(True, LATE), (True, LATE + 3600)]
    learning_site.sync_completion(linked, None)
    assert CourseCompletion.objects.get(course=linked, user__email=MX).is_late
    fake.aggregation = 2
    fake.criteria[11] = [(True, LATE + 3600), (False, None), (True, LATE)]
    learning_site.sync_completion(linked, None)
    mx = CourseCompletion.objects.get(course=linked, user__email=MX)
    assert mx.completed_at == dt.datetime.fromtimestamp(LATE, tz=dt.UTC)


def test_someone_not_enrolled_is_a_problem_row(linked, moodle, english):
    moodle.courses[0].enrolled = {11}
    outcome = learning_site.sync_completion(linked, None)
    [problem] = [p for p in outcome.problems if p.email == DO]
    assert problem.message == "Not enrolled in the course on the learning site."
    assert not CourseCompletion.objects.filter(course=linked, user__email=DO).exists()


def test_a_dry_run_saves_nothing(linked, moodle):
    outcome = learning_site.sync_completion(linked, None, dry_run=True)
    assert outcome.dry_run and outcome.count(services.COMPLETED) == 1
    assert not CompletionReport.objects.exists() and not CourseCompletion.objects.exists()


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda fake, course: setattr(fake, "token", "another"), "MOODLE_TOKEN"),
        (
            lambda fake, course: fake.allowed.discard(
                "core_completion_get_course_completion_status"
            ),
            "core_completion_get_course_completion_status",
        ),
        (lambda fake, course: setattr(course, "moodle_course", "NO-SUCH"), "NO-SUCH"),
        (lambda fake, course: setattr(course, "moodle_course", "99"), "course's Moodle name"),
        (lambda fake, course: setattr(course, "moodle_course", ""), "short name or id"),
    ],
)
def test_each_refusal_is_said_plainly_and_nothing_is_saved(linked, moodle, english, change, says):
    change(moodle, linked)
    with pytest.raises(MoodleError) as refused:
        learning_site.sync_completion(linked, None)
    assert says in refused.value.message
    assert not CompletionReport.objects.exists() and not CourseCompletion.objects.exists()


def test_an_unreachable_site_is_said_plainly(english):
    site = MoodleClient("http://127.0.0.1:9", "x")
    with pytest.raises(MoodleError) as refused:
        site.call("core_webservice_get_site_info")
    assert "could not be reached" in refused.value.message and "MOODLE_URL" in refused.value.message


def test_the_command_reads_every_named_course(linked, moodle, programme, capsys):
    call_command("moodle_sync", programme.slug, "--completion", "--dry-run")
    out = capsys.readouterr().out
    assert f"{linked.code}: 1 completed, 0 late, 1 not completed" in out
    assert "dry run, nothing saved" in out
    assert "skipped, no course on the learning site named" in out
    call_command("moodle_sync", programme.slug, "--completion")
    assert CourseCompletion.objects.filter(course=linked).count() == 2
    with pytest.raises(CommandError, match="--completion"):
        call_command("moodle_sync", programme.slug)


def test_without_settings_the_command_says_what_to_set(programme, settings, english):
    settings.MOODLE_URL = ""
    with pytest.raises(CommandError, match="MOODLE_URL and MOODLE_TOKEN"):
        call_command("moodle_sync", programme.slug, "--completion")
