"""Health probes (/healthz, /readyz) and the page a user sees when the server fails."""

from __future__ import annotations

import html

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.db import OperationalError
from django.test import Client
from django.urls import path

import capacita.urls


class Boom(Exception):
    pass


def boom(request):
    raise Boom("secret-detail-of-the-failure")


# This module is also the URLconf of the error-page tests: the site plus a failing view.
urlpatterns = [
    *capacita.urls.urlpatterns,
    *i18n_patterns(path("boom/", boom), prefix_default_language=True),
]
handler500 = capacita.urls.handler500


class UnreachableDatabase:
    def cursor(self):
        raise OperationalError("could not connect to server: Connection refused")


@pytest.mark.django_db
def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_ok_when_the_database_is_unreachable(client, monkeypatch):
    # No django_db mark either: any database access would fail this test.
    monkeypatch.setattr("capacita.views.connection", UnreachableDatabase())
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readyz_answers_ok_after_asking_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    monkeypatch.setattr("capacita.views.connection", UnreachableDatabase())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"database unavailable"
    assert b"Connection refused" not in response.content


@pytest.fixture
def failing_client(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.urls(__name__)
def test_a_server_error_shows_the_500_page_without_a_traceback(failing_client):
    response = failing_client.get("/en/boom/")
    assert response.status_code == 500
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "<h1>Something went wrong</h1>" in content
    assert "Nothing you sent was half-saved" in content
    for leak in ("Traceback", "secret-detail-of-the-failure", "Boom", "File &quot;", 'File "'):
        assert leak not in content


@pytest.mark.urls(__name__)
def test_the_500_page_is_in_the_language_of_the_address(failing_client):
    response = failing_client.get("/es/boom/")
    assert response.status_code == 500
    content = response.content.decode()
    assert '<html lang="es">' in content
    assert "secret-detail-of-the-failure" not in content
    assert "Traceback" not in content


@pytest.mark.urls(__name__)
def test_the_spanish_500_page_is_translated(failing_client):
    content = html.unescape(failing_client.get("/es/boom/").content.decode())
    assert "<h1>Algo salió mal</h1>" in content
    assert "Something went wrong" not in content
    assert "Nothing you sent was half-saved" not in content
