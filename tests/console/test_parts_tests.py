"""The pre-test and post-test edited in the console: windows in the programme's zone, review
options, sections, questions and their right answers; what people answered stays; the
pre-test's knowledge questions copied into an empty post-test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from capacita.audit.models import AuditEvent
from capacita.certificates.kept import refresh
from capacita.evaluation.models import Answer, Choice, Question, Questionnaire, Response, Section
from capacita.evaluation.report import evaluation_report
from capacita.evaluation.scoring import knowledge_score
from capacita.evaluation.services import EvaluationError, copy_knowledge
from capacita.programmes.models import Membership, Role

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
    refresh(programme)
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


def test_the_copy_is_offered_on_an_unanswered_post_tests_page_only(client_as, programme):
    client = client_as("manager")
    tests = {q.kind: q for q in Questionnaire.objects.filter(programme=programme)}
    answered = client.get(f"{BASE}/tests/{tests['post'].pk}/").content.decode()
    assert "copy-knowledge" not in answered
    assert "has answers already" in answered
    Response.objects.filter(questionnaire=tests["post"]).delete()
    refresh(programme)
    assert "copy-knowledge" in client.get(f"{BASE}/tests/{tests['post'].pk}/").content.decode()
    assert "copy-knowledge" not in client.get(f"{BASE}/tests/{tests['pre'].pk}/").content.decode()


def test_the_copy_needs_both_tests(programme, users):
    Questionnaire.objects.filter(programme=programme, kind="post").delete()
    refresh(programme)
    with pytest.raises(EvaluationError):
        copy_knowledge(programme, users["manager"])


def edits(programme, part):
    return AuditEvent.objects.filter(
        programme=programme, action=AuditEvent.Action.PROGRAMME_EDITED, details__part=part
    )


@pytest.mark.parametrize("language", ["es", "en"])
def test_each_part_lists_and_edits_in_both_languages(client_as, programme, language):
    client = client_as("manager")
    base = f"/{language}/programmes/crm-2021/manage"
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    section = pre.sections.get(kind="knowledge")
    question = section.questions.get(code="K02")
    choice = question.choices.get(code="a")
    named = {
        "es": ("Evaluación previa", "Conocimientos", question.text_es, choice.text_es),
        "en": ("Pre-test", "Knowledge", question.text_en, choice.text_en),
    }[language]
    lists = (
        f"{base}/tests/",
        f"{base}/tests/{pre.pk}/test-sections/",
        f"{base}/test-sections/{section.pk}/test-questions/",
        f"{base}/test-questions/{question.pk}/test-choices/",
    )
    for url, name in zip(lists, named, strict=True):
        page = client.get(url)
        assert page.status_code == 200, url
        assert name in page.content.decode(), url
    items = (
        ("tests", pre, f"{base}/tests/{pre.pk}/", "title"),
        ("test-sections", section, f"{base}/test-sections/{section.pk}/", "title"),
        ("test-questions", question, f"{base}/test-questions/{question.pk}/", "text"),
        ("test-choices", choice, f"{base}/test-choices/{choice.pk}/", "text"),
    )
    for key, item, url, stem in items:
        page = client.get(url)
        # Both languages side by side, whatever the page's.
        assert getattr(item, f"{stem}_es") in page.content.decode()
        assert getattr(item, f"{stem}_en") in page.content.decode()
        data = form_data(client, url)
        data[f"{stem}_es"] = f"Cambiado {key}"
        data[f"{stem}_en"] = f"Changed {key}"
        assert client.post(url, data).status_code == 302, key
        item.refresh_from_db()
        assert (getattr(item, f"{stem}_es"), getattr(item, f"{stem}_en")) == (
            f"Cambiado {key}",
            f"Changed {key}",
        )
        record = edits(programme, key).last()
        assert record is not None and record.details["change"] == "changed", key
        assert f"{stem}_es" in record.details["fields"]


def test_a_choice_made_right_then_wrong_scores_follow(client_as, programme):
    client = client_as("manager")
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    question = Question.objects.get(section__questionnaire=pre, code="K02")
    right, other = question.choices.get(code="b"), question.choices.get(code="a")
    # Someone who chose "a" and someone who chose "b".
    by_choice = {
        code: Answer.objects.filter(question=question, choice_codes=[code]).first().response
        for code in ("a", "b")
    }
    scores = {code: knowledge_score(response) for code, response in by_choice.items()}
    before = edits(programme, "test-choices").count()
    # A second right answer first is refused: the question is single choice.
    data = form_data(client, f"{BASE}/test-choices/{other.pk}/")
    data["is_correct"] = "on"
    assert client.post(f"{BASE}/test-choices/{other.pk}/", data).status_code == 400
    # "b" made wrong, then "a" made right.
    data = form_data(client, f"{BASE}/test-choices/{right.pk}/")
    del data["is_correct"]
    assert client.post(f"{BASE}/test-choices/{right.pk}/", data).status_code == 302
    data = form_data(client, f"{BASE}/test-choices/{other.pk}/")
    data["is_correct"] = "on"
    assert client.post(f"{BASE}/test-choices/{other.pk}/", data).status_code == 302
    assert question.correct_codes() == {"a"}
    assert edits(programme, "test-choices").count() == before + 2
    # Scores are computed when read: one item of ten changes both ways.
    assert knowledge_score(by_choice["a"]) == pytest.approx(scores["a"] + 0.1)
    assert knowledge_score(by_choice["b"]) == pytest.approx(scores["b"] - 0.1)
    listed = client.get(f"{BASE}/test-sections/{question.section_id}/test-questions/")
    assert "right: a" in listed.content.decode()


def test_a_choice_of_an_answered_question_stays(client_as, programme):
    client = client_as("manager")
    choice = Choice.objects.filter(
        question__section__questionnaire__programme=programme, question__answers__isnull=False
    ).first()
    url = f"/es/programmes/crm-2021/manage/test-choices/{choice.pk}/remove/"
    assert "Hay respuestas a esta pregunta" in client.get(url).content.decode()
    assert client.post(url).status_code == 400
    assert Choice.objects.filter(pk=choice.pk).exists()
    # A choice nobody's answers depend on is removed, and recorded.
    question = Question.objects.get(section__questionnaire__kind="pre", code="K01")
    question.answers.all().delete()
    free = question.choices.exclude(is_correct=True).first()
    assert client.post(f"{BASE}/test-choices/{free.pk}/remove/").status_code == 302
    assert not Choice.objects.filter(pk=free.pk).exists()
    assert edits(programme, "test-choices").last().details["change"] == "removed"


def test_the_tests_page_opens_or_closes_it_now(client_as, programme):
    client = client_as("manager")
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    page = client.get(f"/es/programmes/crm-2021/manage/tests/{pre.pk}/").content.decode()
    # The demo's pre-test closed in 2021.
    assert "Esta evaluación está cerrada ahora." in page
    assert "/manage/tests/pre/window/" in page
    client.post("/en/programmes/crm-2021/manage/tests/pre/window/", {"state": "open"})
    page = client.get(f"{BASE}/tests/{pre.pk}/").content.decode()
    assert "This test is open now." in page
    assert "opened or closed by hand" in page
    assert "Follow its dates" in page


def test_the_gain_measured_on_the_copied_questions(client_as, programme, users):
    client = client_as("manager")
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    post = Questionnaire.objects.get(programme=programme, kind="post")
    # A post-test with no knowledge question and no answers (as a new one).
    Response.objects.filter(questionnaire=post).delete()
    refresh(programme)
    Section.objects.filter(questionnaire=post, kind="knowledge").delete()
    assert evaluation_report(programme)["knowledge"]["paired_n"] == 0
    assert client.post(f"{BASE}/tests/copy-knowledge/").status_code == 302
    record = edits(programme, "tests").last()
    assert record.details["change"] == "copied" and record.details["questions"] == 10
    # Everyone who answered the pre-test answers every copied question right.
    participants = set(
        Membership.objects.filter(programme=programme, role=Role.PARTICIPANT).values_list(
            "user_id", flat=True
        )
    )
    answered = [
        r for r in pre.responses.filter(submitted_at__isnull=False) if r.user_id in participants
    ]
    assert answered
    questions = Question.objects.filter(section__questionnaire=post, section__kind="knowledge")
    for pre_response in answered:
        response = Response.objects.create(
            questionnaire=post, user=pre_response.user, submitted_at=timezone.now()
        )
        Answer.objects.bulk_create(
            Answer(
                response=response, question=question, choice_codes=sorted(question.correct_codes())
            )
            for question in questions
        )
    refresh(programme)
    report = evaluation_report(programme)
    assert report["knowledge"]["paired_n"] == len(answered)
    assert report["knowledge"]["mean_post"] == 1
    # Each item is compared before and after, under its code.
    items = {line["code"]: line for line in report["items"]}
    assert sorted(items) == sorted(questions.values_list("code", flat=True))
    assert all(
        line["pre_n"] == len(answered) and line["post_n"] == len(answered)
        for line in items.values()
    )
    # Now that the post-test has answers, the copy is refused and nothing changes.
    sections = post.sections.count()
    refused = client.post("/es/programmes/crm-2021/manage/tests/copy-knowledge/", follow=True)
    assert "ya tiene respuestas" in refused.content.decode()
    assert post.sections.count() == sections
