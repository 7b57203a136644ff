"""What a participant is shown of their own submitted test: their score, which of their
answers were right, the right answers. Every page and file that shows a participant their
answers asks `participant_review`; the managers' pages show everything and do not.

Two things decide it:

- the test's review options (`Questionnaire.review_after_submit` until the test closes,
  `review_after_close` once it has), as a Moodle quiz has them;
- one rule above the options, `withheld_questions`: the right answer to a question that a
  later test of the same programme asks again is never shown while that test has not
  closed, or the pre-test would hand out the post-test's key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import timezone

from .models import Question, Questionnaire, Section
from .services import CLOSED, questionnaire_window_state

ORDER = Questionnaire.REVIEW_ORDER


def _level(questionnaire: Questionnaire, now: dt.datetime) -> str:
    """The review option in force: after closing once the test has closed, else after
    submitting."""
    closed = questionnaire_window_state(questionnaire, now) == CLOSED
    return questionnaire.review_after_close if closed else questionnaire.review_after_submit


def _at_least(level: str, wanted: str) -> bool:
    return level in ORDER and ORDER.index(level) >= ORDER.index(wanted)


def shows_score(questionnaire: Questionnaire, now: dt.datetime | None = None) -> bool:
    """Whether a participant who submitted `questionnaire` is shown their score now, by its
    review options (a score says how many answers were right, not which: no question's
    answer is given away by it). Reads no database."""
    return _at_least(_level(questionnaire, now or timezone.now()), Questionnaire.Review.SCORE)


def _same_text(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


def withheld_questions(questionnaire: Questionnaire, now: dt.datetime | None = None) -> set[int]:
    """The ids of the questions of `questionnaire` whose right answer — and whether a
    participant's answer to them was right — no participant may be shown at `now`,
    whatever the test's review options say.

    The rule: a question is withheld while a later test of the same programme that asks
    the same question has not closed. "Later" is the order of the tests' kinds (the
    post-test comes after the pre-test); "the same question" is one with the same code
    (case ignored) or the same text in Spanish or in English (case and spacing ignored);
    "not closed" is any window state but closed (`services.questionnaire_window_state`: a
    later test not yet open, open by its dates or opened by hand all withhold). Managers'
    views of responses are not limited by this rule.

    Two queries at most (the later tests, their questions); none for the last test.
    """
    now = now or timezone.now()
    kinds = list(Questionnaire.Kind.values)
    later_kinds = kinds[kinds.index(questionnaire.kind) + 1 :]
    if not later_kinds:
        return set()
    still_open = [
        later.pk
        for later in Questionnaire.objects.filter(
            programme_id=questionnaire.programme_id, kind__in=later_kinds
        )
        if questionnaire_window_state(later, now) != CLOSED
    ]
    if not still_open:
        return set()
    codes, texts = set(), set()
    for code, text_es, text_en in Question.objects.filter(
        section__questionnaire_id__in=still_open
    ).values_list("code", "text_es", "text_en"):
        codes.add(code.casefold())
        texts.update(text for text in (_same_text(text_es), _same_text(text_en)) if text)
    return {
        pk
        for pk, code, text_es, text_en in Question.objects.filter(
            section__questionnaire=questionnaire
        ).values_list("pk", "code", "text_es", "text_en")
        if code.casefold() in codes or _same_text(text_es) in texts or _same_text(text_en) in texts
    }


@dataclass(frozen=True)
class Review:
    """What one page shows of a submitted test: `score`; `marks`, whether each knowledge
    answer was right; `key`, the right answers; `withheld`, the questions whose marks and
    key are hidden whatever `marks` and `key` say."""

    score: bool
    marks: bool
    key: bool
    withheld: frozenset[int] = field(default_factory=frozenset)

    def shows_marks(self, question) -> bool:
        return self.marks and _scored(question) and question.pk not in self.withheld

    def shows_key(self, question) -> bool:
        return self.key and _scored(question) and question.pk not in self.withheld

    @property
    def holds_back(self) -> bool:
        """Whether the rule hides something the options would show."""
        return bool(self.withheld) and (self.marks or self.key)


# What a manager reads of a participant's answers: everything.
EVERYTHING = Review(score=True, marks=True, key=True)
NOTHING = Review(score=False, marks=False, key=False)


def _scored(question) -> bool:
    return question.section.kind == Section.Kind.KNOWLEDGE and question.has_choices


def participant_review(questionnaire: Questionnaire, now: dt.datetime | None = None) -> Review:
    """What a participant who submitted `questionnaire` is shown of it at `now`: its review
    options in force (`review_after_submit` until the test closes, `review_after_close`
    after), with `withheld_questions` applied over them."""
    now = now or timezone.now()
    level = _level(questionnaire, now)
    marks = _at_least(level, Questionnaire.Review.MARKS)
    return Review(
        score=_at_least(level, Questionnaire.Review.SCORE),
        marks=marks,
        key=_at_least(level, Questionnaire.Review.KEY),
        withheld=frozenset(withheld_questions(questionnaire, now)) if marks else frozenset(),
    )
