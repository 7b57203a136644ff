"""Every error page is the platform's own, in the visitor's language, with a way back.

403 and 404 are full pages (the site's frame and style): a link to the programme's page when
the address was a programme's (and to the person's own page in it when they have one), to
the programmes, and to log in. 400, 500 and 503 (and a form refused by its CSRF check) are
bare pages that need no database, with a link to the start page in their language. The 429
pages (the login lockout, the throttles) are in the site's frame, whose header leads back.
The language is the address's (/es/, /en/); without one, the signed-in person's, else the
browser's.
"""

from __future__ import annotations

import html

import pytest
from django.test import Client, RequestFactory

from capacita import views
from capacita.shared.maintenance import maintenance_response

from .conftest import ROLES
from .test_access_matrix import MATRIX
from .test_no_dead_links import same_site_links

PROGRAMME = "/{language}/programmes/crm-2021"
PLENARY = PROGRAMME + "/sessions/2/plenary/"
GUATEMALA = PROGRAMME + "/reports/GT/"


@pytest.fixture(autouse=True)
def _no_debug(settings):
    settings.DEBUG = False


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def hrefs(response) -> set[str]:
    """The page's links to this site."""
    return set(same_site_links("/", response.content.decode()))


def assert_site_page(response, status: int, language: str):
    """The platform's page: its frame and style sheet, in `language`, saying so."""
    assert response.status_code == status
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    assert 'rel="stylesheet"' in content
    assert 'class="site-header"' in content
    assert response["Content-Language"] == language
    for bare in ("<h1>403 Forbidden</h1>", "Forbidden</h1>", "Not Found</h1>"):
        assert bare not in content


# 403


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
def test_an_observer_refused_the_plenary_gets_the_platforms_page_with_ways_back(
    client_as, language
):
    response = client_as("observer").get(PLENARY.format(language=language))

    assert_site_page(response, 403, language)
    links = hrefs(response)
    assert f"/{language}/programmes/crm-2021/" in links
    assert f"/{language}/programmes/crm-2021/me/" in links
    assert f"/{language}/programmes/" in links
    assert any(link.startswith(f"/{language}/accounts/login/?next=") for link in links)


@pytest.mark.django_db
def test_the_english_403_page_says_what_happened(client_as):
    text = text_of(client_as("focal_point").get(GUATEMALA.format(language="en")))

    assert "<h1>You cannot open this page</h1>" in text
    assert "This page is not open to your account." in text
    assert "Back to the programme's page" in text
    assert "Log in with another account" in text
    # A focal point has no page of their own in the programme.
    assert "My programme" not in text


@pytest.mark.django_db
def test_the_spanish_403_page_is_translated(client_as):
    """Passes once var/po/dead-ends.po is merged into the Spanish catalogue."""
    response = client_as("focal_point").get(GUATEMALA.format(language="es"))
    assert_site_page(response, 403, "es")
    text = text_of(response)
    assert "<h1>No puede abrir esta página</h1>" in text
    assert "You cannot open this page" not in text
    assert "Volver a la página del programa" in text


@pytest.mark.django_db
def test_a_403_of_the_administration_site_is_the_platforms(client_as):
    response = client_as("manager").get("/en/admin/accounts/user/")
    assert_site_page(response, 403, "en")
    assert "/en/programmes/" in hrefs(response)


def first_refusals() -> list[tuple[str, str]]:
    """(row, role) for each row of the access matrix that refuses some role: its first (the
    API answers its refusals in JSON, tests/api/)."""
    refusals = []
    for name, row in MATRIX.items():
        if row.urls and row.expected and not row.token:
            role = next((role for role in ROLES if row.expected.get(role) == 403), None)
            if role is not None:
                refusals.append((name, role))
    return refusals


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), first_refusals())
def test_every_refusal_of_the_matrix_is_the_platforms_page(client_as, programme, name, role):
    row = MATRIX[name]
    client = client_as(role)
    for url in row.urls(programme):
        response = getattr(client, row.method)(url, row.data)
        assert_site_page(response, 403, url.split("/")[1])
        assert 'class="way-back"' in response.content.decode(), url


# 404


def test_a_missing_page_of_a_programme_leads_back_to_the_programme(client, demo):
    response = client.get(PROGRAMME.format(language="en") + "/no-such-page/")

    assert_site_page(response, 404, "en")
    links = hrefs(response)
    assert "/en/programmes/crm-2021/" in links
    assert "/en/programmes/" in links
    # Some pages are not found by visitors who are not signed in: logging in may help.
    assert "/en/accounts/login/?next=/en/programmes/crm-2021/no-such-page/" in links


@pytest.mark.django_db
def test_a_missing_programme_leads_to_the_programmes(client_as):
    response = client_as("participant").get("/es/programmes/no-such-programme/")

    assert_site_page(response, 404, "es")
    links = hrefs(response)
    assert "/es/programmes/" in links
    assert not any(link.startswith("/es/programmes/no-such-programme") for link in links)


