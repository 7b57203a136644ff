"""The evaluation figures as an XLSX workbook: one sheet per table."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from openpyxl import Workbook

from capacita.sheets import fill_sheet, saved, sheet_cell


def sheet(workbook, title, header, rows):
    # Sheet names may not hold []:*?/\ and have at most 31 characters.
    sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", "-", title)[:31])
    fill_sheet(sheet, header, rows, sheet_cell)
    return sheet


def report_workbook(report: dict) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet(
        workbook,
        _("Knowledge"),
        [_("Figure"), _("Value")],
        [(key, value) for key, value in report["knowledge"].items()],
    )
    sheet(
        workbook,
        _("Participants"),
        [_("E-mail"), _("Name"), _("Country"), _("Pre-test"), _("Post-test")],
        [
            (p["email"], p["name"], p["country"], p["pre"], p["post"])
            for p in report["participants"]
        ],
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
        )
    sheet(
        workbook,
        _("Items"),
        [_("Item"), _("Question"), _("Correct before"), _("Correct after"), _("Change")],
        [
            (i["code"], i["question"], i["pre_correct"], i["post_correct"], i["change"])
            for i in report["items"]
        ],
    )
    sheet(
        workbook,
        _("Expectations and satisfaction"),
        [_("Figure"), _("Value")],
        list(report["expectations_satisfaction"].items()),
    )
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
