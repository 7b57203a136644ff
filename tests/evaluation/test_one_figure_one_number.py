"""One figure, one number: every percentage is rounded once, half up
(`capacita.shared.rounding`), so the report's page, its chart, its workbook, the JSON and the
balance's PDF give the same number for the same figure."""

from __future__ import annotations

import io
import json
import statistics as py_statistics

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from capacita.evaluation.report import evaluation_report
from capacita.shared import rounding

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("share", "whole"),
    [
        (0.825, 83),  # Python's round(82.5) is 82
        (0.835, 84),
        (0.285, 29),  # 0.285 * 100 is 28.499999999999996
        (0.8249999999999999, 83),  # a mean's float noise is not a figure
        (0.8249, 82),
        (-0.225, -23),  # away from zero, as a gain that is a loss
        (0.005, 1),
        (0, 0),
        (1, 100),
    ],
)
def test_a_share_is_rounded_half_up_to_a_whole_percentage(share, whole):
    assert rounding.percent(share) == whole
    assert rounding.share(share) == whole / 100


def test_decimals_are_rounded_half_up_too():
    assert rounding.half_up(2.675, 2) == 2.68  # round() gives 2.67
    assert rounding.half_up(3.45, 1) == 3.5
    assert rounding.half_up(0.5) == 1 and rounding.half_up(2.5) == 3
    assert rounding.percent(None) is None and rounding.half_up(None, 1) is None


@pytest.mark.pdf
def test_the_mean_after_is_the_same_number_in_the_page_the_chart_the_workbook_json_and_pdf(
    client_as, programme
):
    # The demo's paired participants score 82.5 % on average after the programme: a half,
    # which Python's round() takes down to 82 and half up takes to 83.
    figures = evaluation_report(programme)
    pairs = [
        (p["pre"], p["post"]) for p in figures["participants"] if None not in (p["pre"], p["post"])
    ]
    raw_after = py_statistics.mean(post for _pre, post in pairs)
    assert raw_after == pytest.approx(0.825)
    before = rounding.percent(py_statistics.mean(pre for pre, _post in pairs))
    after, gain = 83, 23

    client = client_as("manager")
    page = client.get(reverse("evaluation:report", kwargs={"slug": programme.slug}))
    content = page.content.decode()
    headline = content[
        content.index('id="headline"') : content.index("</p>", content.index('id="headline"'))
    ]
    assert f"went from {before} % to {after} % (+{gain} points)" in headline
    table = content[content.index('id="knowledge-figures"') :]
    assert f"<td>{before} % / {after} %</td>" in table
    chart = content[content.index('id="chart-by-country-desc"') :].split("</desc>")[0]
    assert f"All participants: Before (pre-test) {before} %, After (post-test) {after} %" in chart

    workbook = load_workbook(
        io.BytesIO(
            client.get(reverse("evaluation:report_xlsx", kwargs={"slug": programme.slug})).content
        )
    )
    rows = workbook["Knowledge"].iter_rows(min_row=2, max_col=2)
    mean_post = next(value for name, value in rows if name.value == "mean_post")
    assert mean_post.value == after / 100 and mean_post.number_format == "0%"

    out = io.StringIO()
    call_command("report", programme.slug, stdout=out)
    report = json.loads(out.getvalue())
    assert report["knowledge"]["mean_post"] == after / 100
    assert report["knowledge"]["mean_gain"] == gain / 100

    pdf = client.get(
        reverse("reports:balance_document", kwargs={"slug": programme.slug, "fmt": "pdf"})
    )
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert f"went from {before} % to {after} % (+{gain} points)" in text
    balance = client.get(
        reverse("reports:balance", kwargs={"slug": programme.slug})
    ).content.decode()
    assert f"went from {before} % to {after} % (+{gain} points)" in balance
    # A country's line: the same numbers in the balance's table and in its chart.
    line = next(g for g in figures["by_country"] if g["summary"] and g["summary"]["mean_pre"])
    pre, post = (rounding.percent(line["summary"][key]) for key in ("mean_pre", "mean_post"))
    assert f"{pre} % → {post} %" in balance
    assert f"{line['label']}: Before (pre-test) {pre} %, After (post-test) {post} %" in balance


def test_each_share_in_the_report_is_a_whole_percentage(programme):
    figures = evaluation_report(programme)
    shares = [figures["knowledge"][key] for key in ("mean_pre", "mean_post", "gain_ci_low")]
    shares += [item[key] for item in figures["items"] for key in ("pre_correct", "change")]
    shares += [line["agreeing"] for line in figures["scales"]]
    for value in filter(lambda v: v is not None, shares):
        assert value == rounding.percent(value) / 100
