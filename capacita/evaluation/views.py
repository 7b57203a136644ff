"""A participant's pre-test and post-test: thin views over `services`."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capacita import permissions
from capacita.access import allow as _allow
from capacita.access import guarded as _guarded
from capacita.agenda.timezones import viewer_zone
from capacita.bilingual import active_language
from capacita.programmes.models import Programme

from . import services
from .models import Question, Questionnaire, Response

SCALE_LABELS = (
    (1, gettext_lazy("strongly disagree")),
    (2, gettext_lazy("disagree")),
    (3, gettext_lazy("neither agree nor disagree")),
    (4, gettext_lazy("agree")),
    (5, gettext_lazy("strongly agree")),
)


def _sections(questionnaire, response):
    """Sections with their questions, each carrying the person's current answer."""
    answers = {a.question_id: a for a in response.answers.all()} if response else {}
    sections = []
    for section in questionnaire.sections.order_by("position").prefetch_related(
        "questions__choices"
    ):
        questions = []
        for question in section.questions.order_by("position"):
            answer = answers.get(question.pk)
            question.current_codes = answer.choice_codes if answer else []
            question.current_scale = answer.scale if answer else None
            question.current_text = answer.text if answer else ""
            question.answer = answer
            questions.append(question)
        section.question_list = questions
        sections.append(section)
    return sections


def _data(request, questionnaire) -> dict:
    data = {}
    for question in Question.objects.filter(section__questionnaire=questionnaire):
        if question.kind == Question.Kind.MULTIPLE:
            data[question.code] = request.POST.getlist(question.code)
        else:
            data[question.code] = request.POST.get(question.code, "")
    return data


@_guarded
def answer(request, slug, kind):
    """The participant's own test: the form while it is open, an explanation before and
    after its window, and a read-only summary with the score once submitted."""
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.can_answer_tests(request.user, programme))
    questionnaire = get_object_or_404(Questionnaire, programme=programme, kind=kind)
    response = Response.objects.filter(questionnaire=questionnaire, user=request.user).first()
    now = timezone.now()
    state = services.questionnaire_window_state(questionnaire, now)
    if request.method == "POST" and not (response and response.is_submitted):
        submit = "submit" in request.POST
        try:
            services.save_answers(
                questionnaire,
                request.user,
                _data(request, questionnaire),
                submit,
                now=now,
                language=active_language(),
            )
        except services.EvaluationError as error:
            messages.error(request, error.message)
            for problem in error.problems:
                messages.error(request, problem)
        else:
            if submit:
                messages.success(request, _("Thank you: your answers were submitted."))
            else:
                messages.success(
                    request,
                    _(
                        "Your answers were saved. You can come back and finish before the "
                        "test closes."
                    ),
                )
        return redirect("evaluation:answer", slug=slug, kind=kind)
    zone, _message = viewer_zone(None, request.user, programme)
    score = response.knowledge_score() if response and response.is_submitted else None
    return render(
        request,
        "evaluation/answer.html",
        {
            "programme": programme,
            "questionnaire": questionnaire,
            "response": response,
            "state": state,
            "sections": _sections(questionnaire, response),
            "scale_labels": SCALE_LABELS,
            "zone": zone.key,
            "score_percent": round(score * 100) if score is not None else None,
        },
    )
