import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from capacita.evaluation.models import Questionnaire


@pytest.fixture
def pre(programme):
    """The demo's pre-test, opened around now."""
    questionnaire = Questionnaire.objects.get(programme=programme, kind="pre")
    now = timezone.now()
    questionnaire.opens_at = now - dt.timedelta(hours=1)
    questionnaire.closes_at = now + dt.timedelta(hours=1)
    questionnaire.save()
    return questionnaire


@pytest.fixture
def other_participant(users):
    return get_user_model().objects.get(email="participant.do@example.org")


def full_answers(questionnaire, correct=True) -> dict:
    """An answer to every question: the correct option (or a wrong one), 4, some text."""
    data = {}
    for section in questionnaire.sections.all():
        for question in section.questions.all():
            if question.kind == "scale":
                data[question.code] = "4"
            elif question.kind == "text":
                data[question.code] = "Texto"
            else:
                choices = list(question.choices.all())
                pick = [c for c in choices if c.is_correct == correct][0]
                data[question.code] = pick.code
    return data


@pytest.fixture(autouse=True)
def _english():
    """The messages these tests read are the English ones, whatever ran before them."""
    from django.utils import translation

    with translation.override("en"):
        yield
