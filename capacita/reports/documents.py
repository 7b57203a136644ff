"""A country report and the final balance as a PDF (WeasyPrint, in the active language) and
as an XLSX workbook with one sheet per table, from the same figures as the pages."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from capacita.certificates.pdf import FONTS_DIR, LocalURLFetcher
from capacita.evaluation.report import evaluation_report
from capacita.evaluation.workbook import report_workbook, sheet
from capacita.sheets import saved

from . import figures
from .charts import attendance_chart, balance_chart


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {**context, "fonts": FONTS_DIR.as_uri()})
    return HTML(string=html, url_fetcher=LocalURLFetcher()).write_pdf()


def country_document(programme, report: dict, fmt: str) -> bytes:
    if fmt == "pdf":
        return _pdf(
            "reports/country_pdf.html",
            {
                "programme": programme,
                "report": report,
                "attendance_chart": attendance_chart(report),
            },
        )
    workbook = Workbook()
    workbook.remove(workbook.active)
    _common_sheets(workbook, report)
    knowledge = report["knowledge"] or {}
    summary = knowledge.get("summary") or {}
    sheet(
        workbook,
        _("Knowledge"),
        [_("Figure"), _("Value")],
        [("people", knowledge.get("size")), ("hidden", knowledge.get("hidden"))]
        + list(summary.items()),
    )
    return saved(workbook)


def balance_document(programme, fmt: str) -> bytes:
    report = figures.programme_balance(programme)
    evaluation = evaluation_report(programme)
    if fmt == "pdf":
        return _pdf(
            "reports/balance_pdf.html",
            {
                "programme": programme,
                "report": report,
                "evaluation": evaluation,
                "chart": balance_chart(evaluation),
                "attendance_chart": attendance_chart(report),
            },
        )
    # The evaluation's sheets first, then the balance's own.
    workbook = load_workbook(io.BytesIO(report_workbook(evaluation)))
    _common_sheets(workbook, report)
    sheet(
        workbook,
        _("Countries"),
        [
            _("Country"),
            _("Participants"),
            _("All requirements met"),
            _("Certificates"),
            *(
                _("Attended session %(number)s") % {"number": s["session"]}
                for s in report["attendance"]
            ),
            *(
                _("Completed %(course)s (on time / late)") % {"course": c["course"]}
                for c in report["completion"]
            ),
            _("Mean before"),
            _("Mean after"),
        ],
        [
            (
                line["country"],
                line["participants"],
                line["requirements_met"],
                line["certificates"],
                *(session["attended"] for session in line["attendance"]),
                *(f"{course['completed']} / {course['late']}" for course in line["completion"]),
                *_country_means(line["knowledge"]),
            )
            for line in report["countries"]
        ],
    )
    sheet(
        workbook,
        _("Group work"),
        [_("Session"), _("Group"), _("Question"), _("Answer")],
        [
            (session["session"], group["name"], answer["question"], answer["text"])
            for session in report["group_work"]
            for group in session["groups"]
            for answer in group["answers"]
        ],
    )
    sheet(
        workbook,
        _("Narrative"),
        [_("Part"), _("Text")],
        [
            (_("Recommendations"), report["narrative"]["recommendations"]),
            (_("Lessons learned"), report["narrative"]["lessons"]),
        ],
    )
    return saved(workbook)


def _common_sheets(workbook, report: dict) -> None:
    nominations = report["nominations"]
    sheet(
        workbook,
        _("Nominations"),
        [_("Country"), _("Quota"), _("Total"), *nominations["by_status"].keys()],
        [
            (
                line["country"],
                line["quota"],
                line["total"],
                *(line[s] for s in nominations["by_status"]),
            )
            for line in nominations["by_country"]
        ],
    )
    sheet(
        workbook,
        _("Attendance"),
        [_("Session"), _("Attended"), _("Absent"), _("Excused"), _("Not recorded")],
        [
            (
                line["session"],
                line["attended"],
                line["absent"],
                line["excused"],
                line["not_recorded"],
            )
            for line in report["attendance"]
        ],
    )
    sheet(
        workbook,
        _("Courses"),
        [_("Course"), _("Completed"), _("Completed late"), _("Not completed"), _("Pending")],
        [
            (
                line["course"],
                line["completed"],
                line["late"],
                line["not_completed"],
                line["pending"],
            )
            for line in report["completion"]
        ],
    )
    if "participants" in report:
        sheet(
            workbook,
            _("Participants"),
            [
                _("Name"),
                _("E-mail"),
                _("Country"),
                _("Sessions attended"),
                _("Courses completed"),
                _("All requirements met"),
                _("Certificate"),
                _("Missing"),
            ],
            [
                (
                    person["name"],
                    person["email"],
                    person["country"],
                    person["sessions_attended"],
                    person["courses_completed"],
                    _("yes") if person["requirements_met"] else _("no"),
                    _("yes") if person["certificate"] else _("no"),
                    "; ".join(person["missing"]),
                )
                for person in report["participants"]
            ],
        )


def _country_means(knowledge) -> tuple:
    summary = (knowledge or {}).get("summary") or {}
    return summary.get("mean_pre"), summary.get("mean_post")
