"""After signing in, each person lands where their work is, in their own language, whatever
the language of the login page: a manager on the programme's console, a focal point on their
country's list, a participant on their own page, a facilitator on their part in the agenda,
an observer on the programme's page; someone with roles in several programmes chooses among
them. A `next` still wins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from capacita.certificates.kept import refresh
from capacita.development.demo import DEMO_PASSWORD
from capacita.programmes.models import Membership, Role

from ..other_programme import another_programme
from ..progress.pages import by_id, find_all, links, text, texts, tree

# The demo's 2021 programme (tests/conftest.py), each role's page in it.
HOMES = {
    "manager": "programmes/crm-2021/manage/",
    "superuser": "programmes/crm-2021/manage/",
    "focal_point": "programmes/crm-2021/nominations/mx/",
    "participant": "programmes/crm-2021/me/",
    "facilitator": "programmes/crm-2021/my-items/",
    "observer": "programmes/crm-2021/",
}
# The accounts the `users` fixture makes itself; the demo's share the demo's password.
OWN_PASSWORDS = {"outsider": "x", "superuser": "x"}


def sign_in(client, users, role: str, language: str, next_url: str | None = None) -> str:
    """Log in through the login form at /<language>/accounts/login/; where it leads."""
    data = {"username": users[role].email, "password": OWN_PASSWORDS.get(role, DEMO_PASSWORD)}
    if next_url is not None:
        data["next"] = next_url
    response = client.post(f"/{language}/accounts/login/", data, REMOTE_ADDR="192.0.2.20")
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def programme_around(slug: str, start: dt.date, end: dt.date):
    programme = another_programme(slug)
    programme.start_date, programme.end_date = start, end
    programme.save()
    return programme


@pytest.mark.parametrize("login_language", ["es", "en"])
@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_its_home_in_its_own_language(
    client, users, programme, role, login_language
):
    own = users[role].language

    landing = sign_in(client, users, role, login_language)

    assert landing == f"/{own}/home/"
    response = client.get(landing)
    assert response.status_code == 302
    assert response["Location"] == f"/{own}/{HOMES[role]}"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f'<html lang="{own}"' in page.content.decode()


def test_the_demo_s_people_read_in_their_languages(users):
    # What the test above counts on: people of both languages among the roles.
    assert users["manager"].language == "en"
    assert users["participant"].language == "es"


@pytest.mark.parametrize("login_language", ["es", "en"])
def test_someone_without_a_role_is_told_so_and_shown_the_programmes(
    client, users, programme, login_language
):
    landing = sign_in(client, users, "outsider", login_language)

    assert landing == f"/{users['outsider'].language}/home/"
    page = client.get(landing)
    assert page.status_code == 200
    assert find_all(tree(page), id="my-programmes") == []
    assert f"/{users['outsider'].language}/programmes/" in links(by_id(tree(page), "main"))
    assert find_all(tree(page), id="no-programme")


def test_someone_with_roles_in_several_programmes_chooses_the_one_under_way_first(
    client, users, programme
):
    today = timezone.localdate()
    ongoing = programme_around("ahora-2026", today - dt.timedelta(days=1), today)
    coming = programme_around(
        "otro-2031", today + dt.timedelta(days=400), today + dt.timedelta(days=402)
    )
    participant = users["participant"]
    Membership.objects.create(programme=ongoing, user=participant, role=Role.FACILITATOR)
    Membership.objects.create(programme=ongoing, user=participant, role=Role.PARTICIPANT)
    Membership.objects.create(programme=coming, user=participant, role=Role.OBSERVER)
    refresh(ongoing, [participant.pk])

    landing = sign_in(client, users, "participant", "en")

    assert landing == "/es/home/"
    response = client.get(landing)
    assert response.status_code == 200
    page = tree(response)
    cards = find_all(by_id(page, "my-programmes"), "li", **{"class": "card"})
    assert [dict(card.attributes)["id"] for card in cards] == [
        "my-programme-ahora-2026",
        "my-programme-otro-2031",
        "my-programme-crm-2021",
    ]
    # Each role with its page: in one programme a participant's before a facilitator's.
    assert links(cards[0]) == [
        "/es/programmes/ahora-2026/me/",
        "/es/programmes/ahora-2026/my-items/",
    ]
    [roles] = find_all(cards[0], "ul", **{"class": "my-roles"})
    assert texts(roles, "li") == [
        "Persona participante: Mi programa",
        "Persona facilitadora o ponente: Su participación en la agenda",
    ]
    assert "En curso" in text(cards[0])
    assert links(cards[1]) == ["/es/programmes/otro-2031/"]
    assert "Próximo" in text(cards[1])
    assert links(cards[2]) == ["/es/programmes/crm-2021/me/"]
    assert "Terminado" in text(cards[2])
    for link in links(by_id(page, "my-programmes")):
        assert client.get(link).status_code == 200, link


def test_the_chooser_speaks_the_language_of_its_address(client, users, programme):
    other = another_programme("otro-2031")
    Membership.objects.create(programme=other, user=users["participant"], role=Role.PARTICIPANT)
    refresh(other, [users["participant"].pk])
    client.force_login(users["participant"])

    page = client.get("/en/home/")

    assert page.status_code == 200
    assert '<html lang="en"' in page.content.decode()
    assert "/en/programmes/otro-2031/me/" in links(tree(page))


def test_a_superuser_chooses_among_every_programme_as_its_manager(client, users, programme):
    another_programme("otro-2031")
    client.force_login(users["superuser"])

    page = tree(client.get("/es/home/"))

    assert links(by_id(page, "my-programmes")) == [
        "/es/programmes/otro-2031/manage/",
        "/es/programmes/crm-2021/manage/",
    ]


@pytest.mark.parametrize(
    ("role", "next_url", "expected"),
    [
        ("focal_point", "/es/programmes/crm-2021/board/", "/es/programmes/crm-2021/board/"),
        # The manager reads English: `next` in their language.
        ("manager", "/es/programmes/crm-2021/balance/", "/en/programmes/crm-2021/balance/"),
        ("participant", "/en/verify/", "/es/verify/"),
    ],
)
def test_next_still_wins(client, users, programme, role, next_url, expected):
    assert sign_in(client, users, role, "es", next_url) == expected


def test_the_start_page_leads_a_signed_in_person_home_and_anyone_else_to_the_programmes(
    client, users, programme
):
    assert client.get("/en/")["Location"] == "/en/programmes/"
    client.force_login(users["participant"])
    # The participant reads Spanish, whatever the address's language.
    assert client.get("/en/")["Location"] == "/es/home/"


def test_the_home_asks_a_visitor_to_log_in_first(client, programme):
    response = client.get("/es/home/")

    assert response.status_code == 302
    assert response["Location"] == "/es/accounts/login/?next=/es/home/"
