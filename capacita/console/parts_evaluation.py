"""The console's parts of the pre-test and post-test: each test's texts, window and review
options; its sections; their questions; each question's choices and which are right. The
post-test's page copies the pre-test's knowledge questions into it (`tests_views`); each test's
page opens or closes it now (`console:test_window`)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capacita.evaluation.models import (
    Answer,
    Choice,
    Question,
    Questionnaire,
    Response,
    Section,
)
from capacita.evaluation.services import (
    CLOSED,
    NOT_YET,
    OPEN,
    answer_key_changed,
    questionnaire_window_state,
)
from capacita.shared.formats import when

from .editing import Part
from .steps import window_buttons

CHOOSING = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.TRUE_FALSE)


def _test_figures(test) -> list[str]:
    zone = test.programme.zone
    figures = []
    if test.opens_at and test.closes_at:
        figures.append(
            _("from %(start)s to %(end)s")
            % {"start": when(test.opens_at, zone), "end": when(test.closes_at, zone)}
        )
    if test.manual_state != Questionnaire.ManualState.AUTO:
        figures.append(test.get_manual_state_display())
    return figures


def _answered(questions) -> bool:
    return Answer.objects.filter(question__in=questions).exists()


def _section_blocked(section) -> str:
    if _answered(section.questions.all()):
        return _("People have answered questions of this section: it stays as they answered it.")
    return ""


def _question_blocked(question) -> str:
    if _answered([question]):
        return _("People have answered this question: it stays as they answered it.")
    return ""


def _choice_blocked(choice) -> str:
    if _answered([choice.question]):
        return _("People have answered this question: its choices stay as they answered them.")
    return ""


def _question_figures(question) -> list[str]:
    figures = [question.get_kind_display()]
    if question.kind in CHOOSING:
        right = [choice.code for choice in question.choices.all() if choice.is_correct]
        if right:
            figures.append(_("right: %(codes)s") % {"codes": ", ".join(right)})
        elif question.section.kind == Section.Kind.KNOWLEDGE:
            figures.append(_("no right answer yet"))
    return figures


def _choice_figures(choice) -> list[str]:
    return [_("right answer")] if choice.is_correct else []


def _question_fits_section(form, _programme) -> None:
    """A knowledge question is scored: it offers choices, one of them right."""
    section = form.instance.section
    kind = form.cleaned_data.get("kind")
    if section.kind == Section.Kind.KNOWLEDGE and kind and kind not in CHOOSING:
        form.add_error(
            "kind",
            _(
                "A knowledge question is scored: make it single choice, multiple choice or "
                "true or false."
            ),
        )


def _one_right_answer(form, _programme) -> None:
    """A single-choice or true-or-false question has one right answer."""
    choice = form.instance
    question = choice.question
    if not form.cleaned_data.get("is_correct") or question.kind == Question.Kind.MULTIPLE:
        return
    others = Choice.objects.filter(question=question, is_correct=True).exclude(pk=choice.pk)
    if others.exists():
        form.add_error(
            "is_correct",
            _(
                "This question has one right answer, %(code)s already: untick it first, or make "
                "the question multiple choice."
            )
            % {"code": others.first().code},
        )


def _question_saved(question, changed) -> None:
    """A question's kind decides how its answers are scored: their verdicts follow."""
    if "kind" in changed:
        answer_key_changed([question])


def _choice_saved(choice, changed) -> None:
    """Which choices are right, and their codes, make the key: the answers' verdicts follow."""
    answer_key_changed([choice.question_id])


_WINDOW = {
    OPEN: gettext_lazy("This test is open now."),
    NOT_YET: gettext_lazy("This test is not open yet."),
    CLOSED: gettext_lazy("This test is closed now."),
}


def _test_extra(test) -> dict:
    """The test's window as it stands, with the buttons that open or close it now (those of
    the console's home, `console:test_window`), and, on the post-test, the copy of the
    pre-test's knowledge questions."""
    state = questionnaire_window_state(test)
    return {
        "template": "console/_tests_item.html",
        "test": test,
        "window": _WINDOW[state],
        "by_hand": test.manual_state != Questionnaire.ManualState.AUTO,
        "buttons": window_buttons(test.programme, test, state),
        # Answered questions stay as they were: nothing is copied into an answered test.
        "answered": Response.objects.filter(questionnaire=test).exists(),
    }


PARTS = (
    Part(
        key="tests",
        title=gettext_lazy("pre-test and post-test"),
        singular=gettext_lazy("test"),
        model=Questionnaire,
        fields=(
            "title_es",
            "title_en",
            "intro_es",
            "intro_en",
            "opens_at",
            "closes_at",
            "review_after_submit",
            "review_after_close",
        ),
        # The pre-test first.
        scope=lambda programme: Questionnaire.objects.filter(programme=programme).order_by("-kind"),
        label=lambda test: test.get_kind_display().capitalize(),
        order=None,
        addable=False,
        step="tests",
        figures=_test_figures,
        extra=_test_extra,
        related=("programme",),
        help=gettext_lazy(
            "Each test's texts, when it opens and closes, and what participants see of their "
            "answers. Open or close one now from the console's page. Which answers are right may "
            "change after people have answered: scores follow."
        ),
    ),
    Part(
        key="test-sections",
        title=gettext_lazy("sections"),
        singular=gettext_lazy("section"),
        model=Section,
        fields=("kind", "title_es", "title_en"),
        scope=lambda programme: Section.objects.filter(questionnaire__programme=programme),
        parent="tests",
        parent_field="questionnaire",
        step="tests",
        blocked=_section_blocked,
    ),
    Part(
        key="test-questions",
        title=gettext_lazy("questions"),
        singular=gettext_lazy("question"),
        model=Question,
        fields=("code", "kind", "text_es", "text_en", "required"),
        scope=lambda programme: Question.objects.filter(
            section__questionnaire__programme=programme
        ),
        parent="test-sections",
        parent_field="section",
        step="tests",
        blocked=_question_blocked,
        check=_question_fits_section,
        figures=_question_figures,
        after_save=_question_saved,
        related=("section",),
        prefetch=("choices",),
    ),
    Part(
        key="test-choices",
        title=gettext_lazy("choices"),
        singular=gettext_lazy("choice"),
        model=Choice,
        fields=("code", "text_es", "text_en", "is_correct"),
        scope=lambda programme: Choice.objects.filter(
            question__section__questionnaire__programme=programme
        ),
        parent="test-questions",
        parent_field="question",
        order=None,
        step="tests",
        blocked=_choice_blocked,
        check=_one_right_answer,
        figures=_choice_figures,
        after_save=_choice_saved,
    ),
)
