"""One's access tokens in the browser: a token made, shown once, listed and revoked, the page
meeting WCAG 2.2 AA (axe-core) at each step and fitting a phone."""

from __future__ import annotations

import pytest
from django.conf import settings

from capacita.access_tokens.models import AccessToken
from capacita.development.demo import DEMO_PASSWORD

from .test_accessibility import AXE, RUN_AXE, WCAG_TAGS, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" in settings.DATABASES["default"]["ENGINE"],
        reason="the page does not depend on the database; checked in the SQLite run",
    ),
]


def violations(page) -> list[dict]:
    page.evaluate(AXE)
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def test_a_token_is_made_shown_once_and_revoked(page, demo, users):
    account = users["focal_point"]
    account.set_password(DEMO_PASSWORD)
    account.save(update_fields=["password"])
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, account.email)
    page.goto("/en/programmes/")
    page.get_by_role("link", name="My access tokens").click()
    page.get_by_label("Name").fill("Country dashboard")
    page.get_by_role("button", name="Make the token").click()
    token = page.locator("#token-value").inner_text()
    assert token.startswith("cap_")
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto("/en/accounts/tokens/")
    assert token not in page.content()
    assert violations(page) == []
    page.get_by_role("button", name="Revoke “Country dashboard”").click()
    assert "is revoked" in page.locator(".messages").inner_text()
    assert AccessToken.objects.get(user=account).revoked_at is not None
