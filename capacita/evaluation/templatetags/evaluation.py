"""Template helpers for pages outside the evaluation that show a participant their tests:
`{% load evaluation %}`."""

from django import template
from django.utils.formats import number_format

from capacita import rounding

from ..review import shows_score

register = template.Library()


@register.filter
def score_shown(questionnaire) -> bool:
    """Whether the participant who submitted `questionnaire` is shown their score now, by its
    review options (`review.shows_score`)."""
    return shows_score(questionnaire)


@register.filter
def whole_percent(share) -> str:
    """A share (0.625) as the whole percentage every page and file shows for it ("63 %",
    `capacita.rounding.percent`); "—" for None."""
    if share is None or share == "":
        return "—"
    return f"{number_format(rounding.percent(share))} %"
