"""A facilitator reads the groups and the plenary of the sessions they take part in — as a
group's facilitator, or as a facilitator or speaker of one of the session's agenda items —
and not those of the other sessions (the brief: "the sessions they take part in")."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from capacita.agenda.models import AgendaParticipant
from capacita.groupwork.models import WorkGroup
from capacita.programmes.models import Membership, Person, Role
from capacita.programmes.permissions import takes_part_in

pytestmark = pytest.mark.django_db

BASE = "/en/programmes/crm-2021/sessions"


@pytest.fixture
def newcomer(programme):
    """A facilitator of the programme with no part in any session yet."""
    user = get_user_model().objects.create_user(
        "new.facilitator@example.org", "x", first_name="Nueva", last_name="Facilitadora"
    )
    Membership.objects.create(programme=programme, user=user, role=Role.FACILITATOR)
    return user


def pages(session_number: int) -> list[str]:
    group = WorkGroup.objects.filter(session_work__session__number=session_number).first()
    return [f"{BASE}/{session_number}/plenary/", f"{BASE}/{session_number}/groups/{group.pk}/"]


def answers(client, session_number: int) -> list[int]:
    return [client.get(url).status_code for url in pages(session_number)]


def test_a_facilitator_with_no_part_reads_no_session_s_groups(client, programme, newcomer):
    client.force_login(newcomer)
    assert answers(client, 2) == [403, 403]
    assert answers(client, 3) == [403, 403]


def test_a_speaker_of_an_item_reads_that_session_only(client, programme, newcomer):
    person = Person.objects.create(
        programme=programme, key="nueva", name_es="Nueva", name_en="Nueva", user=newcomer
    )
    item = programme.sessions.get(number=2).items.first()
    AgendaParticipant.objects.create(item=item, person=person, role="speaker")
    client.force_login(newcomer)
    assert answers(client, 2) == [200, 200]
    assert answers(client, 3) == [403, 403]


def test_a_group_s_facilitator_reads_that_session(client, programme, newcomer):
    group = WorkGroup.objects.filter(session_work__session__number=3).first()
    group.facilitator = newcomer
    group.save(update_fields=["facilitator"])
    client.force_login(newcomer)
    assert answers(client, 3) == [200, 200]
    assert answers(client, 2) == [403, 403]
    session = programme.sessions.get(number=3)
    assert takes_part_in(newcomer, session)
    assert not takes_part_in(newcomer, programme.sessions.get(number=2))


def test_the_demo_facilitator_takes_part_in_both_sessions_of_group_work(client, users):
    client.force_login(users["facilitator"])
    assert answers(client, 2) == [200, 200]
    assert answers(client, 3) == [200, 200]


# --- Where a facilitator finds the groups they facilitate ---------------------------------


def test_the_own_page_links_a_facilitator_to_the_groups_they_facilitate(client, users):
    from tests.progress.pages import by_id, links, text, tree

    facilitator = users["facilitator"]
    client.force_login(facilitator)

    page = tree(client.get("/en/programmes/crm-2021/me/"))

    for number in (2, 3):
        groups = WorkGroup.objects.filter(
            session_work__session__number=number, facilitator=facilitator
        )
        line = by_id(page, f"my-group-work-{number}")
        assert text(line).startswith("Group work: the groups you facilitate:")
        assert "my group" not in text(line)
        group_links = [link for link in links(line) if "/groups/" in link]
        assert group_links == [f"{BASE}/{number}/groups/{group.pk}/" for group in groups]
        assert [client.get(link).status_code for link in group_links] == [200] * len(groups)


def test_the_no_group_page_lists_a_facilitator_s_groups(client, users):
    facilitator = users["facilitator"]
    client.force_login(facilitator)

    response = client.get(f"{BASE}/2/group/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "You are not in a group" not in content
    assert "You facilitate these groups in this session:" in content
    for group in WorkGroup.objects.filter(session_work__session__number=2):
        assert f'href="{BASE}/2/groups/{group.pk}/"' in content


def test_a_facilitator_of_no_group_is_still_told_they_are_in_none(client, programme, newcomer):
    client.force_login(newcomer)

    content = client.get(f"{BASE}/2/group/").content.decode()

    assert "You are not in a group for this session yet." in content
    assert "You facilitate" not in content
