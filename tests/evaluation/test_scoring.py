"""Scores of many responses at once: each the share of knowledge items the person got right,
worked out here from the answers and the right codes, item by item."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from capacita.evaluation.models import Question, Response, Section
from capacita.evaluation.scoring import knowledge_score, knowledge_scores


def test_the_scores_at_once_equal_each_responses_score(programme):
    responses = list(
        Response.objects.filter(questionnaire__programme=programme, submitted_at__isnull=False)
    )
    assert len({r.questionnaire_id for r in responses}) == 2 and len(responses) > 10
    with CaptureQueriesContext(connection) as queries:
        scores = knowledge_scores(responses)
    assert len(queries) == 3
    assert scores == {response.pk: _by_hand(response) for response in responses}
    assert knowledge_score(responses[0]) == scores[responses[0].pk]
    assert len(set(scores.values())) > 2  # not one value for everyone


def _by_hand(response) -> float | None:
    """The share of the test's knowledge items (choice questions of knowledge sections)
    whose chosen codes are the right ones: exactly the right set for a multiple choice,
    the one right code otherwise."""
    items = Question.objects.filter(
        section__questionnaire=response.questionnaire, section__kind=Section.Kind.KNOWLEDGE
    ).exclude(kind__in=[Question.Kind.SCALE, Question.Kind.TEXT])
    if not items:
        return None
    chosen = {answer.question_id: set(answer.choice_codes) for answer in response.answers.all()}
    right = 0
    for item in items:
        codes = {choice.code for choice in item.choices.all() if choice.is_correct}
        picked = chosen.get(item.pk, set())
        if item.kind == Question.Kind.MULTIPLE:
            right += bool(codes) and picked == codes
        else:
            right += len(picked) == 1 and picked <= codes
    return right / len(items)


def test_no_responses_no_scores(db):
    assert knowledge_scores([]) == {}
