"""While the database cannot be reached, every page answers 503 with the maintenance page
(translated, Retry-After, no database, session or user needed) and /readyz answers 503;
any other failure still gets the page for errors. In process: the database "fails" because
its cursor raises, as a refused or lost connection does."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connections
from django.test import Client, RequestFactory

from capacita.shared.maintenance import RETRY_AFTER_SECONDS, maintenance_response

PAGE = "/{language}/programmes/"
STYLE_HASH = "'sha256-Wxq/EQNi7pDp1hK/jjUzRLFFHrIk7y3SZ/4igcD1TeI='"


def down(error=None):
    """Every query of the default database fails as with the server stopped."""
    error = error or OperationalError('connection to server at "127.0.0.1", port 5432 failed')
    return mock.patch.object(connections["default"], "cursor", side_effect=error)


@pytest.fixture
def database_down():
    with down() as cursor:
        yield cursor


def assert_maintenance_page(response, language: str):
    assert response.status_code == 503, response.content[:500]
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    assert f'<html lang="{language}">' in text
    # The message (its English source, as long as the catalogue is not compiled with it).
    assert "Under maintenance" in text or "mantenimiento" in text
    # The same inline style as the page for errors: the only one the policy allows.
    assert STYLE_HASH in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_page_answers_503_in_the_language_of_its_address(db, database_down, language):
    response = Client().get(PAGE.format(language=language))
    assert_maintenance_page(response, language)
    assert database_down.called


def test_the_english_page_says_what_happened(db, database_down):
    text = Client().get("/en/programmes/crm-2021/").content.decode()
    assert "Capacita cannot reach its database at the moment" in text
    assert "Nothing you sent was half-saved." in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_address_without_language_uses_the_browsers(language):
    request = RequestFactory(headers={"Accept-Language": language}).get("/readyz")
    response = maintenance_response(request)
    assert response.status_code == 503
    assert f'<html lang="{language}">' in response.content.decode()


def test_a_logged_in_visitor_gets_it_too(client, users):
    """The session and the user are read from the database: their failure is caught too."""
    client.force_login(users["participant"])
    with down(InterfaceError("connection already closed")):
        response = client.get("/en/programmes/crm-2021/me/")
    assert_maintenance_page(response, "en")
    # The visitor keeps their session for when the service is back.
    assert "sessionid" not in response.cookies


def test_a_posted_form_gets_it(client, users):
    client.force_login(users["participant"])
    with down(OperationalError("server closed the connection unexpectedly")):
        response = client.post("/en/programmes/crm-2021/tests/pre/", {"K01": "a", "save": "1"})
    assert_maintenance_page(response, "en")


class FailingMiddleware:
    """A middleware whose own work fails on the database, outside any view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("database is locked")


def test_a_failure_in_a_middleware_gets_it_too(db, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.FailingMiddleware"]
    response = Client(raise_request_exception=False).get("/es/programmes/")
    assert_maintenance_page(response, "es")


def test_other_failures_still_get_the_error_page(db, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.BrokenMiddleware"]
    response = Client(raise_request_exception=False).get("/en/programmes/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong" in response.content.decode()


class BrokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise ValueError("a bug, not the database")


def test_readyz_answers_503_and_healthz_200(db, database_down):
    client = Client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.content == b"database unavailable"
    assert client.get("/healthz").status_code == 200


def test_pages_work_again_when_the_database_answers(db):
    client = Client()
    with down():
        assert client.get("/en/programmes/").status_code == 503
    assert client.get("/en/programmes/").status_code == 200


def test_the_failed_connection_is_closed_outside_a_transaction():
    from capacita.shared import maintenance

    connection = mock.Mock(in_atomic_block=False)
    in_transaction = mock.Mock(in_atomic_block=True)
    broken = mock.Mock(in_atomic_block=False)
    broken.close.side_effect = InterfaceError("already closed")
    with mock.patch.object(
        maintenance.connections, "all", return_value=[connection, in_transaction, broken]
    ):
        maintenance._close_failed_connections()
    connection.close.assert_called_once()
    in_transaction.close.assert_not_called()
    assert broken.connection is None
