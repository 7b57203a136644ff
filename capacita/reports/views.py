"""A country's report and the programme's final balance: as pages, PDFs and workbooks."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from capacita.evaluation.report import evaluation_report
from capacita.programmes import permissions
from capacita.programmes.models import Country, Membership, Programme, Role
from capacita.shared import text_limits
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded
from capacita.shared.posted import NUL_MESSAGE, has_nul
from capacita.shared.text_limits import refusal

from . import background, documents, figures
from .charts import attendance_chart, balance_chart
from .models import BalanceNarrative

# Above this many participants the balance's files are made by the task worker
# (`capacita.jobs`), with their progress shown: in the request they would run past the
# server's timeout.
BALANCE_IN_REQUEST_UP_TO = 1000
# Above this many participants of the country its report's PDF is made by the task worker:
# the PDF lists each of them (about 8 ms a line in WeasyPrint: 2 s for 250, 7 s for 900).
COUNTRY_PDF_IN_REQUEST_UP_TO = 200


def _country(request, slug, code):
    programme = get_object_or_404(Programme, slug=slug)
    country = get_object_or_404(Country, code=code.upper(), programmes=programme)
    _allow(request, permissions.can_read_country_report(request.user, programme, country))
    return programme, country


def _balance_programme(request, slug):
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.can_read_balance(request.user, programme))
    return programme


def _readable_countries(request, programme) -> list:
    """The member countries whose report the visitor may read, by name."""
    readable = permissions.country_reports(request.user, programme)
    members = programme.member_countries.select_related("country")
    return sorted(
        (m.country for m in members if readable is None or m.country.pk in readable),
        key=lambda country: country.name,
    )


@_guarded
def countries(request, slug):
    """The country reports as one page: choose a country (a focal point of one country goes
    straight to its report)."""
    programme = get_object_or_404(Programme, slug=slug)
    choices = _readable_countries(request, programme)
    _allow(request, bool(choices))
    wanted = (request.GET.get("country") or "").upper()
    chosen = next((country for country in choices if country.code == wanted), None)
    if chosen is None and len(choices) == 1:
        chosen = choices[0]
    if chosen is not None:
        return redirect("reports:country", slug=slug, code=chosen.code)
    return render(
        request,
        "reports/countries.html",
        {"programme": programme, "countries": choices, "unknown": bool(wanted)},
    )


@_guarded
def country_report(request, slug, code):
    programme, country = _country(request, slug, code)
    report = figures.country_report(programme, country, with_people=False)
    return render(
        request,
        "reports/country.html",
        {
            "programme": programme,
            "country": country,
            "report": report,
            "shown": figures.country_people(programme, country, request.GET),
            "origins": documents.participant_origins(programme, country),
            "attendance_chart": attendance_chart(report),
            "countries": _readable_countries(request, programme),
        },
    )


@_guarded
def country_document(request, slug, code, fmt):
    programme, country = _country(request, slug, code)
    if fmt == "pdf" and (
        Membership.objects.filter(
            programme=programme, role=Role.PARTICIPANT, country=country
        ).count()
        > COUNTRY_PDF_IN_REQUEST_UP_TO
    ):
        start = reverse("jobs:start", kwargs={"slug": slug, "kind": background.COUNTRY_PDF})
        return redirect(f"{start}?{urlencode({'country': country.code})}")
    report = figures.country_report(programme, country)
    name = f"{programme.slug}-{country.code.lower()}"
    return _download(documents.country_document(programme, report, fmt), name, fmt)


@_guarded
def balance(request, slug, refused=None, status=200):
    """The final balance; after a refused save of its texts, `refused` holds them as typed."""
    programme = _balance_programme(request, slug)
    evaluation = evaluation_report(programme, whole=False)
    report = figures.programme_balance(programme, evaluation, members=False)
    if refused is not None:
        report["narrative"] = refused
    return render(
        request,
        "reports/balance.html",
        {
            "programme": programme,
            "report": report,
            "origins": documents.participant_origins(programme),
            "evaluation": evaluation,
            "chart": balance_chart(evaluation),
            "attendance_chart": attendance_chart(report),
            "limits": text_limits,
        },
        status=status,
    )


@_guarded
def balance_document(request, slug, fmt):
    programme = _balance_programme(request, slug)
    participants = Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
    if participants.count() > BALANCE_IN_REQUEST_UP_TO:
        return redirect("jobs:start", slug=slug, kind=background.BALANCE[fmt])
    content = documents.balance_document(programme, fmt)
    return _download(content, f"{programme.slug}-{_('balance')}", fmt)


@_guarded
@require_POST
def narrative(request, slug):
    programme = _balance_programme(request, slug)
    if has_nul(request.POST):
        messages.error(request, NUL_MESSAGE)
        return redirect("reports:balance", slug=slug)
    texts = {name: request.POST.get(name, "").strip() for name in ("recommendations", "lessons")}
    problems = [refusal(BalanceNarrative, name, text) for name, text in texts.items()]
    if any(problems):
        for problem in filter(None, problems):
            messages.error(request, problem)
        return balance(request, slug, refused=texts, status=400)
    BalanceNarrative.objects.update_or_create(
        programme=programme, defaults={**texts, "updated_by": request.user}
    )
    messages.success(request, _("The balance's text was saved."))
    return redirect("reports:balance", slug=slug)


def _download(content: bytes, name: str, fmt: str) -> HttpResponse:
    types = {
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
    return response
