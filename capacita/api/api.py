"""Capacita's API, version 1 (`/api/v1/`): what its pages show and the nominations upload,
for other systems. Each endpoint asks `capacita.programmes.permissions`, as the pages do, and
reads through the same selectors and services: a token's owner sees and does through the
API what they see and do on the pages, no more."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.pagination import PageNumberPagination, paginate

from capacita.agenda.selectors import sessions_with_agenda
from capacita.agenda.timezones import zone_choices
from capacita.certificates import codes
from capacita.certificates.models import Certificate
from capacita.certificates.rule import progress_of
from capacita.certificates.throttle import client_address, note_failure, retry_after
from capacita.nominations import services as nominations
from capacita.nominations.selectors import country_nominations
from capacita.nominations.spreadsheets import SheetRow
from capacita.programmes import permissions
from capacita.programmes.models import Country, Programme
from capacita.progress.selectors import board_members, board_scope
from capacita.reports import figures
from capacita.shared.private_responses import make_private
from capacita.shared.zones import zone_or_none

from . import schemas
from .auth import PUBLIC, TOKEN, CallerThrottle


class CapacitaAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        """Every answer to a token's owner holds what their token may read: no cache keeps
        it (`Cache-Control: private, no-store`), as every page to a signed-in person."""
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if getattr(getattr(request, "auth", None), "is_authenticated", False):
            make_private(response)
        return response


api = CapacitaAPI(
    title="Capacita",
    version="1",
    description=gettext_lazy(
        "Programmes and their agendas, a country's nominations, a programme's progress and "
        "reports, and certificate verification. Send a personal access token as "
        "`Authorization: Bearer <token>`."
    ),
    urls_namespace="api",
    docs_url=None,
    auth=TOKEN,
    throttle=CallerThrottle(),
)

PAGE_SIZE = 50


class Page(PageNumberPagination):
    """Pages of at most 100 items (50 unless `page_size` says fewer or more)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=100)


