"""`capacita review_nominations <programme> --accept-all [--country <ISO>]`: accept what
fits each country's quota, create the accounts, queue the invitations; never beyond quota."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from capacita.audit.models import AuditEvent
from capacita.emails.models import OutgoingEmail
from capacita.nominations.models import Nomination
from capacita.nominations.selectors import accepted_count, quota_of
from capacita.programmes.models import Country, MemberCountry, Membership, Role

from .lists import set_quota, snapshot, statuses

User = get_user_model()


ACCEPTED = re.compile(r"^(\d+) nomination(?:s|\(s\))? accepted\.$")


def accepted_in(lines: list[str]) -> int:
    """The count the command's last line reports."""
    match = ACCEPTED.match(lines[-1])
    assert match, lines
    return int(match.group(1))


def review(*args) -> list[str]:
    out = io.StringIO()
    call_command("review_nominations", "crm-2021", "--accept-all", *args, stdout=out)
    return out.getvalue().splitlines()


def submitted(programme, code):
    return list(
        Nomination.objects.filter(
            programme=programme, country__code=code, status="submitted"
        ).order_by("created_at", "id")
    )


def test_it_accepts_a_countrys_submitted_nominations_and_says_what_it_did(programme):
    waiting = submitted(programme, "GT")
    emails_before = OutgoingEmail.objects.count()

    lines = review("--country", "GT")

    assert accepted_in(lines) == 5
    assert sorted(lines[:-1]) == sorted(
        f"accepted GT {n.full_name} <{n.email}>: account ready, invitation queued" for n in waiting
    )
    assert statuses(programme, "GT") == {"accepted": 5}
    for nominee in waiting:
        account = User.objects.get(email=nominee.email)  # the e-mail is the login
        assert account.get_username() == nominee.email
        assert Membership.objects.filter(
            programme=programme, user=account, role=Role.PARTICIPANT, country__code="GT"
        ).exists()
        [invitation] = OutgoingEmail.objects.filter(to=nominee.email)
        assert invitation.kind == "invitation.participant"
        assert invitation.language == nominee.language
    assert OutgoingEmail.objects.count() == emails_before + 5
    assert statuses(programme, "MX") == {"accepted": 6, "submitted": 4, "reserve": 2}


def test_the_invitation_is_queued_in_each_nominees_language(programme):
    english, spanish = submitted(programme, "GT")[:2]
    Nomination.objects.filter(pk=english.pk).update(language="en")
    review("--country", "GT")
    assert OutgoingEmail.objects.get(to=english.email).language == "en"
    assert OutgoingEmail.objects.get(to=spanish.email).language == "es"
    assert User.objects.get(email=english.email).language == "en"


def test_it_never_accepts_beyond_the_quota(programme):
    set_quota(programme, "GT", 3)
    oldest = submitted(programme, "GT")[:3]

    lines = review("--country", "GT")

    assert accepted_in(lines) == 3
    assert statuses(programme, "GT") == {"accepted": 3, "submitted": 2}
    assert [Nomination.objects.get(pk=n.pk).status for n in oldest] == ["accepted"] * 3
    assert (
        OutgoingEmail.objects.filter(to__in=[n.email for n in submitted(programme, "GT")]).count()
        == 0
    )


def test_it_accepts_within_every_countrys_quota(programme):
    lines = review()
    # Mexico 4 (to its 10 places), Guatemala 5, Dominican Republic 4; Costa Rica has none.
    assert accepted_in(lines) == 13
    for member in MemberCountry.objects.filter(programme=programme):
        assert accepted_count(programme, member.country) <= quota_of(programme, member.country)
    assert statuses(programme, "MX") == {"accepted": 10, "reserve": 2}
    assert statuses(programme, "DO") == {"accepted": 8}
    assert statuses(programme, "GT") == {"accepted": 5}


def test_it_leaves_a_full_country_and_the_reserve_list_alone(programme):
    set_quota(programme, "MX", 6)  # Mexico already has 6 accepted
    before = snapshot(programme)
    lines = review("--country", "MX")
    assert len(lines) == 1
    assert accepted_in(lines) == 0
    assert snapshot(programme) == before


def test_running_it_again_accepts_nothing_more(programme):
    review()
    before = snapshot(programme)
    emails = OutgoingEmail.objects.count()
    lines = review()
    assert len(lines) == 1
    assert accepted_in(lines) == 0
    assert snapshot(programme) == before
    assert OutgoingEmail.objects.count() == emails


def test_each_acceptance_is_recorded(programme):
    waiting = submitted(programme, "GT")
    review("--country", "GT")
    for nominee in waiting:
        [event] = AuditEvent.objects.filter(
            action=AuditEvent.Action.NOMINATION_ACCEPTED, subject_id=str(nominee.pk)
        )
        assert event.details["status"] == "accepted"
        assert event.actor is None  # the command line, not a person


def test_an_unknown_programme_is_a_command_error(programme):
    with pytest.raises(CommandError):
        call_command("review_nominations", "no-such-programme", "--accept-all")


def test_an_unknown_country_is_a_command_error(programme):
    before = snapshot(programme)
    with pytest.raises(CommandError, match="XX"):
        review("--country", "XX")
    assert snapshot(programme) == before


def test_a_country_outside_the_programme_accepts_nobody(programme):
    Country.objects.create(
        code="AR", name_es="Argentina", name_en="Argentina", time_zone="America/Buenos_Aires"
    )
    before = snapshot(programme)
    lines = review("--country", "AR")
    assert len(lines) == 1
    assert accepted_in(lines) == 0
    assert snapshot(programme) == before
