"""Certificates: the public verification page, the holder's download, the managers' page."""

from __future__ import annotations

import io
import math

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import FileResponse, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from capacita.jobs import services as jobs
from capacita.jobs.kinds import kind_of
from capacita.programmes import permissions
from capacita.programmes.models import Programme
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded
from capacita.shared.people_pages import people_page_of
from capacita.shared.posted import NUL_MESSAGE, has_nul, posted_id

from . import background, codes, selectors, services
from .models import Certificate
from .rule import participants
from .throttle import client_address, note_failure, retry_after

# Above these, the work goes to the task worker (`capacita.jobs`), with its progress shown: in
# the request it would run past the server's timeout.
ARCHIVE_IN_REQUEST_UP_TO = 1000  # certificates in the ZIP file (each read and compressed)
ISSUE_IN_REQUEST_UP_TO = 10  # certificates issued (each rendered as a PDF and e-mailed)


def lookup(request):
    """The form where anyone types a code; it leads to the code's verification page."""
    typed = request.GET.get("code", "").strip()
    if typed:
        code = codes.normalized(typed)
        if code is not None:
            return redirect("verification:verify", code=codes.formatted(code))
        return verify(request, typed)
    return render(request, "certificates/verify.html", {"state": "form"})


def verify(request, code):
    """Valid (name, programme, dates, issue date), revoked (with the date), replaced, or not
    found. No e-mail or other personal data. A code that exists is always answered; past the
    limit of unknown codes from one address, an unknown code gets 429 with Retry-After."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    stored = codes.normalized(code)
    certificate = (
        Certificate.objects.select_related("programme").filter(code=stored).first()
        if stored
        else None
    )
    if certificate is not None:
        return render(
            request,
            "certificates/verify.html",
            {"state": certificate.status, "certificate": certificate},
        )
    address = client_address(request)
    wait = retry_after(address)
    if wait:
        # Not recorded: a client that keeps trying does not lengthen its own wait, and adds
        # no row to the table.
        response = render(
            request,
            "certificates/verify.html",
            {"state": "throttled", "minutes": math.ceil(wait / 60)},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    note_failure(address)
    return render(
        request,
        "certificates/verify.html",
        {"state": "not_found", "typed": code[:40]},
        status=404,
    )


@_guarded
def my_certificate(request, slug):
    """The holder's own valid certificate, as a PDF."""
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, request.user.is_authenticated)
    certificate = get_object_or_404(
        Certificate, programme=programme, user=request.user, status=Certificate.Status.VALID
    )
    return _pdf(certificate)


@_guarded
def certificate_pdf(request, slug, pk):
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.can_issue_certificates(request.user, programme))
    certificate = get_object_or_404(Certificate, programme=programme, pk=pk)
    _allow(request, permissions.can_download_certificate(request.user, certificate))
    return _pdf(certificate)


def _pdf(certificate):
    filename = f"{_('certificate')}-{certificate.programme.slug}-{certificate.code}.pdf"
    return FileResponse(
        services.stored_pdf(certificate),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )


def _managed(request, slug) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.can_issue_certificates(request.user, programme))
    return programme


@_guarded
def overview(request, slug):
    """Who earns a certificate and who does not, why, and the certificates issued: the
    counts of everyone, and a hundred participants a page, searched and filtered by verdict."""
    programme = _managed(request, slug)
    counts = selectors.verdict_counts(programme)
    chosen = request.GET.get("show", "")
    chosen = chosen if chosen in selectors.Verdict.ALL else ""
    listed = selectors.with_verdicts(participants(programme))
    if chosen:
        listed = listed.filter(verdict=chosen)
    shown = people_page_of(
        request.GET,
        listed.values_list("pk", "user__first_name", "user__last_name", "user__email"),
        lambda keys: {row.pk: row for row in participants(programme).filter(pk__in=keys)},
        filters={"show": chosen},
    )
    shown.page.object_list = services.standings(programme, shown.page.object_list)
    history = (
        Certificate.objects.filter(programme=programme)
        .exclude(status=Certificate.Status.VALID)
        .select_related("user", "replaced_by")
        .order_by("-ended_at")
    )
    return render(
        request,
        "certificates/overview.html",
        {
            "programme": programme,
            "rows": shown.page.object_list,
            "shown": shown,
            "counts": counts,
            "chosen": chosen,
            "due": counts[selectors.Verdict.ISSUED],
            "issued_count": counts[selectors.Verdict.HAS_ONE],
            "history": history,
            "Verdict": selectors.Verdict,
            "issuing": jobs.under_way(programme, background.ISSUE),
        },
    )