def _problem(request, status: int, message: str):
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    response = _problem(
        request, 401, _("A valid access token is needed: it is missing, expired or revoked.")
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def _throttled(request, exc):
    return _problem(request, 429, _("Too many requests. Please wait and try again."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _problem(request, 404, _("Not found."))


class _Lines:
    """A list's items for the pager: counted in SQL, and only the page asked for read and
    written out (`lines` turns a page of records into the answer's items)."""

    def __init__(self, queryset, lines):
        self.queryset = queryset
        self.lines = lines

    def all(self):
        return self

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list[dict]:
        return self.lines(self.queryset[window])


ERRORS = {
    401: schemas.Problem,
    403: schemas.Problem,
    404: schemas.Problem,
    422: schemas.Invalid,
    429: schemas.Problem,
}
# The public endpoints take a token or none: ninja names the token's scheme, the empty
# requirement says that none will do.
OPTIONAL_TOKEN = {"security": [{}]}
SLUG = Path(..., pattern=r"^[-a-zA-Z0-9_]{1,60}$")
COUNTRY = Path(..., pattern=r"^[a-zA-Z]{2}$")
CODE = Path(..., pattern=r"^[a-zA-Z0-9-]{1,40}$")


def _refuse(allowed: bool) -> None:
    if not allowed:
        raise HttpError(403, _("Your account may not do this."))


def _programme(request, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_view_programme(request.auth, programme):
        raise Http404
    return programme


def _member_country(programme, code: str) -> Country:
    return get_object_or_404(Country, code=code.upper(), programmes=programme)


def _programme_out(programme) -> dict:
    return {
        "slug": programme.slug,
        "title": programme.title,
        "start_date": programme.start_date,
        "end_date": programme.end_date,
        "time_zone": programme.time_zone,
    }


@api.get(
    "/programmes",
    response={200: list[schemas.ProgrammeOut], **ERRORS},
    auth=PUBLIC,
    openapi_extra=OPTIONAL_TOKEN,
    url_name="programmes",
    summary=gettext_lazy("The programmes the caller may see"),
)
@paginate(Page, page_size=PAGE_SIZE)
def programmes(request):
    return [
        _programme_out(programme)
        for programme in permissions.visible_programmes(request.auth).order_by("start_date", "pk")
    ]


@api.get(
    "/programmes/{slug}/agenda",
    response={200: schemas.AgendaOut, 400: schemas.Problem, **ERRORS},
    auth=PUBLIC,
    openapi_extra=OPTIONAL_TOKEN,
    url_name="agenda",
    summary=gettext_lazy("A programme's sessions and agenda, in a time zone"),
)
def agenda(
    request,
    slug: str = SLUG,
    tz: str = Query("", max_length=64, description=gettext_lazy("a time zone the site offers")),
):
    programme = _programme(request, slug)
    offered = [key for key, _label in zone_choices(programme)]
    key = tz or programme.time_zone
    zone = zone_or_none(key)
    if key not in offered or zone is None:
        raise HttpError(
            400,
            _("“%(zone)s” is not one of this programme's time zones: %(zones)s.")
            % {"zone": key[:64], "zones": ", ".join(offered)},
        )
    sessions = []
    for session in sessions_with_agenda(programme):
        sessions.append(
            {
                "number": session.number,
                "title": session.title,
                "starts_at": session.starts_at.astimezone(zone),
                "ends_at": session.ends_at.astimezone(zone),
                "items": [
                    {
                        "kind": item.kind,
                        "title": item.title,
                        "starts_at": item.starts_at.astimezone(zone),
                        "ends_at": item.ends_at.astimezone(zone) if item.ends_at else None,
                        "to_be_confirmed": item.to_be_confirmed,
                    }
                    for item in session.items.all()
                ],
            }
        )
    return {"programme": _programme_out(programme), "time_zone": key, "sessions": sessions}


@api.get(
    "/programmes/{slug}/countries/{code}/nominations",
    response={200: list[schemas.NominationOut], **ERRORS},
    url_name="nominations",
    summary=gettext_lazy("A country's nominations (its focal points and the managers)"),
)
@paginate(Page, page_size=PAGE_SIZE)
def nominations_list(request, slug: str = SLUG, code: str = COUNTRY):
    programme = _programme(request, slug)
    country = _member_country(programme, code)
    _refuse(permissions.can_nominate_for(request.auth, programme, country))
    return _Lines(country_nominations(programme, country), _nomination_line)


def _nomination_line(nominations_page) -> list[dict]:
    return [
        {
            "id": nomination.pk,
            "first_name": nomination.first_name,
            "last_name": nomination.last_name,
            "email": nomination.email,
            "position": nomination.position,
            "institution": nomination.institution,
            "profile": str(nomination.profile) if nomination.profile else nomination.profile_other,
            "gender": nomination.gender,
            "language": nomination.language,
            "status": nomination.status,
            "submitted_at": nomination.created_at,
        }
        for nomination in nominations_page
    ]


@api.post(
    "/programmes/{slug}/countries/{code}/nominations",
    response={200: schemas.NominationsResult, 400: schemas.Problem, **ERRORS},
    url_name="nominate",
    summary=gettext_lazy("Check, then submit, a country's list: all of it or nothing"),
    description=gettext_lazy(
        "Each row gets a verdict (new, reserve, unchanged or refused), as an uploaded list "
        "does. With `dry_run` (the default) nothing is saved; without it, the rows are saved "
        "only when none is refused."
    ),
)
def nominate(request, payload: schemas.NominationsIn, slug: str = SLUG, code: str = COUNTRY):
    programme = _programme(request, slug)
    country = _member_country(programme, code)
    _refuse(permissions.can_nominate_for(request.auth, programme, country))
    # The rows as the upload's reader gives them: the same checks, the same verdicts.
    rows = [SheetRow(number, row.dict()) for number, row in enumerate(payload.rows, start=1)]
    try:
        result = nominations.import_nominations(
            programme,
            country,
            rows,
            actor=request.auth,
            dry_run=payload.dry_run,
            default_language=request.LANGUAGE_CODE,
        )
    except nominations.NominationError as exc:
        raise HttpError(400, exc.message) from exc
    return {
        "saved": result.saved,
        "dry_run": payload.dry_run,
        "new": result.count("new"),
        "reserve": result.count("reserve"),
        "unchanged": result.count("unchanged"),
        "refused": len(result.refused),
        "rows": [
            {
                "row": verdict.number,
                "email": verdict.candidate.email,
                "outcome": verdict.outcome,
                "reasons": verdict.reasons,
            }
            for verdict in result.verdicts
        ],
    }


@api.get(
    "/programmes/{slug}/progress",
    response={200: list[schemas.ProgressOut], **ERRORS},
    url_name="progress",
    summary=gettext_lazy("Where each participant stands (managers; focal points: their country)"),
)
@paginate(Page, page_size=PAGE_SIZE)
def progress(
    request,
    slug: str = SLUG,
    country: str = Query("", max_length=2),
    status: str = Query("", max_length=10, description=gettext_lazy("complete or incomplete")),
):
    programme = _programme(request, slug)
    try:
        country_ids, status = board_scope(request.auth, programme, country, status)
    except PermissionDenied as exc:
        raise HttpError(403, _("Your account may not do this.")) from exc
    members = board_members(programme, country_ids, status)
    return _Lines(
        members.order_by("user__last_name", "user__first_name", "pk"),
        lambda page: _progress_lines(programme, page),
    )


def _progress_lines(programme, members) -> list[dict]:
    rows = progress_of(programme, members)
    return [
        {
            "name": row.user.get_full_name(),
            "email": row.user.email,
            "country": row.membership.country.code if row.membership.country_id else None,
            "sessions_attended": line["sessions_attended"],
            "courses_completed": line["courses_completed"],
            "requirements_met": row.is_complete,
            "missing": row.missing,
        }
        for row, line in zip(rows, figures.people(rows, set()), strict=True)
    ]


@api.get(
    "/programmes/{slug}/reports/countries/{code}",
    response={200: schemas.CountryReportOut, **ERRORS},
    url_name="country_report",
    summary=gettext_lazy("A country's report (its focal points and the managers)"),
)
def country_report(request, slug: str = SLUG, code: str = COUNTRY):
    programme = _programme(request, slug)
    country = _member_country(programme, code)
    _refuse(permissions.can_read_country_report(request.auth, programme, country))
    return figures.country_report(programme, country, with_people=False)


@api.get(
    "/certificates/{code}",
    response={200: schemas.CertificateOut, **ERRORS},
    auth=PUBLIC,
    openapi_extra=OPTIONAL_TOKEN,
    url_name="certificate",
    summary=gettext_lazy("Verify a certificate by its code"),
)
def certificate(request, code: str = CODE):
    stored = codes.normalized(code[:64])
    found = (
        Certificate.objects.select_related("programme").filter(code=stored).first()
        if stored
        else None
    )
    if found is None:
        # Unknown codes are counted per address, as on the verification page.
        address = client_address(request)
        wait = retry_after(address)
        if wait:
            response = _problem(
                request, 429, _("Too many unknown codes. Please wait and try again.")
            )
            response["Retry-After"] = str(wait)
            return response
        note_failure(address)
        raise Http404
    zone = found.programme.zone
    return {
        "code": found.formatted_code,
        "status": found.status,
        "holder_name": found.holder_name if found.status == Certificate.Status.VALID else None,
        "programme": found.programme.slug,
        "programme_title": found.programme.title,
        "start_date": found.programme.start_date,
        "end_date": found.programme.end_date,
        "issued_on": found.issued_at.astimezone(zone).date(),
        "ended_on": found.ended_at.astimezone(zone).date() if found.ended_at else None,
    }
