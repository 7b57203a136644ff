"""Taking back a match made by hand: the rows with that name and e-mail go back to nobody in
every session, the person's records are worked out again, later reports no longer give those
rows to the person, and the decision is audited with its reason."""

from __future__ import annotations

import pytest
from django.utils import translation

from capacita.attendance.models import AttendanceRecord, NameMatch
from capacita.attendance.services import (
    AttendanceError,
    forget_match,
    import_meeting_report,
    match_rows,
    unmatched_groups,
)
from capacita.audit.models import AuditEvent

from .reports import report, row, session

pytestmark = pytest.mark.django_db

PAGE = "/en/programmes/crm-2021/sessions/1/attendance/"
GUEST = ("Invitada Especial", "")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def guest_report() -> bytes:
    return report(row(GUEST[0], GUEST[1], "02:00 PM", "04:00 PM"))


@pytest.fixture
def matched(programme, users):
    """The guest's rows of session 1 matched by hand to the demo participant."""
    first = session(programme, 1)
    import_meeting_report(first, "s1.csv", guest_report(), "America/Mexico_City", users["manager"])
    match_rows(first, *GUEST, users["participant"], users["manager"])
    return NameMatch.objects.get(programme=programme, meeting_name=GUEST[0])


def status_of(programme, user, number: int = 1) -> str:
    return AttendanceRecord.objects.get(session=session(programme, number), user=user).status


def test_taking_back_gives_the_rows_back_to_nobody_and_is_audited(programme, users, matched):
    participant = users["participant"]
    assert status_of(programme, participant) == "present"

    assert forget_match(matched, "  Not her.  ", users["manager"]) == 1

    assert status_of(programme, participant) == "absent"
    assert [group.name for group in unmatched_groups(session(programme, 1))] == [GUEST[0]]
    assert not NameMatch.objects.filter(pk=matched.pk).exists()
    (event,) = AuditEvent.objects.filter(action=AuditEvent.Action.ATTENDANCE_UNMATCHED)
    assert (event.actor, event.reason) == (users["manager"], "Not her.")
    assert event.details["user"] == participant.email
    assert (event.details["rows"], event.details["sessions"]) == (1, [1])


def test_it_reaches_every_session_and_later_reports(programme, users, matched):
    second = session(programme, 2)
    import_meeting_report(second, "s2.csv", guest_report(), "America/Mexico_City", users["manager"])
    assert unmatched_groups(second) == [], "the remembered match gave session 2's rows too"

    forget_match(matched, "Not her.", users["manager"])

    assert [group.name for group in unmatched_groups(second)] == [GUEST[0]]
    (event,) = AuditEvent.objects.filter(action=AuditEvent.Action.ATTENDANCE_UNMATCHED)
    assert event.details["sessions"] == [1, 2]
    third = session(programme, 3)
    import_meeting_report(third, "s3.csv", guest_report(), "America/Mexico_City", users["manager"])
    assert [group.name for group in unmatched_groups(third)] == [GUEST[0]]


def test_a_reason_is_needed(programme, users, matched):
    with pytest.raises(AttendanceError) as refused:
        forget_match(matched, " ", users["manager"])
    assert refused.value.message == "Give the reason for taking back the match."
    assert NameMatch.objects.filter(pk=matched.pk).exists()
    assert status_of(programme, users["participant"]) == "present"


def test_the_page_lists_the_match_and_takes_it_back(client_as, programme, users, matched):
    client = client_as("manager")
    page = client.get(PAGE).content.decode()
    assert f'<tr id="match-{matched.pk}">' in page
    assert f'id="take-back-match-{matched.pk}"' in page

    response = client.post(
        f"{PAGE}unmatch/", {"match": matched.pk, "reason": "Not her."}, follow=True
    )
    assert response.redirect_chain == [(f"{PAGE}#unmatched-title", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "The match of “Invitada Especial” is taken back: 1 row matches nobody again."
    ]
    assert f'<tr id="match-{matched.pk}">' not in response.content.decode()
    assert status_of(programme, users["participant"]) == "absent"