@_guarded
@require_POST
def issue_all(request, slug):
    programme = _managed(request, slug)
    due = selectors.verdict_counts(programme)[selectors.Verdict.ISSUED]
    if due > ISSUE_IN_REQUEST_UP_TO or jobs.under_way(programme, background.ISSUE):
        job = jobs.request_job(programme, kind_of(background.ISSUE), request.user)
        return redirect("jobs:job", slug=slug, pk=job.pk)
    outcome = services.issue_certificates(programme, request.user)
    count = len(outcome.issued)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s certificate issued; its holder receives it by e-mail.",
                "%(count)s certificates issued; each holder receives theirs by e-mail.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("No new certificate: nobody else meets the rule yet."))
    return redirect("certificates:overview", slug=slug)


@_guarded
@require_POST
def issue_one(request, slug):
    programme = _managed(request, slug)
    user = get_object_or_404(get_user_model(), pk=posted_id(request.POST.get("user")) or 0)
    if has_nul(request.POST):
        messages.error(request, NUL_MESSAGE)
        return redirect("certificates:overview", slug=slug)
    try:
        certificate = services.issue_by_hand(
            programme, user, request.POST.get("reason", ""), request.user
        )
    except services.CertificateError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Certificate %(code)s issued to %(name)s.")
            % {"code": certificate.formatted_code, "name": certificate.holder_name},
        )
    return redirect("certificates:overview", slug=slug)


@_guarded
@require_POST
def revoke(request, slug, pk):
    programme = _managed(request, slug)
    certificate = get_object_or_404(Certificate, programme=programme, pk=pk)
    if has_nul(request.POST):
        messages.error(request, NUL_MESSAGE)
        return redirect("certificates:overview", slug=slug)
    try:
        services.revoke(certificate, request.POST.get("reason", ""), request.user)
    except services.CertificateError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Certificate %(code)s revoked.") % {"code": certificate.formatted_code}
        )
    return redirect("certificates:overview", slug=slug)


@_guarded
@require_POST
def reissue(request, slug, pk):
    programme = _managed(request, slug)
    certificate = get_object_or_404(Certificate, programme=programme, pk=pk)
    if has_nul(request.POST):
        messages.error(request, NUL_MESSAGE)
        return redirect("certificates:overview", slug=slug)
    try:
        new = services.reissue(certificate, request.POST.get("reason", ""), request.user)
    except services.CertificateError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Certificate %(old)s replaced by %(new)s, issued to %(name)s.")
            % {
                "old": certificate.formatted_code,
                "new": new.formatted_code,
                "name": new.holder_name,
            },
        )
    return redirect("certificates:overview", slug=slug)


@_guarded
def archive(request, slug):
    """Every valid certificate of the programme as one ZIP file: made in the request for a
    few hundred, by the task worker for more (this address then leads to it)."""
    programme = _managed(request, slug)
    valid = Certificate.objects.filter(programme=programme, status=Certificate.Status.VALID)
    if valid.count() > ARCHIVE_IN_REQUEST_UP_TO:
        return redirect("jobs:start", slug=slug, kind=background.ARCHIVE)
    buffer = io.BytesIO()
    services.write_archive(programme, buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{programme.slug}-{_('certificates')}.zip"
    )
    return response
