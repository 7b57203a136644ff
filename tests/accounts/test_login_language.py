"""After signing in, a person lands on the pages of their own language, whatever the
language of the login page they used: `next` with its language prefix replaced, or their
language's start page. What `next` may be is checked as before."""

from __future__ import annotations

import pytest

from capacita.accounts.login import in_language
from capacita.development.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

ENGLISH_PERSON = "participant.do@example.org"
SPANISH_PERSON = "participant.mx@example.org"
ME = "programmes/crm-2021/me/"


def sign_in(client, login_page, email, next_url=None):
    data = {"username": email, "password": DEMO_PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    response = client.post(login_page, data, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_an_english_speaker_signing_in_from_the_spanish_page_lands_in_english(client, demo):
    landing = sign_in(client, f"/es/accounts/login/?next=/es/{ME}", ENGLISH_PERSON, f"/es/{ME}")

    assert landing == f"/en/{ME}"
    page = client.get(landing)
    assert page.status_code == 200
    assert '<html lang="en">' in page.content.decode()


def test_a_spanish_speaker_signing_in_from_the_english_page_lands_in_spanish(client, demo):
    landing = sign_in(
        client, "/en/accounts/login/", SPANISH_PERSON, "/en/programmes/crm-2021/?tz=Asia/Tokyo"
    )

    assert landing == "/es/programmes/crm-2021/?tz=Asia/Tokyo"
    assert '<html lang="es">' in client.get(landing).content.decode()


@pytest.mark.parametrize(
    ("login_page", "email", "home"),
    [
        ("/es/accounts/login/", ENGLISH_PERSON, "/en/home/"),
        ("/en/accounts/login/", SPANISH_PERSON, "/es/home/"),
        ("/en/accounts/login/", ENGLISH_PERSON, "/en/home/"),
    ],
)
def test_without_next_a_person_lands_on_their_languages_start_page(
    client, demo, login_page, email, home
):
    assert sign_in(client, login_page, email) == home


@pytest.mark.parametrize(
    "unsafe",
    [
        "https://elsewhere.example.org/es/programmes/",
        "//elsewhere.example.org/es/programmes/",
        "javascript:alert(1)",
    ],
)
def test_a_next_to_another_site_still_leads_home(client, demo, unsafe):
    assert sign_in(client, "/es/accounts/login/", ENGLISH_PERSON, unsafe) == "/en/home/"


def test_a_failed_login_stays_on_the_login_page(client, demo):
    response = client.post(
        "/es/accounts/login/",
        {"username": ENGLISH_PERSON, "password": "wrong", "next": f"/es/{ME}"},
        REMOTE_ADDR="192.0.2.11",
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("url", "language", "expected"),
    [
        (f"/es/{ME}", "en", f"/en/{ME}"),
        (f"/en/{ME}", "en", f"/en/{ME}"),
        ("/es/", "en", "/en/"),
        ("/es", "en", "/en"),
        (
            "http://testserver/es/verify/?code=x#verdict",
            "en",
            "http://testserver/en/verify/?code=x#verdict",
        ),
        # A page without a prefix that the site has in languages gets the person's.
        ("/", "en", "/en/"),
        (f"/{ME}", "es", f"/es/{ME}"),
        # One without languages is left alone, as is a path that only starts like a prefix.
        ("/healthz", "en", "/healthz"),
        ("/estadisticas/", "en", "/estadisticas/"),
    ],
)
def test_in_language(url, language, expected):
    assert in_language(url, language) == expected


# --- The administration site's login ------------------------------------------------------


@pytest.fixture
def english_manager(demo):
    """The demo's manager, a staff account, reading English."""
    from django.contrib.auth import get_user_model

    manager = get_user_model().objects.get(email="manager@example.org")
    manager.language = "en"
    manager.save(update_fields=["language"])
    assert manager.is_staff
    return manager


def test_signing_in_at_the_spanish_admin_login_lands_on_the_english_admin(client, english_manager):
    page = client.get("/es/admin/login/?next=/es/admin/")
    assert page.status_code == 200

    landing = sign_in(
        client, "/es/admin/login/?next=/es/admin/", english_manager.email, "/es/admin/"
    )

    assert landing == "/en/admin/"
    assert '<html lang="en"' in client.get(landing).content.decode()


def test_the_admin_login_keeps_next_in_the_person_s_language(client, english_manager):
    landing = sign_in(
        client,
        "/es/admin/login/",
        english_manager.email,
        "/es/admin/programmes/programme/",
    )

    assert landing == "/en/admin/programmes/programme/"


def test_a_spanish_speaker_at_the_english_admin_login_lands_in_spanish(client, demo):
    from django.contrib.auth import get_user_model

    manager = get_user_model().objects.get(email="manager@example.org")
    manager.language = "es"
    manager.save(update_fields=["language"])

    assert sign_in(client, "/en/admin/login/", manager.email, "/en/admin/") == "/es/admin/"


def test_a_next_to_another_site_is_still_refused_by_the_admin_login(client, english_manager):
    landing = sign_in(
        client, "/es/admin/login/", english_manager.email, "https://elsewhere.example.org/"
    )

    assert landing.startswith("/en/") and "elsewhere" not in landing
