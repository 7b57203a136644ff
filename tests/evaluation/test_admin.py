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


def test_a_test_added_without_dates_opens_around_its_session(client_as, programme):
    from capacita.evaluation.services import default_window

    Questionnaire.objects.filter(programme=programme, kind="post").delete()
    page = client_as("superuser").post(
        reverse("admin:evaluation_questionnaire_add"),
        {
            "programme": programme.pk,
            "kind": "post",
            "title_es": "Evaluación posterior",
            "title_en": "Post-test",
            "intro_es": "",
            "intro_en": "",
            "manual_state": "auto",
            "review_after_submit": "score",
            "review_after_close": "key",
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
            "sections-MIN_NUM_FORMS": "0",
            "sections-MAX_NUM_FORMS": "1000",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    added = Questionnaire.objects.get(programme=programme, kind="post")
    assert (added.opens_at, added.closes_at) == default_window(programme, "post")
    assert added.opens_at is not None
