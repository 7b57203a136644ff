"""On a laptop's screen (1280×800) no word of a table is broken in the middle, on any page a
manager or a focal point reaches: a table too wide for its box scrolls sideways
(`.table-scroll`) rather than squeezing its columns below their words, which the phone-width
rule `overflow-wrap: anywhere` would otherwise allow ("Méxi/co")."""

from __future__ import annotations

import pytest
from django.conf import settings

from capacita.development.demo import DEMO_PASSWORD
from capacita.programmes.models import Programme

from ..pages import is_download, matrix_pages
from .test_accessibility import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" in settings.DATABASES["default"]["ENGINE"],
        reason="the layout does not depend on the database; checked in the SQLite run",
    ),
]

# Every word of two letters or more in a table cell that the browser laid out on more than
# one line, among those shown. Words with a hyphen, a slash or an underscore may break there,
# and are left out.
BROKEN_WORDS = r"""
() => {
  const broken = [];
  for (const cell of document.querySelectorAll("main td, main th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // What a closed <details> holds is not shown, whatever its laid-out shape.
      if (!node.parentElement.checkVisibility()) continue;
      for (const match of node.textContent.matchAll(/\S+/g)) {
        const word = match[0];
        if (word.length < 2 || /[-\/_—–]/.test(word)) continue;
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + word.length);
        const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        if (lines.size > 1) broken.push(word);
      }
    }
  }
  return broken;
}
"""


@pytest.mark.parametrize("role", ["manager", "focal_point"])
def test_no_word_of_a_table_is_broken_on_a_laptop_screen(role, page, demo, users):
    programme = Programme.objects.get(slug="crm-2021")
    account = users[role]
    account.set_password(DEMO_PASSWORD)
    account.save(update_fields=["password"])
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, account.email)
    report, checked = [], 0
    for url in dict.fromkeys(matrix_pages(role, programme)):
        if is_download(url):
            continue
        response = page.goto(url)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        checked += 1
        broken = page.evaluate(BROKEN_WORDS)
        if broken:
            report.append(f"{url}: {', '.join(sorted(set(broken))[:8])}")
    assert checked > 10
    assert report == [], "words broken in the middle:\n" + "\n".join(report)
