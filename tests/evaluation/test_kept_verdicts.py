"""The answers' kept verdicts (`Answer.is_right`): set as answers are saved, imported or made
outside the services, worked out again whenever a question's key changes (the administration
site, the console), checked and repaired by `capacita check_progress`; the report counts them."""

from __future__ import annotations

import random
import statistics as pystats
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from capacita.evaluation import kept, services
from capacita.evaluation.models import Answer, Question, Questionnaire, Response
from capacita.evaluation.report import evaluation_report
from capacita.evaluation.scoring import verdict
from capacita.evaluation.statistics import (
    _stdev,
    counted_scale_distribution,
    scale_distribution,
)

from .conftest import full_answers

pytestmark = pytest.mark.django_db


def _worked_out(question) -> dict:
    """Each answer's verdict worked out afresh with the one rule, by answer id."""
    question = Question.objects.prefetch_related("choices").get(pk=question.pk)
    return {answer.pk: verdict(question, answer.choice_codes) for answer in question.answers.all()}


def _kept(question) -> dict:
    return dict(Answer.objects.filter(question=question).values_list("pk", "is_right"))


def test_saved_and_imported_answers_keep_their_verdict(pre, users, other_participant):
    services.save_answers(pre, users["participant"], full_answers(pre), submit=True)
    rows = [(2, {"email": other_participant.email, **full_answers(pre, correct=False)})]
    assert services.import_responses(pre.programme, "pre", rows, actor=users["manager"]).ok
    for person, right in ((users["participant"], True), (other_participant, False)):
        answers = Answer.objects.filter(response__questionnaire=pre, response__user=person)
        for answer in answers.select_related("question"):
            expected = right if answer.question.has_choices else None
            assert answer.is_right is expected, answer.question.code


def test_a_draft_changed_keeps_the_verdict_of_its_last_answer(pre, users):
    participant = users["participant"]
    k01 = Question.objects.get(section__questionnaire=pre, code="K01")
    right = sorted(k01.correct_codes())[0]
    wrong = next(c.code for c in k01.choices.all() if not c.is_correct)
    services.save_answers(pre, participant, {"K01": right}, submit=False)
    answer = Answer.objects.get(question=k01, response__user=participant)
    assert answer.is_right is True
    services.save_answers(pre, participant, {"K01": wrong}, submit=False)
    answer.refresh_from_db()
    assert answer.is_right is False
    services.save_answers(pre, participant, {"K01": ""}, submit=False)
    answer.refresh_from_db()
    assert answer.is_right is None


def test_answers_made_outside_the_services_are_judged_too(programme):
    response = Response.objects.filter(questionnaire__programme=programme).first()
    question = Question.objects.get(section__questionnaire=response.questionnaire, code="K01")
    Answer.objects.filter(response=response, question=question).delete()
    answer = Answer.objects.create(
        response=response, question=question, choice_codes=sorted(question.correct_codes())
    )
    assert answer.is_right is True
    answer.delete()
    [answer] = Answer.objects.bulk_create([Answer(response=response, question=question)])
    assert answer.is_right is None


