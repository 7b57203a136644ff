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
from tests.completions.conftest import DO, MX, ON_TIME

STATUS = "core_completion_get_course_completion_status"

LATE = int(dt.datetime(2021, 11, 20, 15, 0, tzinfo=dt.UTC).timestamp())


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


# --- Enrolment ------------------------------------------------------------------------------


def _participants(programme):
    return list(
        Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
        .select_related("user")
        .order_by("user__email")
    )


def test_enrolment_creates_the_missing_accounts_and_enrols_everyone_once(linked, moodle, programme):
    people = [m.user for m in _participants(programme)]
    outcome = learning_site.enrol(programme, None)
    others = [user for user in people if user.email not in (MX, DO)]
    assert sorted(outcome.created) == sorted(user.email for user in others)
    # Each new account in the person's language, its username the address in lower case,
    # Moodle making and e-mailing the password.
    sent = {item["email"]: item for item in moodle.created}
    for user in others:
        account = sent[user.email]
        assert account["username"] == user.email.lower()
        assert account["lang"] == user.language
        assert account["createpassword"] == "1" and "password" not in account
        assert (account["firstname"], account["lastname"]) == (user.first_name, user.last_name)
    [fake] = moodle.courses
    ids = {email.lower(): pk for pk, email in moodle.users.items()}
    assert fake.enrolled == {ids[user.email.lower()] for user in people}
    # Those already enrolled (MX, DO) are not enrolled again; every enrolment as a student.
    assert len(moodle.enrolments) == len(others)
    assert {role for role, _user, _course in moodle.enrolments} == {5}
    assert outcome.enrolled == {linked.code: len(others)}
    assert outcome.already == {linked.code: 2}
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.LEARNING_SITE_ENROLLED)
    assert event.details["accounts_created"] == len(others)
    assert event.details["enrolments_made"] == len(others)
    assert event.details["courses"] == linked.code
    # Again: nobody created or enrolled twice, and nothing to record.
    again = learning_site.enrol(programme, None)
    assert not again.created and again.enrolled == {linked.code: 0}
    assert again.already == {linked.code: len(people)}
    assert len(moodle.created) == len(others) and len(moodle.enrolments) == len(others)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LEARNING_SITE_ENROLLED).count() == 1


def test_an_enrolment_dry_run_only_reads(linked, moodle, programme):
    people = _participants(programme)
    outcome = learning_site.enrol(programme, None, dry_run=True)
    assert len(outcome.created) == len(people) - 2
    assert outcome.enrolled == {linked.code: len(people) - 2}
    assert not moodle.created and not moodle.enrolments
    writes = {"core_user_create_users", "enrol_manual_enrol_users"}
    assert not [call for call, _form in moodle.calls if call in writes]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LEARNING_SITE_ENROLLED).exists()


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda fake: fake.without_manual.add(7), "Manual enrolments"),
        (lambda fake: fake.allowed.discard("core_user_create_users"), "core_user_create_users"),
    ],
)
def test_an_enrolment_refused_is_said_plainly(linked, moodle, programme, english, change, says):
    change(moodle)
    with pytest.raises(MoodleError) as refused:
        learning_site.enrol(programme, None)
    assert says in refused.value.message
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LEARNING_SITE_ENROLLED).exists()


def test_enrolment_needs_a_course_named_on_the_learning_site(moodle, programme, english):
    with pytest.raises(MoodleError, match="names its course on the learning site"):
        learning_site.enrol(programme, None)
    assert not moodle.created


def test_the_command_enrols(linked, moodle, programme, capsys):
    people = _participants(programme)
    call_command("moodle_sync", programme.slug, "--enrol", "--dry-run")
    out = capsys.readouterr().out
    assert f"{len(people) - 2} accounts to create (dry run, nothing changed)" in out
    assert f"{linked.code}: {len(people) - 2} to enrol, 2 already enrolled" in out
    assert not moodle.created
    call_command("moodle_sync", programme.slug, "--enrol", "--completion")
    out = capsys.readouterr().out
    assert f"{len(people) - 2} accounts created" in out
    assert f"{linked.code}: 1 completed" in out
    assert len(moodle.created) == len(people) - 2
