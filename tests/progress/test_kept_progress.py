"""The kept progress (`capacita.certificates.kept`): every service that changes what the
certificate rule reads keeps it in step, whatever the order; `capacita check_progress` finds a
difference and repairs it; the counts read from it agree with the rule worked out person by
person."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capacita.attendance.services import (
    AttendanceError,
    mark_attendance,
    withdraw_attendance_mark,
)
from capacita.certificates.kept import differences
from capacita.certificates.models import ProgressRecord
from capacita.certificates.rule import State, participants, progress_of
from capacita.certificates.selectors import Verdict, verdict_counts
from capacita.certificates.services import issue_certificates, revoke, standings
from capacita.completions.services import (
    CompletionError,
    deadline_changed,
    mark_completion,
    withdraw_completion_mark,
)
from capacita.development.scale import add_generated_programme
from capacita.evaluation.models import Questionnaire
from capacita.evaluation.services import EvaluationError, save_answers
from capacita.programmes.services import change_settings
from capacita.reports.figures import Tally
from tests.privacy.conftest import _open, answers

from .conftest import complete_everything, person

PEOPLE = ("participant.mx@example.org", "participant.do@example.org")


def _kept(programme, user):
    return ProgressRecord.objects.get(programme=programme, user=user)


def _attend(programme, manager, who, number, status):
    mark_attendance(
        programme.sessions.get(number=number), who, status, "Lista de la sesión", manager
    )


def _unattend(programme, manager, who, number):
    # Nothing marked by hand: nothing to take back.
    with contextlib.suppress(AttendanceError):
        withdraw_attendance_mark(programme.sessions.get(number=number), who, "Error", manager)


def _complete(programme, manager, who, index, late):
    course = programme.courses.order_by("position")[index]
    when = course.deadline + dt.timedelta(days=1 if late else -1) if course.deadline else None
    if when is not None and when > timezone.now():
        when = None
    mark_completion(course, who, True, "Certificado del curso", manager, completed_at=when)


def _uncomplete(programme, manager, who, index):
    course = programme.courses.order_by("position")[index]
    with contextlib.suppress(CompletionError):
        withdraw_completion_mark(course, who, "Error", manager)


def _rule(programme, manager, late, post):
    change_settings(
        programme,
        {"certificate_allows_late_completion": late, "certificate_requires_post_test": post},
        manager,
    )


def _submit_post(programme, manager, who):
    post = _open(Questionnaire.objects.get(programme=programme, kind="post"))
    # Submitted already: it cannot be changed.
    with contextlib.suppress(EvaluationError):
        save_answers(post, who, answers(post, "Texto", True), submit=True)


def _move_deadline(programme, manager, who, index, days):
    course = programme.courses.order_by("position")[index]
    course.deadline = (course.deadline or timezone.now()) + dt.timedelta(days=days)
    course.save()
    deadline_changed(course)


STEPS = st.one_of(
    st.tuples(
        st.just(_attend),
        st.sampled_from(PEOPLE),
        st.integers(1, 3),
        st.sampled_from(["present", "absent", "excused"]),
    ),
    st.tuples(st.just(_unattend), st.sampled_from(PEOPLE), st.integers(1, 3)),
    st.tuples(st.just(_complete), st.sampled_from(PEOPLE), st.integers(0, 2), st.booleans()),
    st.tuples(st.just(_uncomplete), st.sampled_from(PEOPLE), st.integers(0, 2)),
    st.tuples(st.just(_submit_post), st.sampled_from(PEOPLE)),
    st.tuples(
        st.just(_move_deadline), st.sampled_from(PEOPLE), st.integers(0, 2), st.integers(-40, 40)
    ),
)


@pytest.mark.fuzz
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEPS, min_size=1, max_size=8), rule=st.tuples(st.booleans(), st.booleans()))
def test_the_services_in_any_order_keep_the_progress_the_rule_works_out(
    programme, users, steps, rule
):
    manager = users["manager"]
    # Each example in a savepoint rolled back after it: the next starts from the demo again.
    with transaction.atomic():
        programme.refresh_from_db()  # the example before rolled back its changes
        _rule(programme, manager, *rule)
        assert differences(programme) == []
        for action, who, *rest in steps:
            action(programme, manager, person(who), *rest)
            programme.refresh_from_db()
            assert differences(programme) == [], (action.__name__, who, rest)
        transaction.set_rollback(True)


def test_the_rule_changed_changes_everyone_s_standing_at_once(programme, users):
    participant = users["participant"]
    for number in (1, 2, 3):
        _attend(programme, users["manager"], participant, number, "present")
    for index, code in enumerate(("corporate-responsibility", "migration-trends")):
        course = programme.courses.get(code=code)
        mark_completion(
            course,
            participant,
            True,
            "Certificado",
            users["manager"],
            completed_at=course.deadline + dt.timedelta(days=1 + index),
        )
    assert not _kept(programme, participant).complete  # late: not counted
    _rule(programme, users["manager"], True, False)
    assert _kept(programme, participant).complete
    _rule(programme, users["manager"], True, True)
    assert not _kept(programme, participant).complete  # the post-test now asked for
    assert differences(programme) == []


def test_a_session_added_or_removed_in_the_console_changes_who_meets_the_rule(
    client_as, programme, users
):
    participant = users["participant"]
    complete_everything(programme, participant)
    assert _kept(programme, participant).complete
    client = client_as("manager")
    base = "/en/programmes/crm-2021/manage/sessions/"
    first = programme.sessions.get(number=1)
    form = client.get(f"{base}{first.pk}/").context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "recording_file"}
    data.update(number="4", starts_at="2021-12-01T09:00", ends_at="2021-12-01T11:00")
    assert client.post(base, data).status_code == 302
    added = programme.sessions.get(number=4)
    assert not _kept(programme, participant).complete  # a session more to attend
    assert client.post(f"{base}{added.pk}/remove/").status_code == 302
    assert _kept(programme, participant).complete


@pytest.mark.stale_progress
def test_check_progress_reports_a_difference_and_repairs_it(programme, users, capsys):
    participant = users["participant"]
    complete_everything(programme, participant)
    call_command("check_progress", "crm-2021")
    assert "the kept progress agrees with the rule" in capsys.readouterr().out

    ProgressRecord.objects.filter(user=participant).update(complete=False, sessions_attended=1)
    with pytest.raises(CommandError, match="2 differences"):
        call_command("check_progress", "crm-2021")
    out = capsys.readouterr().out
    assert "participant.mx@example.org" in out
    assert "sessions_attended kept 1, worked out 3" in out
    assert "complete kept False, worked out True" in out

    call_command("check_progress", "crm-2021", "--repair")
    assert "repaired, 0 differences left" in capsys.readouterr().out
    assert _kept(programme, participant).complete
    call_command("check_progress")  # every programme: none differs


def test_check_progress_names_an_unknown_programme(db):
    with pytest.raises(CommandError, match="No programme"):
        call_command("check_progress", "no-such-programme")


def test_the_verdicts_counted_in_sql_agree_with_the_rule_person_by_person(programme, users):
    manager = users["manager"]
    complete_everything(programme, users["participant"])
    [issued] = issue_certificates(programme, manager).issued
    revoke(issued, "Error de nombre", manager)
    complete_everything(programme, person(PEOPLE[1]))
    python = Counter(row.verdict for row in standings(programme))
    assert python[Verdict.REVOKED] == 1 and python[Verdict.ISSUED] == 1
    assert verdict_counts(programme) == {verdict: python[verdict] for verdict in Verdict.ALL}


def test_the_balance_s_counts_agree_with_the_rule_person_by_person(programme, users):
    generated = add_generated_programme(40)
    for each in (programme, generated):
        rows = progress_of(each, participants(each))
        tally = Tally(each)
        assert tally.participants() == len(rows)
        assert tally.requirements_met() == sum(row.is_complete for row in rows)
        sessions = {"attended": State.DONE, "absent": State.MISSING, "excused": State.EXCUSED}
        courses = {"completed": State.DONE, "late": State.LATE, "not_completed": State.MISSING}
        for lines, of, names in (
            (tally.attendance_lines(), "sessions", {**sessions, "not_recorded": State.PENDING}),
            (tally.completion_lines(), "courses", {**courses, "pending": State.PENDING}),
        ):
            for index, line in enumerate(lines):
                states = Counter(getattr(row, of)[index].state for row in rows)
                assert {name: line[name] for name in names} == {
                    name: states[state] for name, state in names.items()
                }
    assert differences(generated) == []
