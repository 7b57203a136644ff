"""Every participant-facing page works on a 360-pixel-wide phone and prints cleanly.

The participant's page, the agenda (the programme's public page), the pre-test form and the
certificate's verification page are loaded at 360×740 and at 1280×800, in Spanish and in
English, with a participant, an institution and a speaker whose names hold a 60-odd character
word without a space. A full-page screenshot of each is saved (into the folder named by
CAPACITA_SCREENSHOTS when set, else pytest's tmp_path), and nothing may stick out past the
right edge of the screen: neither the document nor any element nor any text, except inside a
region that scrolls sideways on purpose: a wide table in
`<div class="table-scroll" role="region" aria-label="…" tabindex="0">`.

The print style sheet: with print media the site's navigation, forms and buttons go and the
content stays; the agenda and the certificate page are printed to PDF by Chromium and read
back with pypdf.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import expect
from pypdf import PdfReader

from capacita.accounts.models import User
from capacita.agenda.models import AgendaParticipant, VirtualSession
from capacita.certificates.models import Certificate
from capacita.evaluation.models import Questionnaire
from capacita.nominations.models import Nomination
from tests.certificates.issued import issued_certificate

from .test_attendance_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARTICIPANT = "participant.mx@example.org"
# One word of 66 characters: a compound surname written without spaces or hyphens, which no
# browser may break on its own.
LONG_SURNAME = "FernándezDeLaConcepciónHernándezVillaseñorCastañedaMontemayorRuiz"
LONG_INSTITUTION = "SecretaríaDelTrabajoYPrevisiónSocialServicioNacionalDeEmpleoDelEstado"
VIEWPORTS = [(360, 740), (1280, 800)]
LANGUAGES = ["es", "en"]
# (name, who, path under /<lang>/, a locator of the page's main content)
PAGES = [
    ("agenda", "anonymous", "programmes/crm-2021/", "#session-1"),
    ("me", "participant", "programmes/crm-2021/me/", "#my-session-1"),
    ("pre-test", "participant", "programmes/crm-2021/tests/pre/", "#test-form"),
    ("certificate", "anonymous", "verify/{code}/", "#holder"),
]
# Where each page shows the long word: the header names who is logged in.
LONG_WORD_IN = {
    "agenda": "main .affiliation",
    "me": ".site-header .who",
    "pre-test": ".site-header .who",
    "certificate": "#holder",
}
# The demo programme's page printed on A4 takes 10 pages: three of text, two per session (each
# starts on a fresh page), one for who takes part. Dozens would mean a squeezed table.
AGENDA_MAX_PAGES = 12

# Every element whose box goes past the right edge of the viewport, by a readable selector.
# An element inside a box that scrolls sideways (overflow-x auto or scroll) and that itself
# fits on the screen is where it should be: that box is the accepted pattern for wide tables.
FIND_OVERFLOW = r"""
() => {
  const width = window.innerWidth;
  const scrollsSideways = (box) => {
    const style = getComputedStyle(box);
    const rect = box.getBoundingClientRect();
    if (rect.right > width + 0.5) return false;
    // A labelled region that scrolls sideways (keyboard users reach it: tabindex="0"), or
    // the 1-pixel box of text only for screen readers.
    const labelled = box.getAttribute("role") === "region" && box.tabIndex >= 0
      && (box.hasAttribute("aria-label") || box.hasAttribute("aria-labelledby"));
    return (labelled && ["auto", "scroll"].includes(style.overflowX))
      || (["hidden", "clip"].includes(style.overflowX) && rect.width <= 2);
  };
  const inScroller = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      if (scrollsSideways(box)) return true;
    }
    return false;
  };
  const name = (element) => {
    const parts = [];
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      let part = node.localName;
      if (node.id) { parts.unshift(part + "#" + node.id); break; }
      const classes = [...node.classList].slice(0, 3);
      if (classes.length) part += "." + classes.join(".");
      parts.unshift(part);
      if (parts.length >= 4) break;
    }
    return parts.join(" > ");
  };
  const offenders = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right <= width + 0.5) continue;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || style.display === "none") continue;
    if (inScroller(element)) continue;
    const text = (element.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
    offenders.push(`${name(element)} (right edge ${Math.round(box.right)} px: “${text}”)`);
  }
  // Text can spill out of a box that itself fits: a long word in a narrow cell.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || inScroller(node)) continue;
    range.selectNodeContents(node);
    const right = Math.max(0, ...[...range.getClientRects()].map((box) => box.right));
    if (right <= width + 0.5) continue;
    const element = node.parentElement;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const text = node.textContent.trim().replace(/\s+/g, " ").slice(0, 40);
    offenders.push(`text in ${name(element)} (right edge ${Math.round(right)} px: “${text}”)`);
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    offenders: offenders.slice(0, 15),
  };
}
"""


def screenshot_folder(tmp_path) -> Path:
    folder = Path(os.environ.get("CAPACITA_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def long_names(programme, language) -> Certificate:
    """Give the demo participant, their institution and a speaker unbreakable long names,
    open the pre-test, and issue the participant's certificate in `language`."""
    participant = User.objects.get(email=PARTICIPANT)
    participant.last_name = LONG_SURNAME
    participant.save(update_fields=["last_name"])
    Nomination.objects.filter(programme=programme, email=PARTICIPANT).update(
        last_name=LONG_SURNAME, institution=LONG_INSTITUTION
    )
    part = AgendaParticipant.objects.filter(item__session__programme=programme).first()
    person = part.person
    person.organisation_es = person.organisation_en = LONG_INSTITUTION
    person.save()
    # A pre-test that is open whatever today's date: a closed one shows a line, not its form.
    Questionnaire.objects.filter(programme=programme, kind="pre").update(manual_state="open")
    return issued_certificate(programme, participant, language=language, with_file=True)


