"""A test a manager opened by hand (`manual_state` "open", whatever its dates) is open now
and until a manager closes it: its page says so, not the date its window ended."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from capacita.evaluation.models import Questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def reopened(programme):
    """The pre-test, its window over, opened again by hand."""
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    pre.opens_at = timezone.now() - dt.timedelta(days=10)
    pre.closes_at = timezone.now() - dt.timedelta(days=3)
    pre.manual_state = Questionnaire.ManualState.OPEN
    pre.save()
    return pre


def test_a_test_opened_by_hand_is_open_until_a_manager_closes_it(client_as, reopened):
    page = client_as("participant").get("/en/programmes/crm-2021/tests/pre/").content.decode()
    assert 'id="test-form"' in page
    assert "Open now, until a manager of the programme closes it." in page
    assert "Open until" not in page and "come back before then" not in page


def test_in_spanish_too(client_as, reopened):
    page = client_as("participant").get("/es/programmes/crm-2021/tests/pre/").content.decode()
    assert "Abierta ahora, hasta que quien gestiona el programa la cierre." in page


def test_a_test_open_by_its_dates_still_says_until_when(client_as, reopened):
    reopened.manual_state = Questionnaire.ManualState.AUTO
    reopened.closes_at = timezone.now() + dt.timedelta(days=1)
    reopened.save()
    page = client_as("participant").get("/en/programmes/crm-2021/tests/pre/").content.decode()
    assert "Open until " in page and "until a manager" not in page
