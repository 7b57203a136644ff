"""WCAG 2.2 AA on every page each role reaches, in both languages, checked by axe-core.

axe-core is vendored under tests/browser/vendor/axe-core/ (from the npm registry; never
fetched at run time). It is injected with `page.evaluate`, a DevTools evaluation that the
site's Content-Security-Policy (no inline scripts) does not govern, so the pages are checked
exactly as served, headers included.

The pages are the access matrix's: for each role, every GET row it gets a 200 from, whose
answer is an HTML page (downloads, PDFs, spreadsheets, calendars and JSON are skipped by
their content type). Each matrix URL is written with /es/; each is checked in Spanish and
in English.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from capacita.development.demo import DEMO_PASSWORD
from capacita.programmes.models import Programme

from ..conftest import ROLES
from ..pages import in_language, matrix_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" in settings.DATABASES["default"]["ENGINE"],
        reason="accessibility does not depend on the database; checked in the SQLite run",
    ),
]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PARTICIPANT = "participant.mx@example.org"
# Django's own admin markup, which no template of ours can change without copying Django's.
# Each rule listed here is skipped on /admin/ pages only; see ADMIN_REASONS.
ADMIN_EXCLUDED_RULES: dict[str, str] = {}

RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}
"""


def admin_pages(role: str, programme) -> list[str]:
    """The admin's index, a change list and a change form of a programme-scoped model."""
    if role in ("manager", "superuser"):
        return [
            "/es/admin/",
            "/es/admin/agenda/virtualsession/",
            f"/es/admin/programmes/programme/{programme.pk}/change/",
            "/es/admin/agenda/virtualsession/add/",
        ]
    if role == "anonymous":
        return ["/es/admin/login/"]
    return []


def log_in(page, email: str) -> None:
    page.goto("/en/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{email} could not log in"


def check(page, url: str) -> list[dict] | None:
    response = page.goto(url)
    assert response is not None, url
    if "text/html" not in response.headers.get("content-type", ""):
        return None
    assert response.status == 200, f"{url} answered {response.status}"
    page.evaluate(AXE)
    violations = page.evaluate(RUN_AXE, WCAG_TAGS)
    if "/admin/" in url:
        violations = [v for v in violations if v["id"] not in ADMIN_EXCLUDED_RULES]
    return violations


@pytest.fixture
def checked_page(browser, live_server):
    """The `page` fixture's checks, but for what axe-core itself does: to read the style
    sheets' @import rules it copies them into <style> elements, which the site's
    Content-Security-Policy rightly blocks. Its evaluated code has no script URL; what the
    pages do has theirs."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    outside, blocked = [], []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    page.on(
        "console",
        lambda message: (
            blocked.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text and message.location.get("url")
            else None
        ),
    )
    yield page
    context.close()
    assert outside == [], f"the page asked another host: {outside}"
    assert blocked == [], f"the Content-Security-Policy blocked: {blocked}"


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_meets_wcag_2_2_aa(role, language, checked_page, demo, users):
    page = checked_page
    programme = Programme.objects.get(slug="crm-2021")
    if role != "anonymous":
        account = users[role]
        account.set_password(DEMO_PASSWORD)
        account.save(update_fields=["password"])
        log_in(page, account.email)
    urls = matrix_pages(role, programme) + admin_pages(role, programme)
    seen, report, checked = set(), [], 0
    for url in urls:
        url = in_language(url, language)
        if url in seen:
            continue
        seen.add(url)
        violations = check(page, url)
        if violations is None:
            continue
        checked += 1
        for violation in violations:
            report.append(
                f"{role} {language} {url}: {violation['id']} ({violation['impact']}) "
                f"{violation['help']} — {', '.join(violation['targets'][:6])}"
            )
    assert checked, f"no HTML page checked for {role} in {language}"
    assert report == [], "axe-core found WCAG 2.2 AA violations:\n" + "\n".join(report)


# Everything one can reach with the mouse, except what a radio group's arrow keys reach:
# Tab stops once per group of radio buttons.
INTERACTIVE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[tabindex]:not([tabindex='-1'])"
)
MARK_INTERACTIVE = """
(selector) => {
  const visible = (e) =>
    e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
  const stops = [];
  for (const e of document.querySelectorAll(selector)) {
    if (!visible(e) || e.disabled) continue;
    const key = e.type === "radio" ? `radio:${e.name}` : `el:${stops.length}`;
    e.dataset.stop = key;
    if (!stops.includes(key)) stops.push(key);
  }
  return stops;
}
"""
RING = """
(e) => {
  const s = getComputedStyle(e);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | ");
}
"""
FOCUSED = """
() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  return {
    stop: e.dataset.stop || null,
    tag: e.tagName.toLowerCase(),
    type: e.type || "",
    checked: !!e.checked,
    text: (e.innerText || e.name || e.id || "").trim().slice(0, 60),
    ring: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | "),
  };
}
"""


def tab_through(page, on_focus=None) -> list[dict]:
    """Presses Tab until the focus leaves the page's last stop; returns each focused stop,
    calling `on_focus(page, focused)` on each (to answer a form, for instance)."""
    stops = page.evaluate(MARK_INTERACTIVE, INTERACTIVE)
    assert stops, f"{page.url}: nothing to reach"
    focused_stops = []
    for _ in range(len(stops) + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break
        focused_stops.append(focused)
        if on_focus:
            on_focus(page, focused)
            if page.evaluate("() => document.readyState") != "complete" or not page.evaluate(
                "() => document.activeElement && document.activeElement.dataset.stop !== undefined"
            ):
                break
    reached = {f["stop"] for f in focused_stops}
    missing = [stop for stop in stops if stop not in reached]
    assert missing == [], f"{page.url}: Tab never reaches {missing}"
    return focused_stops


def assert_focus_is_visible(page, focused_stops: list[dict]) -> None:
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    invisible = []
    for focused in focused_stops:
        if focused["stop"] is None:
            continue
        element = page.locator(f'[data-stop="{focused["stop"]}"]').first
        if element.evaluate(RING) == focused["ring"]:
            invisible.append(f"{focused['tag']} {focused['text']!r}")
    assert invisible == [], f"{page.url}: no visible focus on {invisible}"


def test_the_participant_s_page_and_a_test_work_with_the_keyboard_alone(
    checked_page, demo, live_server
):
    from capacita.evaluation.models import Questionnaire, Response

    page = checked_page
    Questionnaire.objects.filter(programme=demo, kind="pre").update(manual_state="open")
    log_in(page, PARTICIPANT)

    page.goto("/en/programmes/crm-2021/me/")
    assert_focus_is_visible(page, tab_through(page))

    def answer(page, focused):
        if focused["tag"] == "input" and focused["type"] in ("radio", "checkbox"):
            if not focused["checked"]:
                page.keyboard.press("Space")
        elif focused["tag"] == "textarea":
            page.keyboard.type("Referral to the employment service.")

    page.goto("/en/programmes/crm-2021/tests/pre/")
    stops = tab_through(page, answer)
    assert_focus_is_visible(page, stops)

    # Back to the submit button with Shift+Tab only, and Enter submits.
    page.keyboard.press("Shift+Tab")
    for _ in range(10):
        if page.evaluate(FOCUSED)["text"] == "Submit my answers":
            break
        page.keyboard.press("Shift+Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "They can no longer be changed" in page.locator("#submitted").inner_text()
    response = Response.objects.get(questionnaire__kind="pre", user__email=PARTICIPANT)
    assert response.is_submitted
