"""No cache keeps personal data: every response to a signed-in person, whatever its address
and answer, and the public page about one person, say `Cache-Control: private, no-store`.

The access matrix (tests/test_access_matrix.py) names every URL; each of its requests is
made here again by every signed-in role. What visitors who are not signed in get is left as
it was: the programme page kept for them, `/healthz`, the static files.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.views.decorators.cache import never_cache

from capacita.shared.private_responses import PERSONAL_PUBLIC_PAGES, PrivateResponsesMiddleware

from .certificates.issued import issued_certificate
from .conftest import ROLES
from .test_access_matrix import MATRIX, PROGRAMME, demo_participant
from .test_access_matrix import test_each_role_gets_its_answer as each_role_gets_its_answer

SIGNED_IN = [role for role in ROLES if role != "anonymous"]


def directives(response) -> dict[str, str]:
    """The Cache-Control directives, by name in lower case, with their values."""
    found = {}
    for directive in response.get("Cache-Control", "").split(","):
        name, _, value = directive.partition("=")
        if name.strip():
            found[name.strip().lower()] = value.strip()
    return found


def assert_private(response, what: str) -> None:
    """private and no-store; nothing that lets a cache keep it (never_cache's max-age=0, on
    the answer to signing out, keeps nothing)."""
    found = directives(response)
    header = response.get("Cache-Control")
    assert {"private", "no-store"} <= found.keys(), f"{what}: Cache-Control {header}"
    assert "public" not in found, f"{what}: Cache-Control {header}"
    assert found.get("max-age", "0") == found.get("s-maxage", "0") == "0", f"{what}: {header}"


# --- Every address of the matrix, for every signed-in role ------------------------------------


@pytest.mark.sweep
@pytest.mark.django_db
@pytest.mark.parametrize("role", SIGNED_IN)
@pytest.mark.parametrize("name", [key for key, row in MATRIX.items() if row.urls])
def test_every_response_to_a_signed_in_person_is_private(name, role, client_as, programme, users):
    """The matrix's own test, its client checking every response it gets."""
    client = client_as(role)
    answered = []

    def checking(send):
        def checked(url, *args, **kwargs):
            response = send(url, *args, **kwargs)
            assert_private(response, f"{role} {url}")
            answered.append(url)
            return response

        return checked

    client.get, client.post = checking(client.get), checking(client.post)
    each_role_gets_its_answer(name, role, lambda role: client, programme, users)
    assert answered


# --- The files of personal data, each named -----------------------------------------------------

FILES = [
    ("participant", "/me/"),
    ("participant", "/me/data.json"),
    ("participant", "/certificate.pdf"),
    ("manager", "/board.csv"),
    ("manager", "/board.xlsx"),
    ("focal_point", "/board.csv"),
    ("manager", "/audit.csv"),
    ("manager", "/audit.xlsx"),
    ("manager", "/reports/MX.pdf"),
    ("manager", "/reports/MX.xlsx"),
    ("focal_point", "/reports/MX.xlsx"),
    ("manager", "/balance.pdf"),
    ("manager", "/balance.xlsx"),
    ("manager", "/tests/report.xlsx"),
    ("manager", "/courses/moodle-users.csv"),
    ("manager", "/certificates.zip"),
    ("manager", "/certificates/{certificate}/certificate.pdf"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "address"), FILES, ids=[f"{r} {a}" for r, a in FILES])
def test_each_file_of_personal_data_is_private(role, address, client_as, programme):
    certificate = issued_certificate(programme, demo_participant(), with_file=True)
    url = PROGRAMME + address.format(certificate=certificate.pk)
    response = client_as(role).get(url)
    assert response.status_code == 200, url
    assert_private(response, f"{role} {url}")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "participant"])
def test_the_public_verification_page_names_a_person_and_is_private(role, client_as, programme):
    certificate = issued_certificate(programme, demo_participant())
    response = client_as(role).get(f"/en/verify/{certificate.formatted_code}/")
    assert response.status_code == 200
    assert demo_participant().last_name in response.content.decode()
    assert_private(response, f"{role} verification page")


# --- What the view said is overridden, not added to ---------------------------------------------


def through_middleware(view, user, cookies=None):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    request.user = user

    class Session(dict):
        accessed = False

    request.session = Session()
    return PrivateResponsesMiddleware(view)(request)


def _kept_by_everyone(request):
    response = HttpResponse("figures")
    response["Cache-Control"] = "public, max-age=600, s-maxage=600"
    return response


@pytest.mark.django_db
def test_a_view_asking_for_public_caching_is_made_private_for_a_signed_in_person(users):
    response = through_middleware(
        _kept_by_everyone, users["manager"], cookies={"sessionid": "the manager's"}
    )
    assert directives(response).keys() == {"private", "no-store"}


@pytest.mark.django_db
def test_a_response_no_cache_keeps_is_left_as_never_cache_made_it(users):
    """Without reading the user: while the database is down, the maintenance page's is."""
    view = never_cache(lambda request: HttpResponse("ok"))
    expected = view(RequestFactory().get("/"))["Cache-Control"]
    response = through_middleware(view, users["participant"], cookies={"sessionid": "theirs"})
    assert response["Cache-Control"] == expected
    assert {"private", "no-store"} <= directives(response).keys()


def test_a_visitor_keeps_what_the_view_said():
    response = through_middleware(_kept_by_everyone, AnonymousUser())
    assert response["Cache-Control"] == "public, max-age=600, s-maxage=600"


# --- Visitors who are not signed in, and static files: as before ---------------------------


PUBLIC = [
    name
    for name, row in MATRIX.items()
    if row.urls
    and row.method == "get"
    and row.expected.get("anonymous") == 200
    and name not in PERSONAL_PUBLIC_PAGES
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC)
def test_a_visitor_gets_the_same_caching_headers_as_without_the_middleware(
    name, programme, settings
):
    """/healthz, the programme pages, the login page…: Cache-Control and Vary as the view and
    the other middleware make them (reading the session would add Vary: Cookie)."""
    urls = MATRIX[name].urls(programme)

    def headers(middleware):
        settings.MIDDLEWARE = middleware
        client = Client()  # its middleware is built at its first request
        return [
            (url, client.get(url).headers.get(header))
            for url in urls
            for header in ("Cache-Control", "Vary")
        ]

    with_it = headers(settings.MIDDLEWARE)
    without = [entry for entry in settings.MIDDLEWARE if "private_responses" not in entry]
    assert with_it == headers(without)


@pytest.mark.django_db
def test_the_programme_page_is_still_kept_for_visitors(client, programme, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    url = "/en/programmes/crm-2021/"
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.status_code == 200 and again.content == first.content
    assert len(queries) == 0
    for response in (first, again):
        assert not directives(response).keys() & {"private", "no-store"}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/programmes/", "/en/programmes/crm-2021/calendar.ics"])
def test_public_pages_are_not_made_private_for_visitors(client, programme, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not directives(response).keys() & {"private", "no-store"}


@pytest.mark.django_db
def test_static_files_keep_their_own_caching_for_a_signed_in_person(users, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()  # its middleware is built at its first request, with these settings
    client.force_login(users["manager"])
    response = client.get("/static/capacita/capacita.css")
    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert "max-age" in directives(response)