@pytest.mark.parametrize(("name", "who", "path", "content"), PAGES, ids=[p[0] for p in PAGES])
def test_the_page_fits_a_phone_and_a_laptop_screen(page, demo, tmp_path, name, who, path, content):
    folder = screenshot_folder(tmp_path)
    certificate = long_names(demo, "es")
    if who == "participant":
        log_in(page, PARTICIPANT)
        expect(page.get_by_role("button", name=re.compile("Log out|Cerrar sesión"))).to_be_visible()
    problems = []
    for language in LANGUAGES:
        page.goto(f"/{language}/" + path.format(code=certificate.formatted_code))
        expect(page.locator(content).first).to_be_visible()
        for width, height in VIEWPORTS:
            page.set_viewport_size({"width": width, "height": height})
            shot = folder / f"{name}-{language}-{width}x{height}.png"
            page.screenshot(path=shot, full_page=True)
            found = page.evaluate(FIND_OVERFLOW)
            where = f"{language} {width}×{height}"
            if found["scrollWidth"] > found["innerWidth"]:
                problems.append(
                    f"{where}: the page is {found['scrollWidth']} px wide, "
                    f"the screen {found['innerWidth']} px"
                )
            problems += [f"{where}: {offender}" for offender in found["offenders"]]
        # The long word wrapped inside the phone's screen rather than overflowing it.
        page.set_viewport_size({"width": 360, "height": 740})
        word = LONG_INSTITUTION if name == "agenda" else LONG_SURNAME
        holder = page.locator(LONG_WORD_IN[name], has_text=word[:30]).first
        box = holder.bounding_box()
        assert box is not None, f"{LONG_WORD_IN[name]} shows no {word[:30]}… ({language})"
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
        assert box["height"] > 30, f"{LONG_WORD_IN[name]} did not wrap onto several lines: {box}"
        assert holder.evaluate("e => getComputedStyle(e).overflowWrap") == "anywhere"
    assert problems == [], f"{name} overflows:\n" + "\n".join(problems)


def print_to_pdf(page, folder: Path, name: str) -> tuple[PdfReader, str]:
    """The page printed by Chromium on A4 (the style sheet's @page), and its text."""
    data = page.pdf(prefer_css_page_size=True)
    (folder / f"{name}.pdf").write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join((sheet.extract_text() or "").split()) for sheet in reader.pages)
    # A4 is 595 × 842 points.
    size = reader.pages[0].mediabox
    assert (round(float(size.width)), round(float(size.height))) == (595, 842), size
    return reader, text


def assert_prints_without_the_site_around(page) -> list[str]:
    """Switch to print media; what the header and footer say, which the paper must not."""
    chrome = [
        page.locator(".site-header nav").first.inner_text(),
        page.locator(".site-footer").inner_text(),
    ]
    page.emulate_media(media="print")
    expect(page.locator("main h1")).to_be_visible()
    for hidden in [".site-header", ".site-footer", "main form", "main .button", "button"]:
        for element in page.locator(hidden).all():
            expect(element, f"{hidden} is printed").to_be_hidden()
    ink, paper = page.evaluate(
        "[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
    )
    assert (ink, paper) == ("rgb(0, 0, 0)", "rgb(255, 255, 255)")
    return [" ".join(line.split()) for text in chrome for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_agenda_and_the_certificate_page_print_cleanly_on_a4(page, demo, tmp_path, language):
    folder = screenshot_folder(tmp_path)
    certificate = long_names(demo, language)

    page.goto(f"/{language}/programmes/crm-2021/")
    around = assert_prints_without_the_site_around(page)
    expect(page.locator("#session-1")).to_be_visible()
    reader, text = print_to_pdf(page, folder, f"agenda-{language}")
    with translation.override(language):
        titles = [session.title for session in VirtualSession.objects.filter(programme=demo)]
    assert titles
    for title in titles:
        assert " ".join(title.split()) in text, f"{title!r} is not in the printed agenda"
    assert [line for line in around if line in text] == [], "the header or footer was printed"
    assert 1 <= len(reader.pages) <= AGENDA_MAX_PAGES, len(reader.pages)

    page.emulate_media(media="screen")
    page.goto(f"/{language}/verify/{certificate.formatted_code}/")
    around = assert_prints_without_the_site_around(page)
    expect(page.locator("#holder")).to_be_visible()
    reader, text = print_to_pdf(page, folder, f"certificate-{language}")
    assert len(reader.pages) == 1, len(reader.pages)
    assert [line for line in around if line in text] == [], "the header or footer was printed"
    squeezed = "".join(text.split())  # the long surname is broken across lines
    assert LONG_SURNAME in squeezed, text
    assert certificate.formatted_code in squeezed, text
    # The page's own address is printed, so whoever holds the paper can check it again.
    assert f"/{language}/verify/{certificate.formatted_code}/" in squeezed, text
