"""The headers every page is served with: a Content-Security-Policy that allows no inline
script and no other host, framing refused, no MIME sniffing, same-origin referrers."""

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/en/", "/en/programmes/crm-2021/", "/en/verify/", "/en/accounts/login/"]


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize("url", PAGES)
def test_every_page_carries_the_security_headers(client, programme, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no other host
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert policy["style-src"][0] == "'self'"
    assert all(value.startswith("'sha256-") for value in policy["style-src"][1:])
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_error_pages_inline_style_is_the_one_the_policy_allows(settings):
    import base64
    import hashlib
    import re
    from pathlib import Path

    template = Path(settings.BASE_DIR) / "templates" / "bare_page.html"
    style = re.search(r"<style>(.*?)</style>", template.read_text(encoding="utf-8"), re.S)
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    allowed = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]
    assert f"'sha256-{digest}'" in allowed
