"""The responses' kept counts (`Response.right_answers`, `scale_total`, `scale_answers`): set as
answers are saved, imported, made or deleted outside the services, worked out again when a
question's key or place changes, checked and repaired by `capacita check_progress`; the report
reads them."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from capacita.evaluation import kept, services
from capacita.evaluation.models import (
    Answer,
    Question,
    Questionnaire,
    Response,
    Section,
    counted_questions,
)
from capacita.evaluation.report import evaluation_report

from .conftest import full_answers

pytestmark = pytest.mark.django_db


def _counts(response) -> tuple[int, int, int]:
    response.refresh_from_db()
    return response.right_answers, response.scale_total, response.scale_answers


def test_a_submitted_test_keeps_its_right_answers_and_scale(pre, users):
    items, scales = counted_questions(pre)
    assert items and scales
    response = services.save_answers(pre, users["participant"], full_answers(pre), submit=True)
    # Every item right; every scale question answered 4 (`full_answers`).
    assert _counts(response) == (len(items), 4 * len(scales), len(scales))


def test_a_draft_changed_keeps_its_counts_in_step(pre, users):
    participant = users["participant"]
    k01 = Question.objects.get(section__questionnaire=pre, code="K01")
    right = sorted(k01.correct_codes())[0]
    wrong = next(c.code for c in k01.choices.all() if not c.is_correct)
    response = services.save_answers(pre, participant, {"K01": right}, submit=False)
    assert _counts(response)[0] == 1
    services.save_answers(pre, participant, {"K01": wrong}, submit=False)
    assert _counts(response)[0] == 0
    _items, scales = counted_questions(pre)
    scale = Question.objects.get(pk=scales[0])
    services.save_answers(pre, participant, {"K01": right, scale.code: "5"}, submit=False)
    assert _counts(response) == (1, 5, 1)
    services.save_answers(pre, participant, {scale.code: ""}, submit=False)
    assert _counts(response) == (1, 0, 0)


def test_imported_answers_keep_their_counts(pre, users, other_participant):
    items, scales = counted_questions(pre)
    rows = [(2, {"email": other_participant.email, **full_answers(pre, correct=False)})]
    assert services.import_responses(pre.programme, "pre", rows, actor=users["manager"]).ok
    response = Response.objects.get(questionnaire=pre, user=other_participant)
    assert _counts(response) == (0, 4 * len(scales), len(scales))


def test_answers_made_or_deleted_outside_the_services_are_counted(programme):
    response = (
        Response.objects.filter(questionnaire__programme=programme, right_answers__gt=0)
        .select_related("questionnaire")
        .first()
    )
    before = _counts(response)
    right = Answer.objects.filter(response=response, is_right=True).first()
    right.delete()
    assert _counts(response)[0] == before[0] - 1
    Answer.objects.bulk_create(
        [
            Answer(
                response=response,
                question=right.question,
                choice_codes=sorted(right.question.correct_codes()),
            )
        ]
    )
    assert _counts(response) == before
    Answer.objects.filter(response=response, is_right=True).delete()
    assert _counts(response)[0] == 0


def test_a_question_moved_out_of_the_knowledge_section_is_no_longer_counted(programme):
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    question = Question.objects.get(section__questionnaire=pre, code="K01")
    counted = Response.objects.filter(questionnaire=pre, answers__question=question)
    right_before = dict(counted.values_list("pk", "right_answers"))
    right = Answer.objects.filter(question=question, is_right=True)
    chose_right = set(right.values_list("response_id", flat=True))
    assert chose_right
    question.section = pre.sections.exclude(kind=Section.Kind.KNOWLEDGE).first()
    question.save()
    services.answer_key_changed([question])  # as the administration site's save does
    for pk, right in counted.values_list("pk", "right_answers"):
        assert right == right_before[pk] - (pk in chose_right)


def test_a_question_deleted_in_the_admin_takes_its_answers_out_of_the_counts(client_as, programme):
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    question = Question.objects.get(section__questionnaire=pre, code="K01")
    right = Answer.objects.filter(question=question, is_right=True)
    chose_right = set(right.values_list("response_id", flat=True))
    assert chose_right
    before = dict(Response.objects.filter(pk__in=chose_right).values_list("pk", "right_answers"))
    with translation.override("en"):
        url = reverse("admin:evaluation_question_delete", args=[question.pk])
    response = client_as("superuser").post(url, {"post": "yes"})
    assert response.status_code == 302
    after = dict(Response.objects.filter(pk__in=chose_right).values_list("pk", "right_answers"))
    assert after == {pk: right - 1 for pk, right in before.items()}


@pytest.mark.stale_progress
def test_check_progress_reports_stale_counts_and_repairs_them(programme, capsys):
    call_command("check_progress", programme.slug)
    assert "the kept counts of the test responses agrees" in capsys.readouterr().out
    response = (
        Response.objects.filter(questionnaire__programme=programme, right_answers__gt=0)
        .select_related("user", "questionnaire")
        .first()
    )
    Response.objects.filter(pk=response.pk).update(right_answers=0, scale_total=99)
    with pytest.raises(CommandError, match="differences"):
        call_command("check_progress", programme.slug)
    out = capsys.readouterr().out
    assert f"{response.questionnaire.kind} {response.user.email}: kept right answers" in out
    call_command("check_progress", programme.slug, "--repair")
    assert "repaired, 0 differences left" in capsys.readouterr().out
    assert kept.count_differences(programme) == []


@pytest.mark.stale_progress
def test_the_report_reads_the_kept_counts(programme):
    """The knowledge scores come from the kept counts, not from the answers read again."""
    before = evaluation_report(programme, whole=False)["knowledge"]
    Response.objects.filter(questionnaire__programme=programme, questionnaire__kind="post").update(
        right_answers=0
    )
    after = evaluation_report(programme, whole=False)["knowledge"]
    assert before["mean_post"] > 0 and after["mean_post"] == 0
