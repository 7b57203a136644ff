"""Scores of many responses at once are each response's own score."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from capacita.evaluation.models import Response
from capacita.evaluation.scoring import knowledge_score, knowledge_scores


def test_the_scores_at_once_equal_each_responses_score(programme):
    responses = list(
        Response.objects.filter(questionnaire__programme=programme, submitted_at__isnull=False)
    )
    assert len({r.questionnaire_id for r in responses}) == 2 and len(responses) > 10
    with CaptureQueriesContext(connection) as queries:
        scores = knowledge_scores(responses)
    assert len(queries) == 3
    assert scores == {response.pk: knowledge_score(response) for response in responses}
    assert len(set(scores.values())) > 2  # not one value for everyone


def test_no_responses_no_scores(db):
    assert knowledge_scores([]) == {}
