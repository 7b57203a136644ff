"""The answers' kept verdicts (`Answer.is_right`), checked against the one rule
(`scoring.is_correct`) worked out afresh; and the responses' kept counts (right answers,
the scale's sum and answers: `models.recount`), checked against their answers.

The services keep them as answers are saved or imported and as a question's key changes
(`services.answer_key_changed`); `differences` and `count_differences` list where they
disagree, `refresh` and `recount_all` work them out again (`capacita check_progress`,
beside the kept progress).
"""

from __future__ import annotations

import json

from django.db.models import Count, Sum

from .models import Answer, Question, Questionnaire, Response, counted_questions, recount
from .scoring import verdict
from .services import answer_key_changed


def _questions(programme) -> dict:
    return {
        question.pk: question
        for question in Question.objects.filter(section__questionnaire__programme=programme)
        .select_related("section__questionnaire")
        .prefetch_related("choices")
    }


def differences(programme) -> list[str]:
    """Where the kept verdicts of the answers to `programme`'s tests differ from the rule,
    one line per question and answer given (empty when they agree): one grouped query."""
    questions = _questions(programme)
    found = []
    for question_id, codes, kept, n in (
        Answer.objects.filter(question_id__in=list(questions))
        .values_list("question_id", "choice_codes", "is_right")
        .annotate(n=Count("pk"))
        .order_by("question_id")
    ):
        question = questions[question_id]
        expected = verdict(question, codes)
        if kept != expected:
            found.append(
                f"{question.section.questionnaire.kind} {question.code}: {n} answers "
                f"{json.dumps(codes)} kept right {kept}, worked out {expected}"
            )
    return found


def refresh(programme) -> None:
    """Work out again the kept verdict of every answer to `programme`'s tests."""
    answer_key_changed(list(_questions(programme)))


def count_differences(programme) -> list[str]:
    """Where the kept counts of the responses to `programme`'s tests differ from their
    answers, one line per response (empty when they agree): a few grouped queries."""
    found = []
    for questionnaire in Questionnaire.objects.filter(programme=programme).order_by("kind"):
        items, scales = counted_questions(questionnaire)
        answers = Answer.objects.filter(response__questionnaire=questionnaire).order_by()
        right = dict(
            answers.filter(question_id__in=items, is_right=True)
            .values_list("response_id")
            .annotate(n=Count("pk"))
        )
        scaled = {
            response_id: (total, n)
            for response_id, total, n in answers.filter(question_id__in=scales, scale__isnull=False)
            .values_list("response_id")
            .annotate(total=Sum("scale"), n=Count("pk"))
        }
        for response_id, email, *kept in (
            Response.objects.filter(questionnaire=questionnaire)
            .order_by("user__email")
            .values_list("pk", "user__email", "right_answers", "scale_total", "scale_answers")
        ):
            expected = [right.get(response_id, 0), *scaled.get(response_id, (0, 0))]
            if kept != expected:
                found.append(
                    f"{questionnaire.kind} {email}: kept right answers, scale sum and answers "
                    f"{kept}, worked out {expected}"
                )
    return found


def recount_all(programme) -> None:
    """Work out again the kept counts of every response to `programme`'s tests."""
    recount(Response.objects.filter(questionnaire__programme=programme))
