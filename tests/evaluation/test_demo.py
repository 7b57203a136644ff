import pytest

from capacita.development.demo_tests import UNANSWERED, load_demo_tests
from capacita.evaluation.models import Answer, Choice, Question, Questionnaire, Response
from capacita.evaluation.scoring import knowledge_score

pytestmark = pytest.mark.django_db


def test_demo_tests_are_valid(programme):
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    post = Questionnaire.objects.get(programme=programme, kind="post")
    codes = {}
    for questionnaire in (pre, post):
        knowledge = Question.objects.filter(
            section__questionnaire=questionnaire, section__kind="knowledge"
        )
        assert knowledge.count() == 10
        for question in knowledge:
            assert question.kind == "single"
            assert [c.code for c in question.choices.all()] == ["a", "b", "c", "d"]
            assert question.choices.filter(is_correct=True).count() == 1
        codes[questionnaire.kind] = {
            q.code: (q.text_es, q.text_en, [(c.text_es, c.is_correct) for c in q.choices.all()])
            for q in knowledge
        }
        for obj in [questionnaire, *Question.objects.filter(section__questionnaire=questionnaire)]:
            assert obj.text_es if hasattr(obj, "text_es") else obj.title_es
            assert obj.text_en if hasattr(obj, "text_en") else obj.title_en
        assert all(
            c.text_es and c.text_en
            for c in Choice.objects.filter(question__section__questionnaire=questionnaire)
        )
    assert codes["pre"] == codes["post"]
    pre_codes = set(
        Question.objects.filter(section__questionnaire=pre).values_list("code", flat=True)
    )
    post_codes = set(
        Question.objects.filter(section__questionnaire=post).values_list("code", flat=True)
    )
    assert {"E01", "E02", "E03"} <= pre_codes
    assert {"S01", "S02", "S03", "S04", "U01", "U02", "C01"} <= post_codes
    sessions = {s.number: s for s in programme.sessions.all()}
    assert pre.opens_at < sessions[1].starts_at < pre.closes_at
    assert post.opens_at == sessions[3].starts_at and post.closes_at > sessions[3].ends_at


def test_demo_answers(programme):
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    post = Questionnaire.objects.get(programme=programme, kind="post")
    assert pre.responses.count() > 5 and post.responses.count() > 5
    assert not Response.objects.filter(user__email__in=UNANSWERED).exists()
    assert not Response.objects.filter(questionnaire__in=[pre, post], submitted_at=None).exists()
    both = set(pre.responses.values_list("user", flat=True)) & set(
        post.responses.values_list("user", flat=True)
    )
    assert both
    mean = lambda q: sum(knowledge_score(r) for r in q.responses.all()) / q.responses.count()  # noqa: E731
    assert mean(post) > mean(pre)


def test_demo_is_idempotent(programme):
    counts = (Questionnaire.objects.count(), Response.objects.count(), Answer.objects.count())
    load_demo_tests(programme)
    assert counts == (
        Questionnaire.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
    )
