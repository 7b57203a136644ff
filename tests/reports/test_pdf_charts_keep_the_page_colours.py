"""Every chart of the reports' PDFs is drawn in the page's colours and patterns: WeasyPrint
styles an inline SVG only from a style inside it, and the charts once printed solid black."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders

from capacita.programmes.models import Membership, Role
from tests.progress.conftest import attend

from .pdfs import downloaded, hex_colour, page_images, pixels_of

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


def page_colour(selector: str, prop: str) -> tuple[int, int, int]:
    """The colour the page's style sheet gives `selector`'s `prop`."""
    with open(finders.find("capacita/capacita.css"), encoding="utf-8") as file:
        css = re.sub(r"/\*.*?\*/", "", file.read(), flags=re.S)
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if selector in (s.strip() for s in selectors.split(",")):
            found = re.search(rf"(?:^|;)\s*{prop}\s*:\s*(#[0-9a-fA-F]{{3,6}})", body)
            if found:
                return hex_colour(found[1])
    raise AssertionError(f"the page gives {selector} no {prop}")


@pytest.fixture
def every_attendance_state(programme):
    """Mexico's session 1: one participant attended, one excused, one absent, the rest not
    yet recorded, so that each of the chart's four series has a bar."""
    people = [
        get_user_model().objects.get(pk=pk)
        for pk in Membership.objects.filter(
            programme=programme, role=Role.PARTICIPANT, country__code="MX"
        )
        .order_by("pk")
        .values_list("user_id", flat=True)[:3]
    ]
    for person, status in zip(people, ("present", "excused", "absent"), strict=True):
        attend(programme, person, 1, status=status)


# The attendance chart's series and their classes (capacita/reports/charts.py).
ATTENDANCE_SERIES = {
    "attended": ".chart .p5",
    "excused": ".chart .p4",
    "not yet recorded": ".chart .p3",
    "absent": ".chart .p1",
}


@pytest.mark.parametrize("path", ["/reports/MX.pdf", "/balance.pdf"])
def test_the_attendance_chart_prints_each_series_in_its_page_colour(
    client_as, every_attendance_state, path
):
    images = page_images(downloaded(client_as("manager"), path))

    counts = {
        series: pixels_of(images, page_colour(selector, "fill"))
        for series, selector in ATTENDANCE_SERIES.items()
    }

    # Each series shows its colour in the legend's swatch and in the bar of session 1 (the
    # swatch alone is some 450 pixels at this scale; a seventh of a bar some 2,500).
    assert all(count > 1500 for count in counts.values()), counts


def test_the_balance_chart_prints_before_hatched_and_after_solid_as_on_the_page(client_as):
    images = page_images(downloaded(client_as("manager"), "/balance.pdf"))

    after = pixels_of(images, page_colour(".chart .bar.after", "fill"))
    hatch_ground = pixels_of(images, page_colour(".chart .hatch-ground", "fill"))
    hatch_lines = pixels_of(images, page_colour(".chart .hatch", "stroke"), tolerance=12)

    # The demo's pre-test and post-test give two countries a pair of bars each.
    assert after > 3000
    assert hatch_ground > 1500
    assert hatch_lines > 500
