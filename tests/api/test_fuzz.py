"""schemathesis against the API's own description (`/api/v1/openapi.json`), through the
application (WSGI, no server): generated requests to every endpoint, as a focal point of
Mexico's token and without a token, get no server error and no answer outside the
description, and nothing of another country than the token owner's comes back."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from capacita.access_tokens.services import create_token
from capacita.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def within_the_test(environ, start_response):
    """The application, answering inside the test's transaction: as Django's test client
    does, the connection is not closed at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, start_response)
        body = b"".join(response)
        response.close()
        return [body]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def operations():
    """Every operation of the description the application serves."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", within_the_test)
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 7
    return found


@pytest.fixture
def focal_point_header(users, settings):
    # The requests of one run come far faster than a person's: no throttle in the way.
    settings.API_TOKEN_RATE = "100000/m"
    settings.API_ANONYMOUS_RATE = "100000/m"
    _record, token = create_token(users["focal_point"], "Fuzz")
    return {"Authorization": f"Bearer {token}"}


def nothing_of_another_country(case, response) -> None:
    """A focal point of Mexico gets nothing of Guatemala or any other country's list,
    participants or report."""
    if response.status_code != 200:
        return
    path = case.formatted_path
    body = response.json()
    if "/countries/" in path:
        assert path.split("/countries/", 1)[1][:2].lower() == "mx", path
    if path.endswith("/progress"):
        assert {item["country"] for item in body["items"]} <= {"MX"}, path


FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def fuzz(headers: dict) -> None:
    for operation in operations():

        @given(
            case=operation.as_strategy(),
            slug=st.sampled_from(["crm-2021", "crm-2021", "no-such-programme"]),
            country=st.sampled_from(["mx", "MX", "gt", "do", "zz"]),
        )
        @FUZZ
        def run(case, slug, country):
            # Mostly the demo's programme and its countries, not only addresses of nothing.
            parameters = case.path_parameters or {}
            if "slug" in parameters:
                parameters["slug"] = slug
            if "code" in parameters and "/countries/" in case.path:
                parameters["code"] = country
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            nothing_of_another_country(case, response)

        run()


@pytest.mark.fuzz
def test_as_a_focal_point(demo, focal_point_header):
    fuzz(focal_point_header)


@pytest.mark.fuzz
def test_without_a_token(demo, settings):
    settings.API_ANONYMOUS_RATE = "100000/m"
    fuzz({})
