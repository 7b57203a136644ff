"""The programme's record of decisions, for its managers: a page and its exports."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header

from capacita.agenda.timezones import viewer_zone
from capacita.programmes import permissions
from capacita.programmes.models import Programme
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded

from .exports import audit_csv, audit_xlsx
from .filters import filter_form, filtered_events
from .selectors import audit_rows

PER_PAGE = 50

EXPORTS = {
    "csv": (audit_csv, "text/csv; charset=utf-8"),
    "xlsx": (
        audit_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


def _audited(request, slug):
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.can_read_audit(request.user, programme))
    return programme


@_guarded
def events(request, slug):
    """Every recorded decision, newest first, filtered by person, kind and dates."""
    programme = _audited(request, slug)
    form = filter_form(request.GET)
    page = Paginator(filtered_events(programme, form), PER_PAGE).get_page(request.GET.get("page"))
    zone, _message = viewer_zone(None, request.user, programme)
    rows = audit_rows(page.object_list, programme=programme, zone=zone)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {
            "programme": programme,
            "form": form,
            "page": page,
            "rows": rows,
            "zone": zone.key,
            "query": query.urlencode(),
        },
    )


@_guarded
def export(request, slug, fmt):
    """The same events as the page with the same filters, every page of them."""
    programme = _audited(request, slug)
    if fmt not in EXPORTS:
        raise Http404
    build, content_type = EXPORTS[fmt]
    body = build(programme, filtered_events(programme, filter_form(request.GET)))
    download = HttpResponse(body, content_type=content_type)
    download["Content-Disposition"] = content_disposition_header(
        True, f"{programme.slug}-audit.{fmt}"
    )
    return download