@pytest.mark.django_db
def test_an_unpublished_programme_is_not_offered_on_its_404(client_as, programme):
    programme.is_published = False
    programme.save(update_fields=["is_published"])
    response = client_as("participant").get(PROGRAMME.format(language="en") + "/")

    assert_site_page(response, 404, "en")
    assert "/en/programmes/crm-2021/" not in hrefs(response)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
def test_an_address_without_language_is_answered_in_the_browsers(client, language):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert_site_page(response, 404, language)
    assert f"/{language}/programmes/" in hrefs(response)


@pytest.mark.django_db
def test_an_address_without_language_follows_the_signed_in_persons_language(client, users):
    english_speaker = users["manager"]
    assert english_speaker.language == "en"
    client.force_login(english_speaker)

    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")

    assert_site_page(response, 404, "en")
    assert "/en/programmes/" in hrefs(response)
    # And a Spanish speaker's browser that asks for English.
    client.force_login(users["participant"])
    assert_site_page(client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en"), 404, "es")


# 429


@pytest.mark.django_db
def test_the_login_lockout_page_leads_back(client, settings, users):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(5):
        response = client.post(
            "/en/accounts/login/",
            {"username": "participant.mx@example.org", "password": "wrong"},
            REMOTE_ADDR="192.0.2.40",
        )
        if response.status_code == 429:
            break
    assert_site_page(response, 429, "en")
    assert {"/en/programmes/", "/en/accounts/password-reset/"} <= hrefs(response)


@pytest.mark.django_db
def test_the_verification_throttle_page_leads_back(client, settings):
    settings.VERIFY_FAILURE_LIMIT = 0
    response = client.get("/en/verify/AAAA-BBBB-CCCC-DDDD/")
    assert_site_page(response, 429, "en")
    assert "/en/programmes/" in hrefs(response)


@pytest.mark.django_db
def test_the_password_reset_throttle_page_leads_back(client, settings):
    settings.PASSWORD_RESET_REQUEST_LIMIT = 0
    response = client.post("/en/accounts/password-reset/", {"email": "x@example.org"})
    assert_site_page(response, 429, "en")
    assert {"/en/programmes/", "/en/accounts/login/"} <= hrefs(response)


# The bare pages: 400, 500, 503, CSRF. No `django_db` mark on the ones built directly: any
# query would fail them.


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_500_page_needs_no_database_and_leads_to_the_start_page(language):
    response = views.server_error(RequestFactory().get(f"/{language}/programmes/crm-2021/"))

    assert response.status_code == 500
    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in response.content.decode()
    assert hrefs(response) == {f"/{language}/"}


def test_the_500_page_of_an_address_without_language_is_in_the_browsers():
    request = RequestFactory(headers={"Accept-Language": "en"}).get("/healthz")
    response = views.server_error(request)
    assert '<html lang="en">' in response.content.decode()
    assert hrefs(response) == {"/en/"}


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_400_page_needs_no_database_and_leads_to_the_start_page(language):
    response = views.bad_request(RequestFactory().get(f"/{language}/programmes/"))

    assert response.status_code == 400
    assert f'<html lang="{language}">' in response.content.decode()
    assert hrefs(response) == {f"/{language}/"}


@pytest.mark.django_db
def test_a_request_refused_as_suspicious_gets_the_400_page():
    # A host name the site does not serve: Django refuses to read the request.
    response = Client().get("/en/programmes/", HTTP_HOST="elsewhere.example.org")

    assert response.status_code == 400
    text = text_of(response)
    assert "<h1>This request could not be read</h1>" in text
    assert "elsewhere.example.org" not in text
    assert hrefs(response) == {"/en/"}


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_maintenance_page_leads_to_the_start_page(language):
    response = maintenance_response(RequestFactory().get(f"/{language}/programmes/"))
    assert response.status_code == 503
    assert hrefs(response) == {f"/{language}/"}


@pytest.mark.django_db
def test_a_form_refused_by_its_csrf_check_gets_the_platforms_page():
    response = Client(enforce_csrf_checks=True).post(
        "/en/accounts/login/", {"username": "a@example.org", "password": "x"}
    )

    assert response.status_code == 403
    text = text_of(response)
    assert '<html lang="en">' in text
    assert "<h1>This form has expired</h1>" in text
    assert "CSRF" not in text
    assert hrefs(response) == {"/en/"}


@pytest.mark.django_db
def test_the_spanish_bare_pages_are_translated():
    """Passes once var/po/dead-ends.po is merged into the Spanish catalogue."""
    bad = text_of(views.bad_request(RequestFactory().get("/es/")))
    assert "This request could not be read" not in bad
    refused = text_of(
        Client(enforce_csrf_checks=True).post("/es/accounts/login/", {"username": "a"})
    )
    assert "This form has expired" not in refused
    assert "<h1>Este formulario ya no es válido</h1>" in refused
