"""One participant's progress: for managers, that participant's focal point, and themself."""

from __future__ import annotations

import pytest
from django.utils import timezone

from capacita.attendance.models import AttendanceRecord

from .conftest import PROGRAMME, attend, complete
from .pages import by_id, text, texts, tree


def page_of(user) -> str:
    return f"{PROGRAMME}/participants/{user.pk}/"


@pytest.fixture
def some_progress(programme, users):
    participant = users["participant"]
    attend(programme, participant, 1)
    attend(
        programme,
        participant,
        2,
        AttendanceRecord.Status.ABSENT,
        corrected_by=users["manager"],
        corrected_at=timezone.now(),
        correction_reason="Connected by telephone, not shown in the report",
    )
    complete(programme, participant, "corporate-responsibility")


@pytest.mark.usefixtures("some_progress")
@pytest.mark.parametrize("role", ["manager", "superuser", "focal_point", "participant"])
def test_a_mexican_participants_page_opens_for_managers_their_focal_point_and_themself(
    client_as, users, programme, role
):
    response = client_as(role).get(page_of(users["participant"]))

    assert response.status_code == 200
    page = tree(response)
    assert texts(page, "h1") == ["Demo Participant MX"]
    assert "participant.mx@example.org" in text(page)
    assert texts(by_id(page, "missing"), "li") == [
        "attend virtual session 2 (absent)",
        "attend virtual session 3 (not yet recorded)",
        "complete the course “Course on Migration Trends in Latin America and the Caribbean” "
        "by its deadline (not completed)",
    ]
    rows = texts(page, "tr")
    assert any(
        "Virtual session 2" in row
        and "absent (corrected: Connected by telephone, not shown in the report)" in row
        for row in rows
    )
    assert any(
        "Course on Corporate Responsibility and Labour Migration" in row and "completed" in row
        for row in rows
    )
    assert any("(optional)" in row and "not completed" in row for row in rows)


def test_the_focal_point_of_mexico_gets_403_for_a_dominican_participant(
    client_as, participant_do, programme
):
    response = client_as("focal_point").get(page_of(participant_do))

    assert response.status_code == 403
    assert b"participant.do@example.org" not in response.content


def test_a_manager_opens_a_dominican_participants_page(client_as, participant_do, programme):
    assert client_as("manager").get(page_of(participant_do)).status_code == 200


def test_another_participant_gets_403(client, users, participant_do, programme):
    client.force_login(participant_do)

    response = client.get(page_of(users["participant"]))

    assert response.status_code == 403
    assert b"participant.mx@example.org" not in response.content


@pytest.mark.parametrize("who", ["facilitator", "focal_point"])
def test_someone_who_is_not_a_participant_has_no_progress_page(client_as, users, programme, who):
    assert client_as("manager").get(page_of(users[who])).status_code == 404


def test_an_unknown_person_has_no_progress_page(client_as, programme):
    assert client_as("manager").get(f"{PROGRAMME}/participants/999999/").status_code == 404
