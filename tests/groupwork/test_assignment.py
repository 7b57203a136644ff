"""Forming groups: by country as the concept note has it, balanced by theme, by hand."""

from collections import Counter
from types import SimpleNamespace

import pytest

from capacita.groupwork import services
from capacita.groupwork.models import GroupMember, SessionWork

pytestmark = pytest.mark.django_db


def members_by_group(session_work):
    rows = GroupMember.objects.filter(session_work=session_work).select_related("group", "user")
    grouped = {}
    for row in rows:
        grouped.setdefault(row.group.name_en, set()).add(row.user.email)
    return grouped


def test_session_2_groups_participants_by_their_country(programme):
    session_work = SessionWork.objects.get(session__programme=programme, session__number=2)
    assignment = services.assign_automatically(session_work)
    countries = {
        group.name_en: {c.code for c in group.countries.all()}
        for group in session_work.groups.all()
    }
    assert countries == {
        "Group 1": {"BZ", "CR", "MX", "PA", "DO"},
        "Group 2": {"GT", "SV", "HN", "NI"},
    }
    for group_id, memberships in assignment.placed.items():
        group = session_work.groups.get(pk=group_id)
        assert {m.country.code for m in memberships} <= countries[group.name_en]
    assert "participant.mx@example.org" in members_by_group(session_work)["Group 1"]
    # Participants of countries in no group wait for a manager.
    for membership in assignment.unplaced:
        assert membership.country.code not in countries["Group 1"] | countries["Group 2"]


def fake(user_id, country):
    return SimpleNamespace(user_id=user_id, country_id=country)


@pytest.mark.parametrize("size, group_count", [(11, 4), (40, 4), (7, 2), (3, 4)])
def test_the_balanced_assignment_spreads_sizes_countries_and_sexes(size, group_count):
    groups = [SimpleNamespace(pk=n, position=n) for n in range(1, group_count + 1)]
    countries = [1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5]
    people = [fake(n, countries[n % len(countries)]) for n in range(size)]
    traits = {n: ("female" if n % 3 else "male", f"profile-{n % 2}") for n in range(size)}

    assignment = services.balanced_assignment(people, groups, traits)

    sizes = [len(members) for members in assignment.placed.values()]
    assert sum(sizes) == size and max(sizes) - min(sizes) <= 1
    for country in set(countries):
        spread = [
            sum(1 for m in members if m.country_id == country)
            for members in assignment.placed.values()
        ]
        assert max(spread) - min(spread) <= 1, (country, spread)
    sexes = [
        Counter(traits[m.user_id][0] for m in members) for members in assignment.placed.values()
    ]
    for sex in ("female", "male"):
        counts = [counter[sex] for counter in sexes]
        assert max(counts) - min(counts) <= 2, (sex, counts)


def test_session_3_assigns_every_participant_to_a_perspective(programme):
    session_work = SessionWork.objects.get(session__programme=programme, session__number=3)
    assignment = services.assign_automatically(session_work)
    assert assignment.unplaced == []
    placed = GroupMember.objects.filter(session_work=session_work).count()
    assert placed == len(list(services.session_participants(session_work)))
    sizes = Counter(
        GroupMember.objects.filter(session_work=session_work).values_list("group", flat=True)
    )
    assert max(sizes.values()) - min(sizes.values()) <= 1
    assert {g.perspective for g in session_work.groups.all()} == {
        "protection",
        "inclusion",
        "governance",
        "employability",
    }


def test_a_manager_places_and_moves_people_by_hand(programme, users):
    session_work = SessionWork.objects.get(session__programme=programme, session__number=2)
    group_1, group_2 = session_work.groups.order_by("position")
    participant = users["participant"]
    services.place(session_work, participant, group_2, users["manager"])
    assert GroupMember.objects.get(session_work=session_work, user=participant).group == group_2
    services.place(session_work, participant, None, users["manager"])
    assert not GroupMember.objects.filter(session_work=session_work, user=participant).exists()
    with pytest.raises(services.GroupWorkError):
        services.place(session_work, users["observer"], group_1, users["manager"])
    other = SessionWork.objects.get(session__programme=programme, session__number=3)
    with pytest.raises(services.GroupWorkError):
        services.place(session_work, participant, other.groups.first(), users["manager"])
