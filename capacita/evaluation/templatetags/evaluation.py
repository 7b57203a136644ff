"""Template helpers for pages outside the evaluation that show a participant their tests:
`{% load evaluation %}`."""

from django import template

from ..review import shows_score

register = template.Library()


@register.filter
def score_shown(questionnaire) -> bool:
    """Whether the participant who submitted `questionnaire` is shown their score now, by its
    review options (`review.shows_score`)."""
    return shows_score(questionnaire)
