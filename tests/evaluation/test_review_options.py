"""Each test's review options, as a Moodle quiz has them: what a participant sees of their
submitted test after submitting and once the test has closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from capacita.evaluation import services
from capacita.evaluation.models import Choice, Question, Questionnaire, Section
from capacita.programmes.models import Programme
from tests.other_programme import another_programme

from .conftest import full_answers

pytestmark = pytest.mark.django_db


def url(programme, kind):
    return reverse("evaluation:answer", kwargs={"slug": programme.slug, "kind": kind})


def opened(programme, kind, **review) -> Questionnaire:
    questionnaire = Questionnaire.objects.get(programme=programme, kind=kind)
    now = timezone.now()
    questionnaire.opens_at = now - dt.timedelta(hours=1)
    questionnaire.closes_at = now + dt.timedelta(hours=1)
    for name, value in review.items():
        setattr(questionnaire, name, value)
    questionnaire.save()
    return questionnaire


def submitted_page(client_as, users, questionnaire, correct=True) -> str:
    services.save_answers(
        questionnaire, users["participant"], full_answers(questionnaire, correct), True
    )
    return client_as("participant").get(url(questionnaire.programme, questionnaire.kind)).content


def close(questionnaire):
    questionnaire.closes_at = timezone.now() - dt.timedelta(minutes=1)
    questionnaire.save()


def test_the_demo_pre_test_shows_the_score_only_after_submitting(client_as, programme, users):
    pre = opened(programme, "pre")
    assert (pre.review_after_submit, pre.review_after_close) == ("score", "score")
    page = submitted_page(client_as, users, pre).decode()
    assert 'id="score"' in page and "Your knowledge score: 100 %" in page
    assert "— correct" not in page and "not correct" not in page
    assert "Right answer" not in page
    close(pre)
    page = client_as("participant").get(url(programme, "pre")).content.decode()
    assert 'id="score"' in page and "— correct" not in page and "Right answer" not in page


def test_the_demo_post_test_shows_the_right_answers_once_it_closes(client_as, programme, users):
    post = opened(programme, "post")
    assert (post.review_after_submit, post.review_after_close) == ("score", "key")
    page = submitted_page(client_as, users, post, correct=False).decode()
    assert "Your knowledge score: 0 %" in page and "Right answer" not in page
    assert "not correct" not in page
    close(post)
    page = client_as("participant").get(url(programme, "post")).content.decode()
    k01 = Question.objects.get(section__questionnaire=post, code="K01")
    right = k01.choices.get(is_correct=True)
    assert f"Right answer: {right.code}) {right.text}" in page
    assert "— not correct" in page


def test_nothing_shows_the_answers_without_score_or_marks(client_as, programme, users):
    post = opened(programme, "post", review_after_submit="nothing")
    page = submitted_page(client_as, users, post).decode()
    assert 'id="submitted"' in page
    assert 'id="score"' not in page and "— correct" not in page
    k01 = Question.objects.get(section__questionnaire=post, code="K01")
    right = k01.choices.get(is_correct=True)
    assert f"{right.code}) {right.text}" in page  # their own answer, unmarked


def test_marks_show_which_answers_were_right_but_not_the_right_answers(client_as, programme, users):
    post = opened(programme, "post", review_after_submit="marks")
    page = submitted_page(client_as, users, post, correct=False).decode()
    assert 'id="score"' in page and "— not correct" in page
    assert "Right answer" not in page


def test_the_own_page_hides_the_score_when_the_test_shows_none(client_as, programme, users):
    pre = opened(programme, "pre", review_after_submit="nothing", review_after_close="nothing")
    services.save_answers(pre, users["participant"], full_answers(pre), True)
    content = client_as("participant").get("/en/programmes/crm-2021/me/").content.decode()
    line = content[content.index('id="my-test-pre"') :].split("</li>")[0]
    assert "answered" in line and "%" not in line


def test_after_closing_shows_at_least_what_submitting_showed():
    questionnaire = Questionnaire(
        programme=Programme(slug="x"),
        kind="pre",
        title_es="Prueba",
        title_en="Test",
        review_after_submit="marks",
        review_after_close="score",
    )
    with pytest.raises(ValidationError) as refused:
        questionnaire.clean()
    assert "review_after_close" in refused.value.message_dict


def test_the_admin_sets_the_review_options(client_as, programme):
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    page = client_as("superuser").get(
        reverse("admin:evaluation_questionnaire_change", args=[pre.pk])
    )
    content = page.content.decode()
    assert 'name="review_after_submit"' in content and 'name="review_after_close"' in content
    assert "What participants see of their submitted test" in content
    assert "their answers, their score and which answers were right" in content


def test_a_copied_test_keeps_its_review_options(programme, users):
    post = Questionnaire.objects.get(programme=programme, kind="post")
    post.review_after_submit = "marks"
    post.save()
    other = another_programme("copy-target")
    copy = services.copy_questionnaire(post, other)
    assert (copy.review_after_submit, copy.review_after_close) == ("marks", "key")


def test_only_knowledge_questions_are_ever_marked(client_as, programme, users):
    post = opened(programme, "post", review_after_submit="marks", review_after_close="key")
    section = Section.objects.create(
        questionnaire=post, position=9, kind="satisfaction", title_es="Otra", title_en="Other"
    )
    question = Question.objects.create(
        section=section, position=1, code="X01", kind="single", text_es="¿Sí?", text_en="Yes?"
    )
    Choice.objects.create(question=question, code="a", text_es="Sí", text_en="Yes", is_correct=True)
    Choice.objects.create(question=question, code="b", text_es="No", text_en="No")
    page = submitted_page(client_as, users, post).decode()
    after = page[page.index("X01. Yes?") :]
    assert "correct" not in after.split("</dd>")[0]
