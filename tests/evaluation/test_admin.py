import pytest
from django.urls import reverse

from capacita.evaluation.models import Question, Questionnaire

pytestmark = pytest.mark.django_db


def test_superuser_builds_tests_in_the_admin(client_as, programme):
    client = client_as("superuser")
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    question = Question.objects.get(section__questionnaire=pre, code="K01")
    for url in (
        reverse("admin:evaluation_questionnaire_changelist"),
        reverse("admin:evaluation_questionnaire_change", args=[pre.pk]),
        reverse("admin:evaluation_question_changelist"),
        reverse("admin:evaluation_question_change", args=[question.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("admin:evaluation_question_change", args=[question.pk]))
    assert 'name="text_es"' in page.content.decode() and 'name="choices-0-is_correct"' in (
        page.content.decode()
    )
