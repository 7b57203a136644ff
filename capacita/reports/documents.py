"""A country report and the final balance as a PDF (WeasyPrint, in the active language) and
as an XLSX workbook with one sheet per table, from the same figures as the pages.

The PDFs open as the certificate does, with the organisers' logos (read through the storage
as `data:` URLs: the URL fetcher serves only the fonts and `data:`), their names, and the
programme's title and dates. WeasyPrint styles an inline SVG only from a `<style>` inside
it, never from the document's style sheets: each chart therefore carries its colours and
patterns within (`print_chart`), the very rules that colour it on the page."""

from __future__ import annotations

import dataclasses
import io
from functools import lru_cache
from pathlib import Path

import tinycss2
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from capacita.certificates.pdf import programme_dates
from capacita.evaluation.report import evaluation_report
from capacita.evaluation.workbook import report_workbook, sheet
from capacita.nominations.models import Nomination
from capacita.programmes.models import Country, Membership, Role
from capacita.shared.pdf import FONTS_DIR, LocalURLFetcher, image_url
from capacita.shared.sheets import saved

from . import figures
from .charts import attendance_chart, balance_chart

# The page's style sheet, whose chart rules the PDFs reuse (read here, never written).
PAGE_STYLE_SHEET = Path(__file__).resolve().parents[1] / "static" / "capacita" / "capacita.css"
# What the charts need on paper besides the page's rules.
PRINT_CHART_CSS = Path(__file__).resolve().parent / "templates" / "reports" / "chart_print.css"


def participant_origins(programme, country=None) -> dict:
    """Why "accepted" and "participants" may differ: how many participants came in through
    an accepted nomination, how many were registered directly by the managers without one
    (the demo's participant accounts, a late addition), and how many accepted nominees are
    not among the participants (their account was removed from the programme)."""
    everyone = Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
    accepted = Nomination.objects.filter(programme=programme, status=Nomination.Status.ACCEPTED)
    # Counted in the database: a programme of thousands has thousands of each.
    nominated_users = accepted.filter(user_id__isnull=False).values("user_id")
    members, mine_accepted = everyone, accepted
    if country is not None:
        members = members.filter(country=country)
        mine_accepted = accepted.filter(country=country)
    total = members.count()
    from_nominations = members.filter(user_id__in=nominated_users).count()
    # An accepted nominee without an account is not among the participants either.
    not_participating = mine_accepted.filter(user_id__isnull=True).count() + (
        mine_accepted.filter(user_id__isnull=False)
        .exclude(user_id__in=everyone.values("user_id"))
        .count()
    )
    return {
        "total": total,
        "nominated": from_nominations,
        "direct": total - from_nominations,
        "not_participating": not_participating,
    }


def masthead(programme) -> dict:
    """What heads every report, as on the certificate: the organisers (logo and name), the
    programme's title and dates, in the active language."""
    organisers = [
        {"name": organiser.name, "acronym": organiser.acronym, "logo": image_url(organiser.logo)}
        for organiser in programme.organisers.all()
    ]
    return {
        "title": programme.title,
        "dates": programme_dates(programme, _language()),
        "organisers": organisers,
        "logos": [organiser for organiser in organisers if organiser["logo"]],
    }


def _language() -> str:
    language = (translation.get_language() or "es").split("-")[0]
    return language if language in ("es", "en") else "es"


def print_chart(chart):
    """The chart with its style inside the SVG, for WeasyPrint: the page's `.chart` rules
    (colours, the hatched "before", the segments' borders) and the print additions."""
    if chart is None:
        return None
    svg = str(chart.svg)
    if not svg.endswith("</svg>"):
        raise ValueError("a chart is one <svg> element")
    # Inside an SVG, <style> is parsed as ordinary markup: its text is escaped like any.
    style = "<style>" + escape(chart_css()) + "</style>"
    return dataclasses.replace(chart, svg=mark_safe(svg[: -len("</svg>")] + style + "</svg>"))  # noqa: S308


def chart_css() -> str:
    """The charts' style for print, read again only when a style sheet changed."""
    return _chart_css(
        PAGE_STYLE_SHEET,
        PAGE_STYLE_SHEET.stat().st_mtime_ns,
        PRINT_CHART_CSS.stat().st_mtime_ns,
    )


@lru_cache(maxsize=4)
def _chart_css(path: Path, _page_version: int, _print_version: int) -> str:
    """The rules of the page's style sheet that style a chart's insides (their selectors
    start with `.chart ` — not the `.chart` box itself, which the PDF's own sheet sizes),
    then the print additions."""
    rules = []
    for rule in tinycss2.parse_stylesheet(
        path.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True
    ):
        if rule.type != "qualified-rule":
            continue  # @media and the like: for screens
        selectors = [
            selector.strip()
            for selector in tinycss2.serialize(rule.prelude).split(",")
            if selector.strip().startswith(".chart ")
        ]
        if selectors:
            rules.append(f"{', '.join(selectors)} {{{tinycss2.serialize(rule.content)}}}")
    rules.append(PRINT_CHART_CSS.read_text(encoding="utf-8"))
    return "\n".join(rules)


def _pdf_of(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=LocalURLFetcher()).write_pdf()


def _html(template: str, context: dict) -> str:
    return render_to_string(template, {**context, "fonts": FONTS_DIR.as_uri()})


def country_html(programme, report: dict) -> str:
    """The HTML that the country report's PDF is made from."""
    country = Country.objects.get(code=report["country"])
    return _html(
        "reports/country_pdf.html",
        {
            "programme": programme,
            "masthead": masthead(programme),
            "report": report,
            "origins": participant_origins(programme, country),
            "attendance_chart": print_chart(attendance_chart(report)),
        },
    )


def balance_html(programme) -> str:
    """The HTML that the final balance's PDF is made from."""
    evaluation = evaluation_report(programme, whole=False)
    report = figures.programme_balance(programme, evaluation, members=False)
    return _html(
        "reports/balance_pdf.html",
        {
            "programme": programme,
            "masthead": masthead(programme),
            "report": report,
            "origins": participant_origins(programme),
            "evaluation": evaluation,
            "chart": print_chart(balance_chart(evaluation)),
            "attendance_chart": print_chart(attendance_chart(report)),
        },
    )


def country_document(programme, report: dict, fmt: str) -> bytes:
    if fmt == "pdf":
        return _pdf_of(country_html(programme, report))
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
    if fmt == "pdf":
        return _pdf_of(balance_html(programme))
    evaluation = evaluation_report(programme)
    report = figures.programme_balance(programme, evaluation, members=False)
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
