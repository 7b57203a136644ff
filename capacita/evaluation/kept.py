"""The answers' kept verdicts (`Answer.is_right`), checked against the one rule
(`scoring.is_correct`) worked out afresh.

The services keep them as answers are saved or imported and as a question's key changes
(`services.answer_key_changed`); `differences` lists where they disagree and `refresh` works
them out again (`capacita check_progress`, beside the kept progress).
"""

from __future__ import annotations

import json

from django.db.models import Count

from .models import Answer, Question
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
