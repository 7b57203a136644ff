"""Whatever a test's review options say, the right answer to a question — and whether an
answer to it was right — is never shown to a participant while a later test of the same
programme that asks the same question has not closed (`review.withheld_questions`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from capacita.evaluation import services
from capacita.evaluation.models import Choice, Question, Questionnaire
from capacita.evaluation.review import participant_review, withheld_questions

from .conftest import full_answers

pytestmark = pytest.mark.django_db

PRE_PAGE = "/en/programmes/crm-2021/tests/pre/"


@pytest.fixture
def tests(programme, users):
    """The pre-test showing everything after submitting and after closing, one extra
    knowledge question of its own (K99), submitted by the participant; the post-test (which
    asks K01–K10 again) not open yet."""
    now = timezone.now()
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    pre.opens_at, pre.closes_at = now - dt.timedelta(hours=1), now + dt.timedelta(hours=1)
    pre.review_after_submit, pre.review_after_close = "marks", "key"
    pre.save()
    section = pre.sections.get(kind="knowledge")
    own = Question.objects.create(
        section=section,
        position=99,
        code="K99",
        kind="single",
        text_es="¿Una pregunta solo de la prueba de entrada?",
        text_en="A question of the pre-test only?",
    )
    Choice.objects.create(question=own, code="a", text_es="Sí", text_en="Yes", is_correct=True)
    Choice.objects.create(question=own, code="b", text_es="No", text_en="No")
    post = Questionnaire.objects.get(programme=programme, kind="post")
    post.opens_at, post.closes_at = now + dt.timedelta(days=1), now + dt.timedelta(days=2)
    post.save()
    services.save_answers(pre, users["participant"], full_answers(pre, correct=False), True)
    pre.closes_at = now - dt.timedelta(minutes=1)
    pre.save()
    return pre, post


def block(page: str, code: str) -> str:
    """The answer to question `code` on a page of answers."""
    start = page.index(f"<dt>{code}. ")
    return page[start : page.index("</dd>", start)]


def test_a_question_the_post_test_asks_again_shows_no_key_while_it_is_not_open(client_as, tests):
    page = client_as("participant").get(PRE_PAGE).content.decode()
    assert 'id="score"' in page
    assert "correct" not in block(page, "K01") and "Right answer" not in block(page, "K01")
    # The question the post-test does not ask is marked and keyed, as the options say.
    assert "— not correct" in block(page, "K99")
    assert "Right answer: a) Yes" in block(page, "K99")
    assert 'id="withheld"' in page


@pytest.mark.parametrize("state", ["open by its dates", "opened by hand"])
def test_the_key_stays_hidden_while_the_post_test_is_open(client_as, tests, state):
    _pre, post = tests
    if state == "opened by hand":
        post.manual_state = Questionnaire.ManualState.OPEN
    else:
        post.opens_at = timezone.now() - dt.timedelta(hours=1)
    post.save()
    page = client_as("participant").get(PRE_PAGE).content.decode()
    assert "correct" not in block(page, "K05") and "Right answer" not in block(page, "K05")


def test_the_key_is_shown_once_the_post_test_has_closed(client_as, tests):
    _pre, post = tests
    post.manual_state = Questionnaire.ManualState.CLOSED
    post.save()
    page = client_as("participant").get(PRE_PAGE).content.decode()
    assert "— not correct" in block(page, "K01") and "Right answer: " in block(page, "K01")
    assert 'id="withheld"' not in page


def test_the_same_text_under_another_code_is_the_same_question(tests):
    pre, post = tests
    k99 = Question.objects.get(section__questionnaire=pre, code="K99")
    assert k99.pk not in withheld_questions(pre)
    Question.objects.create(
        section=post.sections.get(kind="knowledge"),
        position=50,
        code="P50",
        kind="single",
        text_es="Otra redacción",
        text_en="  a question of the PRE-TEST only? ",
    )
    assert k99.pk in withheld_questions(pre)


def test_the_last_test_withholds_nothing(tests):
    _pre, post = tests
    assert withheld_questions(post) == set()


def test_the_rule_holds_whatever_the_options(tests):
    pre, _post = tests
    review = participant_review(pre)
    assert review.key and review.marks
    k01 = Question.objects.get(section__questionnaire=pre, code="K01")
    assert not review.shows_key(k01) and not review.shows_marks(k01)


def test_managers_still_read_whether_each_answer_was_right(client_as, tests, users):
    pre, _post = tests
    page = (
        client_as("manager")
        .get(
            reverse(
                "evaluation:response",
                kwargs={
                    "slug": pre.programme.slug,
                    "kind": "pre",
                    "user_id": users["participant"].pk,
                },
            )
        )
        .content.decode()
    )
    assert "— not correct" in block(page, "K01") and "Right answer: " in block(page, "K01")


def test_the_personal_data_download_gives_no_key(client_as, tests):
    """The participant's own data (me/data.json) holds their answers but not whether they
    were right: nothing there can give a later test's key away."""
    data = client_as("participant").get("/en/programmes/crm-2021/me/data.json").json()
    [pre] = [test for test in data["tests"] if test["kind"] == "pre"]
    assert any(answer["question"] == "K01" for answer in pre["answers"])
    for test in data["tests"]:
        assert not [key for key in test if "correct" in key or "score" in key]
        for answer in test["answers"]:
            assert set(answer) == {"question", "choices", "scale", "text"}
