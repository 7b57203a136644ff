"""The organisers' report page, a participant's answers for the managers, the workbook."""

from __future__ import annotations

import io
import statistics as py_statistics
from collections import Counter, defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from capacita.certificates.kept import refresh
from capacita.evaluation.models import Answer, Question, Questionnaire, Response
from capacita.evaluation.report import evaluation_report
from capacita.evaluation.scoring import is_correct, knowledge_score
from capacita.programmes.models import Membership, Role
from capacita.shared import rounding

pytestmark = pytest.mark.django_db


def report_url(programme):
    return reverse("evaluation:report", kwargs={"slug": programme.slug})


def answers_url(programme, kind, user):
    return reverse(
        "evaluation:response", kwargs={"slug": programme.slug, "kind": kind, "user_id": user.pk}
    )


def test_the_page_shows_the_headline_figures_of_the_report(client_as, programme):
    figures = evaluation_report(programme)
    page = client_as("manager").get(report_url(programme))
    assert page.status_code == 200
    content = page.content.decode()
    knowledge = figures["knowledge"]
    assert knowledge["paired_n"] > 0
    before, after = (
        rounding.percent(knowledge["mean_pre"]),
        rounding.percent(knowledge["mean_post"]),
    )
    headline = (
        f"For the {knowledge['paired_n']} participants who took both tests, the mean score "
        f"went from {before} % to {after} %"
    )
    assert headline in content
    assert f"{figures['respondents']['participants']} participants." in content


