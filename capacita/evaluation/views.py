"""A participant's pre-test and post-test: thin views over `services`."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capacita.agenda.timezones import viewer_zone
from capacita.programmes import permissions
from capacita.programmes.models import Membership, Programme, Role
from capacita.shared import rounding, text_limits
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded
from capacita.shared.bilingual import active_language
from capacita.shared.people_pages import people_page_of
from capacita.shared.posted import NUL_MESSAGE, has_nul

from . import background, services
from . import charts as charts_module
from . import review as review_module
from .models import Question, Questionnaire, Response
from .report import evaluation_report, participant_lines, participant_rows
from .scoring import knowledge_score
from .statistics import MIN_GROUP_SIZE, MIN_PAIRS_FOR_TEST
from .workbook import report_workbook

SCALE_LABELS = (
    (1, gettext_lazy("strongly disagree")),
    (2, gettext_lazy("disagree")),
    (3, gettext_lazy("neither agree nor disagree")),
    (4, gettext_lazy("agree")),
    (5, gettext_lazy("strongly agree")),
)


def _sections(questionnaire, response, review=review_module.NOTHING):
    """Sections with their questions, each carrying the person's current answer and, by
    `review`, whether to show if it was right (`shows_marks`) and the right answer
    (`shows_key`, with `right_choices`)."""
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
            question.shows_marks = review.shows_marks(question)
            question.shows_key = review.shows_key(question)
            question.right_choices = (
                [choice for choice in question.choices.all() if choice.is_correct]
                if question.shows_key
                else []
            )
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
        if has_nul(request.POST):
            messages.error(request, NUL_MESSAGE)
            return redirect("evaluation:answer", slug=slug, kind=kind)
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
    submitted = bool(response and response.is_submitted)
    # What the participant may see of their submitted test: its review options, under the
    # rule that keeps a later test's right answers hidden (`review.participant_review`).
    review = review_module.participant_review(questionnaire, now) if submitted else None
    score = knowledge_score(response) if submitted and review.score else None
    return render(
        request,
        "evaluation/answer.html",
        {
            "programme": programme,
            "questionnaire": questionnaire,
            "response": response,
            "state": state,
            "review": review,
            "sections": _sections(questionnaire, response, review or review_module.NOTHING),
            "scale_labels": SCALE_LABELS,
            "zone": zone.key,
            "score_percent": rounding.percent(score),
            "limits": text_limits,
        },
    )


def _managed(request, slug):
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.can_read_evaluation(request.user, programme))
    return programme


def _charts(figures) -> dict:
    """The report's charts, drawn from the same figures as its tables."""
    groups = [
        (_("All participants"), figures["knowledge"]["mean_pre"], figures["knowledge"]["mean_post"])
    ]
    for group in figures["by_country"]:
        summary = group["summary"]
        if summary and summary["mean_pre"] is not None:
            groups.append((group["label"], summary["mean_pre"], summary["mean_post"]))
    points = dict(SCALE_LABELS)

    def scale_rows(kind):
        return [
            (line["code"], {int(point): count for point, count in line["counts"].items()})
            for line in figures["scales"]
            if line["test"] == kind
        ]

    charts = {
        "by_country": charts_module.paired_bars(
            "chart-by-country", _("Mean knowledge score before and after, by country"), groups
        ),
        "items": charts_module.item_change(
            "chart-items",
            _("Share of correct answers per item, before and after"),
            figures["items"],
        ),
    }
    for kind, title in (
        ("pre", _("Expectations (pre-test)")),
        ("post", _("Satisfaction and use at work (post-test)")),
    ):
        rows = scale_rows(kind)
        if rows:
            charts[f"scales_{kind}"] = charts_module.distribution(
                f"chart-scales-{kind}", title, rows, {k: str(v) for k, v in points.items()}
            )
    return charts


# Above this many participants the report's workbook is made by the task worker
# (`capacita.jobs`), with its progress shown: in the request it could run past its budget.
REPORT_IN_REQUEST_UP_TO = 1000

WRITTEN_SHOWN = 100  # written answers shown per question on the page


@_guarded
def report(request, slug):
    """What the programme changed: the organisers' reading of the pre-test and post-test.
    Its participants come a hundred a page, searched; each question's written answers the
    first hundred (the workbook holds them all)."""
    programme = _managed(request, slug)
    figures = evaluation_report(programme, people=False)
    shown = people_page_of(
        request.GET,
        participant_rows(programme),
        lambda user_ids: participant_lines(programme, user_ids),
    )
    for line in figures["texts"]:
        line["more"] = max(len(line["answers"]) - WRITTEN_SHOWN, 0)
        line["answers"] = line["answers"][:WRITTEN_SHOWN]
    return render(
        request,
        "evaluation/report.html",
        {
            "programme": programme,
            "report": figures,
            "shown": shown,
            "participants": [
                {
                    **person,
                    "tests": [
                        ("pre", person["pre_state"], person["pre"]),
                        ("post", person["post_state"], person["post"]),
                    ],
                }
                for person in shown.page.object_list
            ],
            "charts": _charts(figures),
            "scale_labels": SCALE_LABELS,
            "minimum_pairs": MIN_PAIRS_FOR_TEST,
            "minimum_group": MIN_GROUP_SIZE,
        },
    )


@_guarded
def report_workbook_download(request, slug):
    programme = _managed(request, slug)
    participants = Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
    if participants.count() > REPORT_IN_REQUEST_UP_TO:
        return redirect("jobs:start", slug=slug, kind=background.REPORT_XLSX)
    content = report_workbook(evaluation_report(programme))
    download = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"{programme.slug}-{_('evaluation')}.xlsx"
    download["Content-Disposition"] = content_disposition_header(True, name)
    return download


@_guarded
def participant_answers(request, slug, kind, user_id):
    """One participant's answers to one test, read-only, for the managers."""
    programme = _managed(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "country"),
        programme=programme,
        user_id=user_id,
        role=Role.PARTICIPANT,
    )
    questionnaire = get_object_or_404(Questionnaire, programme=programme, kind=kind)
    answered = Response.objects.filter(questionnaire=questionnaire, user_id=user_id).first()
    score = knowledge_score(answered) if answered and answered.is_submitted else None
    zone, _message = viewer_zone(None, request.user, programme)
    return render(
        request,
        "evaluation/response.html",
        {
            "programme": programme,
            "questionnaire": questionnaire,
            "person": membership.user,
            "membership": membership,
            "response": answered,
            # Managers read everything, whatever the test shows its participants.
            "sections": _sections(questionnaire, answered, review_module.EVERYTHING),
            "scale_labels": SCALE_LABELS,
            "zone": zone.key,
            "score_percent": rounding.percent(score),
        },
    )
