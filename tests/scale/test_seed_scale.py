"""`capacita seed_scale`: generated programmes in a real edition's proportions, every record
consistent with the rules the platform applies (a certificate exactly for those the
completion rule lets through)."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from capacita.attendance.models import AttendanceRecord
from capacita.certificates.models import Certificate
from capacita.certificates.rule import participants, progress_of
from capacita.completions.models import CourseCompletion
from capacita.development.scale import (
    DOMAIN,
    MANAGER_EMAIL,
    SCALE_PASSWORD,
    add_generated_programme,
    seed_scale,
)
from capacita.evaluation.models import Answer, Response
from capacita.groupwork.models import GroupMember
from capacita.nominations.models import Nomination
from capacita.programmes.models import Membership, Programme, Role


@pytest.fixture
def seeded(db):
    return seed_scale(90, 2, seed=7)


def test_it_spreads_the_participants_over_the_programmes(seeded):
    programmes = Programme.objects.filter(slug__startswith="scale-").order_by("slug")
    assert [p.slug for p in programmes] == ["scale-001", "scale-002"]
    sizes = [
        Membership.objects.filter(programme=p, role=Role.PARTICIPANT).count() for p in programmes
    ]
    assert sizes == [45, 45]
    assert seeded.participants == 90
    assert_nominated_and_accepted(seeded)
    generated = get_user_model().objects.filter(email__endswith="@scale.example.org")
    assert generated.filter(email__startswith="participant.").count() == 90


def assert_nominated_and_accepted(seeded):
    accepted = Nomination.objects.filter(
        programme__slug__startswith="scale-", status=Nomination.Status.ACCEPTED
    )
    assert accepted.count() == 90
    assert not accepted.filter(user__isnull=True).exists()
    others = Nomination.objects.filter(programme__slug__startswith="scale-").exclude(
        status=Nomination.Status.ACCEPTED
    )
    assert others.count() == seeded.nominations - 90 > 0
    assert set(others.values_list("status", flat=True)) == {"reserve", "rejected"}
    # Within every country's quota, as the secretariat would have decided.
    for programme in Programme.objects.filter(slug__startswith="scale-"):
        for member in programme.member_countries.all():
            taken = accepted.filter(programme=programme, country=member.country_id).count()
            assert taken <= member.quota


def test_the_records_come_in_a_real_editions_proportions(seeded):
    records = AttendanceRecord.objects.filter(session__programme__slug__startswith="scale-")
    sessions = records.values("session__number").distinct().count()
    assert sessions == 3
    assert records.count() == 90 * sessions == seeded.attendance
    present = records.filter(status="present").count()
    assert 0.75 < present / seeded.attendance < 0.97
    completions = CourseCompletion.objects.filter(course__programme__slug__startswith="scale-")
    completed = completions.filter(completed=True).count()
    assert 0.7 < completed / seeded.completions < 0.97
    assert completions.filter(is_late=True).exists()
    responses = Response.objects.filter(questionnaire__programme__slug__startswith="scale-")
    pre = responses.filter(questionnaire__kind="pre").count()
    post = responses.filter(questionnaire__kind="post").count()
    assert 0.8 < pre / 90 <= 1 and 0.65 < post / 90 < 0.95
    answers = Answer.objects.filter(response__in=responses)
    assert answers.count() == seeded.answers > 20 * (pre + post) // 2
    # Everyone is in a group of each session with group work.
    members = GroupMember.objects.filter(
        group__session_work__session__programme__slug__startswith="scale-"
    )
    assert members.values("user").distinct().count() == 90
    assert_certificates_follow_the_rule()


def assert_certificates_follow_the_rule():
    """Certificates go to exactly those the completion rule lets through."""
    for programme in Programme.objects.filter(slug__startswith="scale-"):
        complete = {
            progress.membership.user_id
            for progress in progress_of(programme, participants(programme))
            if progress.is_complete
        }
        holders = set(
            Certificate.objects.filter(programme=programme, status="valid").values_list(
                "user_id", flat=True
            )
        )
        assert holders == complete
        assert 0 < len(holders) < 45


def test_every_name_and_address_is_plainly_fictitious(seeded):
    for user in get_user_model().objects.filter(email__endswith=DOMAIN):
        assert user.email.endswith("@scale.example.org")
        assert "Fictici" in user.last_name
    generated = Nomination.objects.filter(programme__slug__startswith="scale-")
    assert not generated.exclude(email__endswith="@scale.example.org").exists()
    assert not generated.exclude(last_name__contains="Ficticia").exists()
    assert_accounts_log_in()
    assert_second_run_refused()


def assert_accounts_log_in():
    assert authenticate(username=MANAGER_EMAIL, password=SCALE_PASSWORD) is not None
    assert authenticate(username="participant.000090@scale.example.org", password=SCALE_PASSWORD)
    assert authenticate(username="focal.mx@scale.example.org", password=SCALE_PASSWORD)


def assert_second_run_refused():
    """A second run is refused; adding a programme numbers on."""
    with pytest.raises(CommandError, match="already holds generated programmes"):
        call_command("seed_scale", participants=10)
    programme = add_generated_programme(5)
    assert programme.slug == "scale-003"
    emails = set(
        Membership.objects.filter(programme=programme, role=Role.PARTICIPANT).values_list(
            "user__email", flat=True
        )
    )
    assert emails == {f"participant.{n:06d}@scale.example.org" for n in range(91, 96)}


def test_the_command_prints_what_it_made_and_the_logins(db, capsys):
    call_command("seed_scale", participants=12, programmes=1)
    out = capsys.readouterr().out
    assert "1 programmes, 12 participants" in out
    assert MANAGER_EMAIL in out and SCALE_PASSWORD in out
    assert "participant.000012@scale.example.org" in out


def test_more_programmes_than_participants_is_refused(db):
    with pytest.raises(CommandError, match="at least one participant per programme"):
        call_command("seed_scale", participants=2, programmes=3)
