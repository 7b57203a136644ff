"""The pre-test and post-test edited in the console: windows in the programme's zone, review
options, sections, questions and their right answers; what people answered stays; the
pre-test's knowledge questions copied into an empty post-test."""

from __future__ import annotations

import datetime as dt

from capacita.audit.models import AuditEvent
from capacita.evaluation.models import Choice, Question, Questionnaire, Response, Section
from capacita.evaluation.services import copy_knowledge

BASE = "/en/programmes/crm-2021/manage"


def form_data(client, url, skip=()) -> dict:
    form = client.get(url).context["form"]
    return {
        name: ("" if form[name].value() is None else form[name].value())
        for name in form.fields
        if name not in skip
    }


def test_a_window_typed_in_the_programmes_zone_and_review_options(client_as, programme):
    client = client_as("manager")
    post = Questionnaire.objects.get(programme=programme, kind="post")
    url = f"{BASE}/tests/{post.pk}/"
    data = form_data(client, url)
    data.update(
        opens_at="2021-10-29T14:00",
        closes_at="2021-11-05T23:59",
        review_after_submit="nothing",
        review_after_close="marks",
    )
    assert client.post(url, data).status_code == 302
    post.refresh_from_db()
    # 14:00 in Mexico City (summer time, UTC−5, until 31 October 2021) is 19:00 UTC.
    assert post.opens_at == dt.datetime(2021, 10, 29, 19, 0, tzinfo=dt.UTC)
    assert post.review_after_close == "marks"
    # Less after closing than after submitting is refused, nothing saved.
    data.update(review_after_submit="marks", review_after_close="score")
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "at least what they saw" in refused.content.decode()
    post.refresh_from_db()
    assert post.review_after_submit == "nothing"


def test_tests_are_neither_added_nor_removed(client_as, programme):
    client = client_as("manager")
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    assert client.get(f"{BASE}/tests/").context["form"] is None
    assert client.get(f"{BASE}/tests/{pre.pk}/remove/").status_code == 404


def test_a_question_with_its_choices_and_one_right_answer(client_as, programme):
    client = client_as("manager")
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    section = Section.objects.filter(questionnaire=pre, kind="knowledge").first()
    response = client.post(
        f"{BASE}/test-sections/{section.pk}/test-questions/",
        {"code": "K99", "kind": "single", "text_es": "¿Pregunta?", "text_en": "Question?"},
    )
    assert response.status_code == 302
    question = Question.objects.get(section=section, code="K99")
    # The list says it has no right answer yet.
    listed = client.get(f"{BASE}/test-sections/{section.pk}/test-questions/").content.decode()
    assert "no right answer yet" in listed
    choices = f"{BASE}/test-questions/{question.pk}/test-choices/"
    for code, right in (("a", "on"), ("b", "")):
        data = {"code": code, "text_es": f"Opción {code}", "text_en": f"Option {code}"}
        if right:
            data["is_correct"] = right
        assert client.post(choices, data).status_code == 302
    # A second right answer to a single-choice question is refused.
    second = client.post(choices, {"code": "c", "text_es": "C", "text_en": "C", "is_correct": "on"})
    assert second.status_code == 400
    assert "one right answer, a already" in second.content.decode()
    assert question.correct_codes() == {"a"}
    # The same code twice in a question is told beside it.
    again = client.post(choices, {"code": "a", "text_es": "Otra", "text_en": "Other"})
    assert again.status_code == 400
    assert Choice.objects.filter(question=question).count() == 2


def test_a_knowledge_question_must_be_scored(client_as, programme):
    client = client_as("manager")
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    section = Section.objects.filter(questionnaire=pre, kind="knowledge").first()
    response = client.post(
        f"{BASE}/test-sections/{section.pk}/test-questions/",
        {"code": "K98", "kind": "text", "text_es": "¿Libre?", "text_en": "Free?"},
    )
    assert response.status_code == 400
    assert "A knowledge question is scored" in response.content.decode()
    assert not Question.objects.filter(code="K98").exists()


def test_what_people_answered_stays(client_as, programme):
    client = client_as("manager")
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    answered = Question.objects.filter(section__questionnaire=pre, answers__isnull=False).first()
    assert answered is not None
    page = client.get(f"{BASE}/test-questions/{answered.pk}/remove/")
    assert "People have answered this question" in page.content.decode()
    assert client.post(f"{BASE}/test-questions/{answered.pk}/remove/").status_code == 400
    assert Question.objects.filter(pk=answered.pk).exists()


def test_the_knowledge_questions_copied_into_an_empty_post_test(client_as, programme, users):
    client = client_as("manager")
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    post = Questionnaire.objects.get(programme=programme, kind="post")
    # The demo's post-test has answers: nothing is copied.
    refused = client.post(f"{BASE}/tests/copy-knowledge/", follow=True)
    assert "has answers already" in refused.content.decode()
    Response.objects.filter(questionnaire=post).delete()
    Section.objects.filter(questionnaire=post, kind="knowledge").delete()
    knowledge = Question.objects.filter(section__questionnaire=pre, section__kind="knowledge")
    before = AuditEvent.objects.filter(action=AuditEvent.Action.PROGRAMME_EDITED).count()
    page = client.post(f"{BASE}/tests/copy-knowledge/", follow=True)
    assert f"{knowledge.count()} knowledge questions copied" in page.content.decode()
    copied = Question.objects.filter(section__questionnaire=post, section__kind="knowledge")
    assert sorted(copied.values_list("code", flat=True)) == sorted(
        knowledge.values_list("code", flat=True)
    )
    for question in copied:
        original = knowledge.get(code=question.code)
        assert question.correct_codes() == original.correct_codes()
        assert question.text_en == original.text_en
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.PROGRAMME_EDITED).count() == before + 1
    )
    # Again: nothing more to copy.
    again = client.post(f"{BASE}/tests/copy-knowledge/", follow=True)
    assert "already asks every knowledge question" in again.content.decode()
    assert copied.count() == knowledge.count()


def test_the_copy_is_offered_on_the_post_tests_page_only(client_as, programme):
    client = client_as("manager")
    tests = {q.kind: q for q in Questionnaire.objects.filter(programme=programme)}
    assert "copy-knowledge" in client.get(f"{BASE}/tests/{tests['post'].pk}/").content.decode()
    assert "copy-knowledge" not in client.get(f"{BASE}/tests/{tests['pre'].pk}/").content.decode()


def test_the_copy_needs_both_tests(programme, users):
    import pytest

    from capacita.evaluation.services import EvaluationError

    Questionnaire.objects.filter(programme=programme, kind="post").delete()
    with pytest.raises(EvaluationError):
        copy_knowledge(programme, users["manager"])
