"""Every page of every role fits a 360-pixel-wide phone, in Spanish and in English.

The pages are the access matrix's, as the accessibility check lists them: for each role,
every GET row it gets a 200 from whose answer is an HTML page. Each is loaded at 360×740 and
fails when the document is wider than the screen (`scrollWidth` > 360) or when an element or
a text sticks out past the right edge, except inside a box that scrolls sideways on purpose:
a wide table in `<div class="table-scroll" role="region" aria-label="…" tabindex="0">`
(the rule of tests/browser/test_screens.py, whose finder is reused).

One browser for the whole run, one login per role; no timing is measured, only the layout
once the page has loaded. `CAPACITA_SCREENSHOTS=dir` keeps a full-page screenshot of each
page (dir/phone-<role>-<lang>-<address>.png) to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from capacita.development.demo import DEMO_PASSWORD
from capacita.programmes.models import Programme

from ..conftest import ROLES
from ..pages import in_language, is_download, matrix_pages
from .test_accessibility import log_in
from .test_screens import FIND_OVERFLOW

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" in settings.DATABASES["default"]["ENGINE"],
        reason="the layout does not depend on the database; checked in the SQLite run",
    ),
]

PHONE = {"width": 360, "height": 740}
LANGUAGES = ["es", "en"]
# Generous: two cores are shared with other test runs.
TIMEOUT_MS = 60_000


def screenshot(page, role: str, language: str, url: str) -> None:
    folder = os.environ.get("CAPACITA_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9]+", "-", url).strip("-")
    page.screenshot(path=str(Path(folder) / f"phone-{role}-{language}-{name}.png"), full_page=True)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_360_pixel_phone(role, page, demo, users):
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    page.set_viewport_size(PHONE)
    programme = Programme.objects.get(slug="crm-2021")
    if role != "anonymous":
        account = users[role]
        account.set_password(DEMO_PASSWORD)
        account.save(update_fields=["password"])
        log_in(page, account.email)
    urls = [url for url in dict.fromkeys(matrix_pages(role, programme)) if not is_download(url)]
    if role in ("manager", "superuser"):
        # Session 3's groups, named by theme, have the longest names of a page's choices.
        urls.append(f"/en/programmes/{programme.slug}/sessions/3/groups/")
    report, checked = [], 0
    for language in LANGUAGES:
        for url in dict.fromkeys(in_language(url, language) for url in urls):
            response = page.goto(url, wait_until="load")
            assert response is not None, url
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            assert response.status == 200, f"{url} answered {response.status}"
            checked += 1
            found = page.evaluate(FIND_OVERFLOW)
            screenshot(page, role, language, url)
            if found["scrollWidth"] > PHONE["width"] or found["offenders"]:
                report.append(
                    f"{url}: {found['scrollWidth']} px wide"
                    + "".join(f"\n    {offender}" for offender in found["offenders"][:6])
                )
    assert checked, f"no HTML page checked for {role}"
    assert report == [], f"pages wider than a 360-pixel phone for {role}:\n" + "\n".join(report)
