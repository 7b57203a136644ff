"""The secretariat's decisions: accept, reject with a reason, move to and from the reserve
list, one by one or in bulk; quotas hold unless overridden with a reason; every decision is
recorded; focal points see the outcome and change only what is undecided."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from capacita.audit.models import AuditEvent
from capacita.emails.models import OutgoingEmail
from capacita.nominations.models import Nomination
from capacita.nominations.services import (
    NominationError,
    accept_nominations,
    move_to_reserve,
    reinstate_nominations,
    reject_nominations,
)
from capacita.programmes.models import Membership, Role

from .lists import flash_messages, levels, set_quota, snapshot, statuses

User = get_user_model()
Action = AuditEvent.Action
DECIDE = "/en/programmes/crm-2021/nominations/decide/"
COUNTRY = "/en/programmes/crm-2021/nominations/{code}/"


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def nominations(programme, code, status="submitted"):
    return list(
        Nomination.objects.filter(programme=programme, country__code=code, status=status).order_by(
            "id"
        )
    )


def decide(client, chosen, action, *, reason="", override=False, code="gt"):
    data = {
        "action": action,
        "nominations": [n.pk for n in chosen],
        "reason": reason,
        "next": COUNTRY.format(code=code),
    }
    if override:
        data["override_quota"] = "on"
    return client.post(DECIDE, data, follow=True)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def events_for(nomination):
    return list(
        AuditEvent.objects.filter(
            subject_type="nominations.nomination", subject_id=str(nomination.pk)
        ).order_by("id")
    )


def fresh(nomination):
    return Nomination.objects.get(pk=nomination.pk)


# --- accepting -----------------------------------------------------------------------------


def test_accepting_creates_the_account_the_participant_membership_and_the_invitation(
    client_as, programme, users
):
    nominee = nominations(programme, "GT")[0]
    assert not User.objects.filter(email__iexact=nominee.email).exists()
    before = timezone.now()

    response = decide(client_as("manager"), [nominee], "accept")

    assert levels(response) == ["success"]
    nominee = fresh(nominee)
    assert nominee.status == Nomination.Status.ACCEPTED
    assert nominee.decided_by == users["manager"]
    assert before <= nominee.decided_at <= timezone.now()
    account = User.objects.get(email=nominee.email)  # the e-mail is the login
    assert nominee.user == account
    assert account.get_username() == nominee.email
    assert (account.first_name, account.last_name) == (nominee.first_name, nominee.last_name)
    assert account.language == nominee.language
    assert not account.has_usable_password()  # chosen through the invitation's link
    membership = Membership.objects.get(programme=programme, user=account)
    assert (membership.role, membership.country.code) == (Role.PARTICIPANT, "GT")
    [invitation] = OutgoingEmail.objects.filter(to=nominee.email)
    assert (invitation.kind, invitation.language, invitation.status) == (
        "invitation.participant",
        nominee.language,
        OutgoingEmail.Status.QUEUED,
    )


def test_a_manager_accepts_in_bulk(client_as, programme):
    chosen = nominations(programme, "GT")[:3]
    decide(client_as("manager"), chosen, "accept")
    assert [fresh(n).status for n in chosen] == ["accepted"] * 3
    for nominee in chosen:
        assert Membership.objects.filter(
            programme=programme, user__email=nominee.email, role=Role.PARTICIPANT
        ).exists()
        assert OutgoingEmail.objects.filter(to=nominee.email).count() == 1
    assert statuses(programme, "GT") == {"accepted": 3, "submitted": 2}


def test_an_english_speaking_nominee_gets_an_account_and_invitation_in_english(programme, users):
    nominee = nominations(programme, "DO")[0]
    Nomination.objects.filter(pk=nominee.pk).update(language="en")
    accept_nominations([fresh(nominee)], actor=users["manager"])
    account = User.objects.get(email=nominee.email)
    assert account.language == "en"
    [invitation] = OutgoingEmail.objects.filter(to=nominee.email)
    assert invitation.language == "en"


def test_accepting_beyond_the_quota_is_refused_without_an_override(client_as, programme):
    set_quota(programme, "GT", 2)
    chosen = nominations(programme, "GT")[:3]
    before = snapshot(programme)
    emails_before = OutgoingEmail.objects.count()

    response = decide(client_as("manager"), chosen, "accept")

    [(level, message)] = flash_messages(response)
    assert level == "error"
    assert "Guatemala" in message
    assert snapshot(programme) == before
    assert not User.objects.filter(email__in=[n.email for n in chosen]).exists()
    assert OutgoingEmail.objects.count() == emails_before


def test_a_bulk_acceptance_with_one_country_over_its_quota_accepts_nobody(programme, users):
    # Mexico has 6 accepted for 10 places; Guatemala none.
    chosen = (
        nominations(programme, "GT")[:2]
        + nominations(programme, "MX")
        + nominations(programme, "MX", "reserve")
    )
    before = snapshot(programme)
    with pytest.raises(NominationError, match="Mexico"):
        accept_nominations(chosen, actor=users["manager"])
    assert snapshot(programme) == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_of_the_quota_without_a_reason_is_refused(client_as, programme, reason):
    set_quota(programme, "GT", 2)
    chosen = nominations(programme, "GT")[:3]
    before = snapshot(programme)
    response = decide(client_as("manager"), chosen, "accept", override=True, reason=reason)
    assert levels(response) == ["error"]
    assert snapshot(programme) == before


def test_an_override_of_the_quota_with_a_reason_accepts_and_records_it(client_as, programme, users):
    set_quota(programme, "GT", 2)
    chosen = nominations(programme, "GT")[:3]
    reason = "La Secretaría amplió el cupo de Guatemala"

    decide(client_as("manager"), chosen, "accept", override=True, reason=reason)

    for position, nominee in enumerate(map(fresh, chosen)):
        over = position >= 2  # two places, three accepted: only the third is over the quota
        assert nominee.status == "accepted"
        assert nominee.over_quota is over
        assert nominee.decision_reason == reason
        [event] = [e for e in events_for(nominee) if e.action == Action.NOMINATION_ACCEPTED]
        assert event.reason == reason
        assert event.actor == users["manager"]
        assert event.details["status"] == "accepted"
        assert event.details["over_quota"] == str(over)
    assert statuses(programme, "GT") == {"accepted": 3, "submitted": 2}


def test_accepting_an_accepted_nomination_again_is_refused(programme, users):
    accepted = nominations(programme, "MX", "accepted")[0]
    with pytest.raises(NominationError, match="accepted"):
        accept_nominations([accepted], actor=users["manager"])
    assert OutgoingEmail.objects.filter(to=accepted.email).count() == 1


# --- rejecting and the reserve list --------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "  \n "])
def test_rejecting_needs_a_reason(client_as, programme, reason):
    chosen = nominations(programme, "GT")[:2]
    before = snapshot(programme)
    events_before = AuditEvent.objects.count()

    response = decide(client_as("manager"), chosen, "reject", reason=reason)

    assert levels(response) == ["error"]
    assert snapshot(programme) == before
    assert AuditEvent.objects.count() == events_before
    with pytest.raises(NominationError):
        reject_nominations(chosen, actor=None, reason=reason)


def test_a_manager_rejects_in_bulk_with_a_reason(client_as, programme, users):
    chosen = nominations(programme, "GT")[:2]
    reason = "El perfil no corresponde a una persona consejera de empleo"

    decide(client_as("manager"), chosen, "reject", reason=reason)

    for nominee in map(fresh, chosen):
        assert nominee.status == "rejected"
        assert nominee.decision_reason == reason
        assert nominee.user is None
    assert not User.objects.filter(email__in=[n.email for n in chosen]).exists()


def test_a_manager_moves_nominations_to_the_reserve_list_and_back(client_as, programme):
    manager = client_as("manager")
    chosen = nominations(programme, "GT")[:2]

    decide(manager, chosen, "reserve", reason="Esperamos la confirmación del país")
    assert [fresh(n).status for n in chosen] == ["reserve", "reserve"]
    assert statuses(programme, "GT") == {"submitted": 3, "reserve": 2}

    decide(manager, chosen, "reinstate")
    assert [fresh(n).status for n in chosen] == ["submitted", "submitted"]
    assert statuses(programme, "GT") == {"submitted": 5}


def test_a_nomination_from_the_reserve_list_can_be_accepted(client_as, programme):
    # Mexico's two reserve nominations; the country has 6 accepted for 10 places.
    chosen = nominations(programme, "MX", "reserve")
    decide(client_as("manager"), chosen, "accept", code="mx")
    assert [fresh(n).status for n in chosen] == ["accepted", "accepted"]


@pytest.mark.parametrize(
    "change",
    [
        lambda chosen, actor: reject_nominations(chosen, actor=actor, reason="x"),
        lambda chosen, actor: move_to_reserve(chosen, actor=actor),
        lambda chosen, actor: reinstate_nominations(chosen, actor=actor),
    ],
    ids=["reject", "reserve", "reinstate"],
)
def test_an_accepted_nominee_keeps_their_place(programme, users, change):
    accepted = nominations(programme, "MX", "accepted")[0]
    with pytest.raises(NominationError, match="accepted"):
        change([accepted], users["manager"])
    assert fresh(accepted).status == "accepted"


# --- every decision is recorded ------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status", "recorded_as", "reason"),
    [
        ("accept", "accepted", Action.NOMINATION_ACCEPTED, ""),
        ("reject", "rejected", Action.NOMINATION_REJECTED, "Ya participó en 2020"),
        ("reserve", "reserve", Action.NOMINATION_RESERVED, "Cupo en revisión"),
        ("reinstate", "submitted", Action.NOMINATION_REINSTATED, "Vuelve a la lista"),
    ],
)
def test_each_decision_records_who_when_the_verdict_and_the_reason(
    client_as, programme, users, action, status, recorded_as, reason
):
    [nominee] = nominations(programme, "GT")[:1]
    before = timezone.now()

    decide(client_as("manager"), [nominee], action, reason=reason)

    [event] = [e for e in events_for(nominee) if e.created_at >= before]
    assert event.action == recorded_as
    assert event.actor == users["manager"]
    assert before <= event.created_at <= timezone.now()
    assert event.details["status"] == status
    assert event.reason == reason
    assert event.programme == programme
    nominee = fresh(nominee)
    assert (nominee.status, nominee.decided_by, nominee.decision_reason) == (
        status,
        users["manager"],
        reason,
    )


# --- who may decide ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["focal_point", "participant", "observer", "facilitator", "outsider"]
)
def test_only_managers_decide(client_as, programme, role):
    chosen = nominations(programme, "MX")
    before = snapshot(programme)
    response = client_as(role).post(
        DECIDE, {"action": "accept", "nominations": [n.pk for n in chosen]}
    )
    assert response.status_code == 403
    assert snapshot(programme) == before


def test_an_anonymous_visitor_is_sent_to_log_in_and_decides_nothing(client_as, programme):
    before = snapshot(programme)
    response = client_as("anonymous").post(
        DECIDE,
        {
            "action": "reject",
            "nominations": [nominations(programme, "GT")[0].pk],
            "reason": "x",
        },
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert snapshot(programme) == before


# --- what the focal point sees and may change ----------------------------------------------


STATUS_LABELS = {
    "submitted": "Submitted",
    "reserve": "Reserve list",
    "accepted": "Accepted",
    "rejected": "Rejected",
}


def status_cells(response) -> dict[int, str]:
    page = page_text(response)
    found = {}
    for pk, cell in re.findall(
        r'id="nomination-(\d+)">.*?<td class="status">(.*?)</td>', page, re.S
    ):
        found[int(pk)] = " ".join(re.sub(r"<[^>]+>", " ", cell).split())
    return found


def test_a_focal_point_sees_each_nominees_status(client_as, programme, users):
    submitted = nominations(programme, "MX")
    reject_nominations(submitted[:1], actor=users["manager"], reason="Falta el aval institucional")
    move_to_reserve(submitted[1:2], actor=users["manager"])

    response = client_as("focal_point").get(COUNTRY.format(code="mx"))

    assert response.status_code == 200
    cells = status_cells(response)
    mx = Nomination.objects.filter(programme=programme, country__code="MX")
    assert set(cells) == {n.pk for n in mx}
    for nominee in mx:
        assert cells[nominee.pk].startswith(STATUS_LABELS[nominee.status]), cells[nominee.pk]
    assert cells[submitted[0].pk] == "Rejected Falta el aval institucional"
    assert cells[submitted[1].pk] == "Reserve list"
    assert 'action="/en/programmes/crm-2021/nominations/decide/"' not in page_text(response)


def test_the_focal_point_sees_the_status_in_spanish(client_as, programme):
    response = client_as("focal_point").get("/es/programmes/crm-2021/nominations/mx/")
    with translation.override("es"):
        accepted = str(Nomination.Status.ACCEPTED.label)
    cells = status_cells(response)
    accepted_pk = nominations(programme, "MX", "accepted")[0].pk
    assert cells[accepted_pk] == accepted[:1].upper() + accepted[1:]


def edit_data(nominee, **changes):
    data = {
        "first_name": nominee.first_name,
        "last_name": nominee.last_name,
        "position": nominee.position,
        "institution": nominee.institution,
        "email": nominee.email,
        "profile": nominee.profile.code if nominee.profile else "",
        "profile_other": "",
        "gender": nominee.gender,
        "language": nominee.language,
    }
    data.update(changes)
    return data


def edit_url(nominee, code="mx"):
    return f"{COUNTRY.format(code=code)}{nominee.pk}/edit/"


def withdraw_url(nominee, code="mx"):
    return f"{COUNTRY.format(code=code)}{nominee.pk}/withdraw/"


def test_a_focal_point_edits_an_undecided_nomination_of_their_country(client_as, programme, users):
    focal_point = client_as("focal_point")
    nominee = nominations(programme, "MX")[0]
    assert focal_point.get(edit_url(nominee)).status_code == 200

    response = focal_point.post(edit_url(nominee), edit_data(nominee, position="Jefa de oficina"))

    assert response.status_code == 302
    assert fresh(nominee).position == "Jefa de oficina"
    [event] = [e for e in events_for(nominee) if e.action == Action.NOMINATION_EDITED]
    assert event.actor == users["focal_point"]
    assert event.details["changed"]["position"][1] == "Jefa de oficina"


def test_a_focal_point_edits_a_nomination_the_import_put_on_the_reserve_list(client_as, programme):
    nominee = nominations(programme, "MX", "reserve")[0]
    assert not nominee.is_decided
    response = client_as("focal_point").post(
        edit_url(nominee), edit_data(nominee, institution="Servicio Nacional de Empleo")
    )
    assert response.status_code == 302
    assert fresh(nominee).institution == "Servicio Nacional de Empleo"


def test_a_focal_point_withdraws_an_undecided_nomination_of_their_country(
    client_as, programme, users
):
    nominee = nominations(programme, "MX")[0]
    response = client_as("focal_point").post(withdraw_url(nominee))
    assert response.status_code == 302
    assert not Nomination.objects.filter(pk=nominee.pk).exists()
    [event] = AuditEvent.objects.filter(
        action=Action.NOMINATION_WITHDRAWN, subject_id=str(nominee.pk)
    )
    assert event.actor == users["focal_point"]
    assert event.details["email"] == nominee.email


@pytest.mark.parametrize("decision", ["accepted", "rejected", "reserved"])
def test_a_focal_point_cannot_change_a_nomination_once_decided(
    client_as, programme, users, decision
):
    nominee = nominations(programme, "MX")[0]
    manager = users["manager"]
    if decision == "accepted":
        nominee = nominations(programme, "MX", "accepted")[0]
    elif decision == "rejected":
        reject_nominations([nominee], actor=manager, reason="No cumple el perfil")
    else:
        move_to_reserve([nominee], actor=manager)
    before = snapshot(programme)
    focal_point = client_as("focal_point")

    assert focal_point.get(edit_url(nominee)).status_code == 403
    assert focal_point.post(edit_url(nominee), edit_data(nominee, position="X")).status_code == 403
    assert focal_point.post(withdraw_url(nominee)).status_code == 403
    assert snapshot(programme) == before


def test_only_the_nominations_past_the_last_place_are_marked_over_the_quota(programme, users):
    from capacita.nominations.models import Nomination
    from capacita.nominations.services import accept_nominations
    from capacita.programmes.models import MemberCountry

    member = MemberCountry.objects.get(programme=programme, country__code="GT")
    member.quota = 2
    member.save()
    waiting = list(
        Nomination.objects.filter(
            programme=programme, country__code="GT", status="submitted"
        ).order_by("id")[:3]
    )
    accept_nominations(waiting, actor=users["manager"], override_quota=True, reason="Agreed")
    flags = [Nomination.objects.get(pk=n.pk).over_quota for n in waiting]
    assert flags == [False, False, True]