def test_the_key_changed_in_the_admin_changes_the_verdicts(client_as, programme):
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    question = Question.objects.get(section__questionnaire=pre, code="K02")
    before = _kept(question)
    assert before == _worked_out(question) and True in before.values()
    client = client_as("superuser")
    url = reverse("admin:evaluation_question_change", args=[question.pk])
    choices = list(question.choices.order_by("code"))
    data = {
        "section": question.section_id,
        "position": question.position,
        "code": question.code,
        "kind": question.kind,
        "required": "on" if question.required else "",
        "text_es": question.text_es,
        "text_en": question.text_en,
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": len(choices),
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    # The right choice made wrong and the first wrong one made right.
    newly_right = next(choice for choice in choices if not choice.is_correct)
    for index, choice in enumerate(choices):
        data.update(
            {
                f"choices-{index}-id": choice.pk,
                f"choices-{index}-question": question.pk,
                f"choices-{index}-code": choice.code,
                f"choices-{index}-text_es": choice.text_es,
                f"choices-{index}-text_en": choice.text_en,
            }
        )
        if choice == newly_right:
            data[f"choices-{index}-is_correct"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert question.correct_codes() == {newly_right.code}
    after = _kept(question)
    assert after == _worked_out(question) and after != before
    chose_it = Answer.objects.filter(question=question, choice_codes=[newly_right.code])
    assert chose_it.exists() and set(chose_it.values_list("is_right", flat=True)) == {True}
    assert kept.differences(programme) == []


def test_the_key_changed_in_the_console_changes_the_verdicts(client_as, programme):
    client = client_as("manager")
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    question = Question.objects.get(section__questionnaire=pre, code="K02")
    right = question.choices.get(is_correct=True)
    other = question.choices.exclude(pk=right.pk).first()
    base = f"/es/programmes/{programme.slug}/manage/test-choices"
    for choice, ticked in ((right, False), (other, True)):
        page = client.get(f"{base}/{choice.pk}/")
        assert page.status_code == 200
        data = {
            "code": choice.code,
            "text_es": choice.text_es,
            "text_en": choice.text_en,
        }
        if ticked:
            data["is_correct"] = "on"
        assert client.post(f"{base}/{choice.pk}/", data).status_code == 302
    assert question.correct_codes() == {other.code}
    assert _kept(question) == _worked_out(question)
    assert set(
        Answer.objects.filter(question=question, choice_codes=[other.code]).values_list(
            "is_right", flat=True
        )
    ) == {True}


def test_a_question_made_multiple_choice_is_judged_as_such(programme, users):
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    question = Question.objects.get(section__questionnaire=pre, code="K02")
    question.choices.update(is_correct=True)  # every choice right: one is not enough now
    question.kind = Question.Kind.MULTIPLE
    question.save()
    services.answer_key_changed([question])
    assert _kept(question) == _worked_out(question)
    assert True not in _kept(question).values()


@pytest.mark.stale_progress
def test_check_progress_reports_stale_verdicts_and_repairs_them(programme, capsys):
    call_command("check_progress", programme.slug)
    assert "the kept verdicts of the test answers agrees with the rule" in capsys.readouterr().out
    question = Question.objects.filter(
        section__questionnaire__programme=programme, answers__is_right=True
    ).first()
    Answer.objects.filter(question=question, is_right=True).update(is_right=False)
    with pytest.raises(CommandError, match="differences"):
        call_command("check_progress", programme.slug)
    out = capsys.readouterr().out
    assert f" {question.code}: " in out and "kept right False, worked out True" in out
    call_command("check_progress", programme.slug, "--repair")
    assert "repaired, 0 differences left" in capsys.readouterr().out
    assert kept.differences(programme) == []


def test_the_report_counts_the_kept_verdicts(programme):
    """The report's scores are the kept verdicts counted (into each response's kept right
    answers): a verdict changed behind the services' back shows in them once its responses
    are counted again (which is why both are kept in step and checked)."""
    before = evaluation_report(programme)["knowledge"]
    right = Answer.objects.filter(
        is_right=True,
        response__submitted_at__isnull=False,
        response__questionnaire__programme=programme,
        question__section__kind="knowledge",
    )
    assert right.exists()
    right.update(is_right=False)
    kept.recount_all(programme)
    after = evaluation_report(programme)["knowledge"]
    assert after["mean_pre"] == 0 or after["mean_post"] == 0
    assert after != before
    kept.refresh(programme)
    assert evaluation_report(programme)["knowledge"] == before


def test_counted_scales_give_the_figures_of_every_answer():
    rng = random.Random(7)
    for _ in range(500):
        values = [rng.choice([None, 1, 2, 3, 4, 5]) for _ in range(rng.randint(0, 60))]
        counted = counted_scale_distribution(Counter(values))
        assert repr(counted) == repr(scale_distribution(values))


def test_the_standard_deviation_is_the_library_one_to_the_last_bit():
    rng = random.Random(11)
    for _ in range(500):
        items = rng.choice([5, 7, 10, 20])
        values = [
            round(rng.randint(0, items) / items - rng.randint(0, items) / items, 10)
            for _ in range(rng.randint(2, 400))
        ]
        assert _stdev(values) == pystats.stdev(values)


def test_a_drafts_answers_count_in_no_figure(pre, users):
    """The answers are counted without reading their responses, and a draft's taken off: a
    draft changes only who is half way."""
    before = evaluation_report(pre.programme)
    services.save_answers(pre, users["participant"], full_answers(pre), submit=False)
    after = evaluation_report(pre.programme)
    assert after["respondents"]["pre"]["in_progress"] == (
        before["respondents"]["pre"]["in_progress"] + 1
    )
    for key in ("knowledge", "items", "scales", "choices", "texts", "expectations_satisfaction"):
        assert after[key] == before[key], key
