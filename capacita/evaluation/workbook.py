"""The evaluation figures as an XLSX workbook: one sheet per table. The figures are those of
`report.evaluation_report`, already rounded as they are shown; shares are written as the
fractions they are, formatted as whole percentages ("0%"), so a cell reads what the page
reads."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from openpyxl import Workbook

from capacita.shared.sheets import fill_sheet, saved, sheet_cell

from .report import SHARES

PERCENT_FORMAT = "0%"


def sheet(workbook, title, header, rows, *, percent_columns=()):
    """A sheet of `rows` under a bold `header`; the cells of `percent_columns` (numbers
    from 1) that hold a number are formatted as whole percentages."""
    # Sheet names may not hold []:*?/\ and have at most 31 characters.
    sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", "-", title)[:31])
    fill_sheet(sheet, header, rows, sheet_cell)
    for column in percent_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = PERCENT_FORMAT
    return sheet


def _figure_sheet(workbook, title, figures: dict):
    """A sheet of (figure, value) rows: the shares formatted as percentages."""
    made = sheet(workbook, title, [_("Figure"), _("Value")], list(figures.items()))
    for name, value in made.iter_rows(min_row=2, max_col=2):
        if name.value in SHARES and isinstance(value.value, int | float):
            value.number_format = PERCENT_FORMAT
    return made


def report_workbook(report: dict) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _figure_sheet(workbook, _("Knowledge"), report["knowledge"])
    sheet(
        workbook,
        _("Participants"),
        [_("E-mail"), _("Name"), _("Country"), _("Pre-test"), _("Post-test")],
        [
            (p["email"], p["name"], p["country"], p["pre"], p["post"])
            for p in report["participants"]
        ],
        percent_columns=(4, 5),
    )
    for key, title in (
        ("by_country", _("By country")),
        ("by_profile", _("By profile")),
        ("by_gender", _("By sex/gender")),
    ):
        sheet(
            workbook,
            title,
            [
                _("Group"),
                _("People"),
                _("Pairs"),
                _("Mean before"),
                _("Mean after"),
                _("Mean gain"),
            ],
            [
                (
                    group["label"],
                    group["size"],
                    (group["summary"] or {}).get("paired_n"),
                    (group["summary"] or {}).get("mean_pre"),
                    (group["summary"] or {}).get("mean_post"),
                    (group["summary"] or {}).get("mean_gain"),
                )
                for group in report[key]
            ],
            percent_columns=(4, 5, 6),
        )
    sheet(
        workbook,
        _("Items"),
        [_("Item"), _("Question"), _("Correct before"), _("Correct after"), _("Change")],
        [
            (i["code"], i["question"], i["pre_correct"], i["post_correct"], i["change"])
            for i in report["items"]
        ],
        percent_columns=(3, 4, 5),
    )
    _figure_sheet(workbook, _("Expectations and satisfaction"), report["expectations_satisfaction"])
    points = [str(point) for point in range(1, 6)]
    sheet(
        workbook,
        _("Scales"),
        [_("Test"), _("Question"), _("Text"), *points, _("Answers"), _("Mean"), _("Agree (4–5)")],
        [
            (
                line["test"],
                line["code"],
                line["question"],
                *(line["counts"][point] for point in points),
                line["n"],
                line["mean"],
                line["agreeing"],
            )
            for line in report["scales"]
        ],
        percent_columns=(11,),
    )
    sheet(
        workbook,
        _("Choices"),
        [_("Test"), _("Question"), _("Text"), _("Choice"), _("Answers"), _("Share")],
        [
            (
                line["test"],
                line["code"],
                line["question"],
                choice["text"],
                choice["count"],
                choice["share"],
            )
            for line in report["choices"]
            for choice in line["choices"]
        ],
        percent_columns=(6,),
    )
    sheet(
        workbook,
        _("Written answers"),
        [_("Test"), _("Question"), _("Text"), _("Answer")],
        [
            (line["test"], line["code"], line["question"], answer)
            for line in report["texts"]
            for answer in line["answers"]
        ],
    )
    return saved(workbook)
