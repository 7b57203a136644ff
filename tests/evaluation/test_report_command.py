"""`capacita report <programme> --format json|xlsx`: the knowledge figures and the scores."""

from __future__ import annotations

import io
import json
import statistics as py_statistics

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook
from scipy import stats

from capacita.evaluation.models import Answer, Questionnaire, Response
from capacita.shared import rounding


def report_json(slug="crm-2021") -> dict:
    out = io.StringIO()
    call_command("report", slug, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_the_json_holds_the_knowledge_object_and_every_participant(demo):
    report = report_json()
    knowledge = report["knowledge"]
    for key in ("paired_n", "mean_pre", "mean_post", "mean_gain", "normalized_gain", "wilcoxon_p"):
        assert key in knowledge
    emails = {row["email"] for row in report["participants"]}
    assert "participant.mx@example.org" in emails
    for row in report["participants"]:
        assert set(row) >= {"email", "pre", "post"}
        for score in (row["pre"], row["post"]):
            assert score is None or 0 <= score <= 1


def test_the_knowledge_figures_agree_with_the_participants_scores(demo):
    report = report_json()
    pairs = [
        (r["pre"], r["post"]) for r in report["participants"] if None not in (r["pre"], r["post"])
    ]
    knowledge = report["knowledge"]
    assert knowledge["paired_n"] == len(pairs) > 0
    # Every share is given as shown: a whole percentage, rounded half up.
    assert knowledge["mean_pre"] == rounding.share(py_statistics.mean(p for p, _ in pairs))
    assert knowledge["mean_post"] == rounding.share(py_statistics.mean(q for _, q in pairs))
    gains = [q - p for p, q in pairs]
    assert knowledge["mean_gain"] == rounding.share(py_statistics.mean(gains))
    changed = [g for g in gains if abs(g) > 1e-9]
    if len(changed) >= 6:
        assert knowledge["wilcoxon_p"] == pytest.approx(stats.wilcoxon(changed).pvalue, abs=1e-3)
    else:
        assert knowledge["wilcoxon_p"] is None
        assert knowledge["no_test_reason"]


def test_a_participant_with_only_the_pre_test_has_no_post_score(demo, users):
    participant = users["participant"]
    pre = Questionnaire.objects.get(programme=demo, kind="pre")
    response = Response.objects.create(
        questionnaire=pre, user=participant, language="es", submitted_at=timezone.now()
    )
    k01 = pre.sections.get(kind="knowledge").questions.get(code="K01")
    right = k01.choices.get(is_correct=True).code
    Answer.objects.create(response=response, question=k01, choice_codes=[right])

    [row] = [r for r in report_json()["participants"] if r["email"] == participant.email]
    assert row["pre"] == pytest.approx(0.1)  # one of ten items right, the rest left blank
    assert row["post"] is None


def test_the_workbook_has_a_sheet_per_table(demo, tmp_path):
    path = tmp_path / "report.xlsx"
    call_command("report", "crm-2021", "--format", "xlsx", "-o", str(path), stdout=io.StringIO())
    workbook = load_workbook(path)
    assert workbook.sheetnames[:10] == [
        "Knowledge",
        "Participants",
        "By country",
        "By profile",
        "By sex-gender",
        "Items",
        "Expectations and satisfaction",
        "Scales",
        "Choices",
        "Written answers",
    ]
    emails = [row[0] for row in workbook["Participants"].iter_rows(min_row=2, values_only=True)]
    assert "participant.mx@example.org" in emails


def test_the_json_holds_the_opinions_and_the_written_answers(demo):
    report = report_json()
    assert {line["code"] for line in report["scales"]} >= {"E01", "S01", "S04", "U01"}
    for line in report["scales"]:
        assert sum(line["counts"].values()) == line["n"]
    assert {line["code"] for line in report["texts"]} == {"E04", "U02", "C01"}
    assert any(line["answers"] for line in report["texts"])
    figures = report["expectations_satisfaction"]
    assert figures["paired_n"] > 0 and 1 <= figures["mean_expectations"] <= 5
    assert report["respondents"]["pre"]["submitted"] == sum(
        1 for row in report["participants"] if row["pre"] is not None
    )


def test_an_unknown_programme_is_an_error(db):
    with pytest.raises(CommandError):
        call_command("report", "no-such-programme", stdout=io.StringIO())
