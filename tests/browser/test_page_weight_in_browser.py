"""Participant-facing pages are light, local and readable without JavaScript (issues 9 and 11).

Each page, in Spanish and in English, is loaded in Chromium with its cache off: every response
the browser sees is summed as gzip would send it (level 6, each body on its own: the test
server does not compress), against 60 KB; every request must go to the live server. The same
pages are then read with JavaScript disabled and must show their content.
bench/bench_page_weight.py prints the same figures for every page of the site.
"""

from __future__ import annotations

import gzip
import re

import pytest
from playwright.sync_api import expect

from capacita.accounts.models import User
from capacita.evaluation.models import Questionnaire
from capacita.groupwork.models import GroupMember
from tests.certificates.issued import issued_certificate

from .test_attendance_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 60 * 1024
PARTICIPANT = "participant.mx@example.org"


def participant_facing_pages(programme, language):
    """(who, path, a locator of the page's main content) for each page, anonymous first."""
    participant = User.objects.get(email=PARTICIPANT)
    # A pre-test that is open whatever today's date: a closed one shows a line, not its form.
    Questionnaire.objects.filter(programme=programme, kind="pre").update(manual_state="open")
    certificate = issued_certificate(programme, participant, language=language, with_file=True)
    group = GroupMember.objects.get(session_work__session__number=2, user=participant).group
    base = f"/{language}/programmes/{programme.slug}"
    return [
        ("anonymous", f"{base}/", "#session-1"),
        ("anonymous", f"/{language}/accounts/login/", "main input[type=password]"),
        ("anonymous", f"/{language}/verify/{certificate.formatted_code}/", "#holder"),
        ("participant", f"{base}/", "#session-1"),
        ("participant", f"{base}/me/", "#my-session-1"),
        ("participant", f"{base}/tests/pre/", "#test-form input[name=K01]"),
        ("participant", f"{base}/sessions/2/groups/{group.pk}/", "#members"),
    ]


def gzipped_bytes(page, path) -> tuple[int, list[str]]:
    """What loading `path` costs gzip-compressed, and every address the browser asked for."""
    responses, requests = [], []
    # The page before (the one the login led to) may still be fetching its style sheet: what
    # it fetches is not this page's, and its body is gone once this page is opened.
    page.wait_for_load_state("load")

    def note_response(response):
        responses.append(response)

    def note_request(request):
        requests.append(request)

    page.on("response", note_response)
    page.on("request", note_request)
    page.goto(path, wait_until="load")
    # Fonts are fetched once the text needing them is laid out, which `load` may not await.
    page.evaluate("document.fonts.ready.then(() => true)")
    page.remove_listener("response", note_response)
    page.remove_listener("request", note_request)
    total = 0
    for response in responses:
        if 300 <= response.status < 400:
            continue  # a redirect has no body to send
        total += len(gzip.compress(response.body(), compresslevel=6))
    return total, [request.url for request in requests]


def read_without_javascript(browser, live_server, pages, language):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    try:
        logged_in = False
        for who, path, content in pages:
            if who == "participant" and not logged_in:
                log_in(page, PARTICIPANT)  # an ordinary form: it must work without JavaScript
                logged_in = True
            page.goto(path)
            expect(page.get_by_role("heading", level=1), f"{path} without JS").to_be_visible()
            expect(page.locator(content).first, f"{path} without JS").to_be_visible()
    finally:
        context.close()
    outside = [url for url in asked if not url.startswith((live_server.url, "data:"))]
    assert outside == [], f"without JavaScript, the pages asked another host ({language})"


@pytest.mark.parametrize("language", ["es", "en"])
def test_participant_pages_weigh_under_60_kb_ask_no_other_host_and_read_without_javascript(
    page, browser, live_server, demo, language
):
    pages = participant_facing_pages(demo, language)
    # With the cache on, a page after the first would not count the style sheet it shares.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    weights, outside = {}, []
    logged_in = False
    for who, path, content in pages:
        if who == "participant" and not logged_in:
            log_in(page, PARTICIPANT)
            expect(
                page.get_by_role("button", name=re.compile("Log out|Cerrar sesión"))
            ).to_be_visible()
            logged_in = True
        size, asked = gzipped_bytes(page, path)
        expect(page.locator(content).first).to_be_visible()
        weights[f"{who} {path}"] = size
        outside += [url for url in asked if not url.startswith((live_server.url, "data:"))]

    figures = ", ".join(f"{where} {size / 1024:.1f} KB" for where, size in weights.items())
    assert outside == [], f"requests to another host: {outside}"
    assert all(size < BUDGET for size in weights.values()), f"over 60 KB gzip: {figures}"
    # Every page loads its style sheet at least: an empty count would mean nothing was seen.
    assert all(size > 1024 for size in weights.values()), figures

    read_without_javascript(browser, live_server, pages, language)