def test_the_page_draws_its_charts_with_text_alternatives(client_as, programme):
    content = client_as("manager").get(report_url(programme)).content.decode()
    for chart_id in ("chart-by-country", "chart-items", "chart-scales-pre", "chart-scales-post"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in content
        assert f'<desc id="{chart_id}-desc">' in content
    assert content.count("<svg") == 4
    assert "<script" not in content


def test_scale_counts_agree_with_the_answers_in_the_database(programme):
    figures = evaluation_report(programme)
    expected = defaultdict(Counter)
    for code, kind, value in Answer.objects.filter(
        response__questionnaire__programme=programme,
        response__submitted_at__isnull=False,
        question__kind="scale",
        scale__isnull=False,
    ).values_list("question__code", "response__questionnaire__kind", "scale"):
        expected[(kind, code)][value] += 1
    lines = {(line["test"], line["code"]): line for line in figures["scales"]}
    assert set(lines) == set(expected) and lines
    for key, counts in expected.items():
        line = lines[key]
        assert line["counts"] == {str(point): counts[point] for point in range(1, 6)}
        assert line["n"] == sum(counts.values())
        values = list(counts.elements())
        # As shown: the mean with one decimal, the share agreeing as a whole percentage.
        assert line["mean"] == rounding.half_up(py_statistics.mean(values), 1)
        assert line["agreeing"] == rounding.share((counts[4] + counts[5]) / len(values))


def _submitted_answers(programme):
    return Answer.objects.filter(
        response__questionnaire__programme=programme, response__submitted_at__isnull=False
    ).select_related("question", "response__questionnaire")


def test_each_items_right_answers_agree_with_the_answers_read_one_by_one(programme, users):
    """The report counts each knowledge item's right answers grouped in the database, from
    the kept verdicts; read one by one, by the one rule, each answer gives the same counts.
    A draft's answers count for nothing."""
    draft = Response.objects.filter(
        questionnaire__programme=programme, submitted_at__isnull=False
    ).first()
    Response.objects.filter(pk=draft.pk).update(submitted_at=None)
    submitted = Counter(
        Response.objects.filter(
            questionnaire__programme=programme, submitted_at__isnull=False
        ).values_list("questionnaire__kind", flat=True)
    )
    right = Counter()
    for answer in _submitted_answers(programme).filter(question__section__kind="knowledge"):
        question = answer.question
        if question.has_choices and question.correct_codes():
            kind = answer.response.questionnaire.kind
            right[(question.code, kind)] += is_correct(question, answer.choice_codes)
    assert (
        0
        < sum(right.values())
        < sum(n for (_code, kind), n in Counter({k: submitted[k[1]] for k in right}).items())
    )
    lines = {line["code"]: line for line in evaluation_report(programme)["items"]}
    assert lines and {code for code, _kind in right} == set(lines)
    for (code, kind), n in right.items():
        line = lines[code]
        assert line[f"{kind}_n"] == submitted[kind]
        assert line[f"{kind}_correct"] == rounding.share(n / submitted[kind]), (code, kind)


@pytest.mark.stale_progress  # a submitted post-test made a draft behind the services' back
def test_each_choice_questions_counts_agree_with_the_answers_read_one_by_one(programme):
    """A choice question without a right answer (which tools the participants use): how
    often each option was chosen, grouped in the database by the codes chosen; a draft's
    answers count for nothing."""
    post = Questionnaire.objects.get(programme=programme, kind="post")
    section = post.sections.order_by("-position").first()
    question = Question.objects.create(
        section=section,
        position=99,
        code="tools",
        kind=Question.Kind.MULTIPLE,
        text_es="¿Qué herramientas usa?",
        text_en="Which tools do you use?",
        required=False,
    )
    for code in "abc":
        question.choices.create(code=code, text_es=code, text_en=code)
    responses = list(post.responses.filter(submitted_at__isnull=False).order_by("pk"))
    picks = [["a"], ["a", "b"], ["c"], [], ["b", "a"]]
    Answer.objects.bulk_create(
        Answer(response=response, question=question, choice_codes=picks[i % len(picks)])
        for i, response in enumerate(responses)
    )
    Response.objects.filter(pk=responses[0].pk).update(submitted_at=None)
    chosen, answered = Counter(), 0
    for answer in _submitted_answers(programme).filter(question=question):
        answered += bool(answer.choice_codes)
        chosen.update(answer.choice_codes)
    assert len(responses) > len(picks) and len(chosen) == 3
    lines = {(line["test"], line["code"]): line for line in evaluation_report(programme)["choices"]}
    line = lines[("post", "tools")]
    assert line["n"] == answered
    assert {c["code"]: c["count"] for c in line["choices"]} == dict(chosen)


def test_expectations_are_set_beside_each_persons_satisfaction(programme):
    figures = evaluation_report(programme)["expectations_satisfaction"]
    per_person = defaultdict(lambda: {"pre": [], "post": []})
    for user_id, kind, section, value in Answer.objects.filter(
        response__questionnaire__programme=programme,
        response__submitted_at__isnull=False,
        question__kind="scale",
        question__section__kind__in=["expectations", "satisfaction"],
    ).values_list(
        "response__user_id", "response__questionnaire__kind", "question__section__kind", "scale"
    ):
        if (kind, section) in (("pre", "expectations"), ("post", "satisfaction")):
            per_person[user_id][kind].append(value)
    pairs = [
        (py_statistics.mean(p["pre"]), py_statistics.mean(p["post"]))
        for p in per_person.values()
        if p["pre"] and p["post"]
    ]
    assert figures["paired_n"] == len(pairs) > 0
    # As shown: means with one decimal, shares as whole percentages (`capacita.shared.rounding`).
    assert figures["mean_expectations"] == rounding.half_up(
        py_statistics.mean(a for a, _ in pairs), 1
    )
    assert figures["mean_satisfaction"] == rounding.half_up(
        py_statistics.mean(b for _, b in pairs), 1
    )
    assert figures["met"] == rounding.share(sum(b >= a for a, b in pairs) / len(pairs))


def test_written_answers_are_listed_without_their_authors(client_as, programme, users):
    other = get_user_model().objects.create_user(
        "escribe@example.org", "x", first_name="Nombre", last_name="Muy-Reconocible"
    )
    Membership.objects.create(
        programme=programme, user=other, role=Role.PARTICIPANT, country=programme.countries.first()
    )
    post = Questionnaire.objects.get(programme=programme, kind="post")
    response = Response.objects.create(
        questionnaire=post, user=other, submitted_at=timezone.now(), language="es"
    )
    refresh(programme, [other.pk])
    question = Question.objects.get(section__questionnaire=post, code="C01")
    Answer.objects.create(
        response=response, question=question, text="<script>alert(1)</script> Más práctica"
    )
    figures = evaluation_report(programme)
    comments = next(line for line in figures["texts"] if line["code"] == "C01")
    assert "<script>alert(1)</script> Más práctica" in comments["answers"]
    content = client_as("manager").get(report_url(programme)).content.decode()
    written = content[content.index('id="texts"') : content.index('id="participants"')]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Más práctica" in written
    assert "Muy-Reconocible" not in written
    assert "<script>alert" not in content


def test_the_participants_table_links_each_test_taken(client_as, programme):
    figures = evaluation_report(programme)
    taken = next(p for p in figures["participants"] if p["pre_state"] == "submitted")
    content = client_as("manager").get(report_url(programme)).content.decode()
    user = get_user_model().objects.get(pk=taken["user_id"])
    assert f'href="{answers_url(programme, "pre", user)}"' in content


def test_a_manager_reads_a_participants_submitted_answers(client_as, programme):
    response = (
        Response.objects.filter(questionnaire__programme=programme, submitted_at__isnull=False)
        .select_related("user", "questionnaire")
        .first()
    )
    page = client_as("manager").get(
        answers_url(programme, response.questionnaire.kind, response.user)
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert response.user.get_full_name() in content
    assert f"Knowledge score: {rounding.percent(knowledge_score(response))} %" in content
    knowledge_answer = response.answers.filter(question__code="K01").first()
    if knowledge_answer and knowledge_answer.choice_codes:
        assert f"{knowledge_answer.choice_codes[0]}) " in content


def test_a_half_answered_test_is_shown_as_not_submitted(client_as, programme, users):
    participant = users["participant"]
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    Response.objects.filter(questionnaire=pre, user=participant).delete()
    draft = Response.objects.create(questionnaire=pre, user=participant, language="es")
    Answer.objects.create(
        response=draft,
        question=Question.objects.get(section__questionnaire=pre, code="E04"),
        text="Borrador a medias",
    )
    content = client_as("manager").get(answers_url(programme, "pre", participant)).content.decode()
    assert "Started, not submitted" in content and "Borrador a medias" in content
    assert evaluation_report(programme)["respondents"]["pre"]["in_progress"] >= 1
    assert "Borrador a medias" not in str(evaluation_report(programme)["texts"])


def test_answers_of_someone_who_is_not_a_participant_are_not_found(client_as, programme, users):
    page = client_as("manager").get(answers_url(programme, "pre", users["observer"]))
    assert page.status_code == 404


def test_the_workbook_has_a_sheet_per_table(client_as, programme):
    download = client_as("manager").get(
        reverse("evaluation:report_xlsx", kwargs={"slug": programme.slug})
    )
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(download.content))
    assert {"Knowledge", "Participants", "Items", "Scales", "Written answers"} <= set(
        workbook.sheetnames
    )
    scales = workbook["Scales"]
    codes = {row[1] for row in scales.iter_rows(min_row=2, values_only=True)}
    assert {"E01", "S01", "U01"} <= codes


def test_the_report_runs_the_same_queries_whatever_the_number_of_participants(programme):
    def count():
        with CaptureQueriesContext(connection) as queries:
            evaluation_report(programme)
        return len(queries.captured_queries)

    before = count()
    post = Questionnaire.objects.get(programme=programme, kind="post")
    questions = list(Question.objects.filter(section__questionnaire=post))
    country = programme.countries.first()
    for number in range(30):
        user = get_user_model().objects.create_user(
            f"extra.{number}@example.org", "x", first_name="Extra", last_name=f"{number}"
        )
        Membership.objects.create(
            programme=programme, user=user, role=Role.PARTICIPANT, country=country
        )
        response = Response.objects.create(
            questionnaire=post, user=user, submitted_at=timezone.now(), language="es"
        )
        Answer.objects.bulk_create(
            Answer(
                response=response,
                question=question,
                scale=4 if question.kind == "scale" else None,
                text="Texto" if question.kind == "text" else "",
                choice_codes=["a"] if question.has_choices else [],
            )
            for question in questions
        )
    refresh(programme)
    assert count() == before
