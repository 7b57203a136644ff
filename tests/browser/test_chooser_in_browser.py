"""The choice among one's programmes in a browser: reached by logging in, it fits a
360-pixel-wide phone and meets WCAG 2.2 AA, in Spanish and in English. (The access matrix's
sweeps reach the page only without programmes: a second programme there would change every
other page they check.)"""

from __future__ import annotations

import pytest
from django.conf import settings

from capacita.certificates.kept import refresh
from capacita.development.demo import DEMO_PASSWORD
from capacita.programmes.models import Membership, Role

from ..other_programme import another_programme
from .test_accessibility import AXE, RUN_AXE, WCAG_TAGS, log_in
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


def test_the_chooser_fits_a_phone_and_meets_wcag(page, demo, users):  # noqa: F811
    participant = users["participant"]
    participant.set_password(DEMO_PASSWORD)
    participant.save(update_fields=["password"])
    other = another_programme("otro-2031")
    Membership.objects.create(programme=other, user=participant, role=Role.PARTICIPANT)
    Membership.objects.create(programme=other, user=participant, role=Role.FACILITATOR)
    refresh(other, [participant.pk])
    page.set_viewport_size(PHONE)

    log_in(page, participant.email)

    assert page.url.endswith("/es/home/")
    for language in ("es", "en"):
        response = page.goto(f"/{language}/home/")
        assert response is not None and response.status == 200
        assert page.locator("#my-programmes > li").count() == 2
        found = page.evaluate(FIND_OVERFLOW)
        assert found["scrollWidth"] <= PHONE["width"] and not found["offenders"], found
        page.evaluate(AXE)
        assert page.evaluate(RUN_AXE, WCAG_TAGS) == [], language
