"""Knowledge scores: pure functions over questions and answers."""

from __future__ import annotations

from .models import Answer, Question, Section


def is_correct(question, chosen: list[str] | set[str], correct: set[str] | None = None) -> bool:
    """A single or true/false item is correct when the one chosen code is the correct one; a
    multiple-choice item when the chosen set equals the correct set."""
    correct = question.correct_codes() if correct is None else correct
    chosen = set(chosen or [])
    if not correct:
        return False
    if question.kind == question.Kind.MULTIPLE:
        return chosen == correct
    return len(chosen) == 1 and chosen <= correct


def verdict(question, chosen, correct: set[str] | None = None) -> bool | None:
    """What `Answer.is_right` keeps: None when nothing is chosen or the question offers no
    choices, else `is_correct`."""
    if not chosen or not question.has_choices:
        return None
    return is_correct(question, chosen, correct)


def knowledge_score(response) -> float | None:
    """Correct knowledge items / number of knowledge items; None when there are none. One
    response's share of `knowledge_scores`, so that one piece of code scores."""
    return knowledge_scores([response]).get(response.pk)


def knowledge_questions_of(questionnaire_ids) -> dict[int, list]:
    """The scored questions of each questionnaire, with their choices, in two queries."""
    questions_of: dict[int, list] = {}
    for question in (
        Question.objects.filter(
            section__questionnaire_id__in=set(questionnaire_ids),
            section__kind=Section.Kind.KNOWLEDGE,
        )
        .exclude(kind__in=[Question.Kind.SCALE, Question.Kind.TEXT])
        .select_related("section")
        .prefetch_related("choices")
    ):
        questions_of.setdefault(question.section.questionnaire_id, []).append(question)
    return questions_of


def knowledge_scores(responses, questions_of: dict[int, list] | None = None) -> dict:
    """`knowledge_score` of each response, by its id, in three queries however many
    responses and questionnaires (questions, their choices, the answers); in one when the
    caller passes the questions (`knowledge_questions_of`)."""
    responses = list(responses)
    if not responses:
        return {}
    if questions_of is None:
        questions_of = knowledge_questions_of(r.questionnaire_id for r in responses)
    chosen: dict[int, dict] = {}
    for response_id, question_id, codes in Answer.objects.filter(
        response__in=responses
    ).values_list("response_id", "question_id", "choice_codes"):
        chosen.setdefault(response_id, {})[question_id] = codes
    scores = {}
    for response in responses:
        questions = questions_of.get(response.questionnaire_id, [])
        answers = chosen.get(response.pk, {})
        scores[response.pk] = (
            sum(1 for q in questions if is_correct(q, answers.get(q.pk, []))) / len(questions)
            if questions
            else None
        )
    return scores
