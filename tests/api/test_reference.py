"""The API's description and its reference page come from the platform itself."""

import re

import pytest

from capacita.api.api import api


def test_the_description_lists_every_endpoint(client, programme):
    description = client.get("/api/v1/openapi.json").json()
    assert description["openapi"].startswith("3.")
    assert set(description["paths"]) == {
        "/api/v1/programmes",
        "/api/v1/programmes/{slug}/agenda",
        "/api/v1/programmes/{slug}/countries/{code}/nominations",
        "/api/v1/programmes/{slug}/progress",
        "/api/v1/programmes/{slug}/reports/countries/{code}",
        "/api/v1/certificates/{code}",
    }
    paths = description["paths"]
    assert {} in paths["/api/v1/programmes"]["get"]["security"]
    assert {} in paths["/api/v1/certificates/{code}"]["get"]["security"]
    assert {} not in paths["/api/v1/programmes/{slug}/progress"]["get"]["security"]
    schemes = description["components"]["securitySchemes"].values()
    assert [scheme["scheme"] for scheme in schemes] == ["bearer"]


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_reference_page_loads_nothing_from_elsewhere(client, programme, language):
    response = client.get(f"/{language}/api/v1/reference/")
    assert response.status_code == 200
    html = response.content.decode()
    for path in api.get_openapi_schema(path_prefix="/api/v1")["paths"]:
        assert path in html
    assert html.count("(public; a token is optional)" if language == "en" else "(público;") == 3
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert not [source for source in sources if re.match(r"^(https?:)?//", source)]
    assert "<script" not in html
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
