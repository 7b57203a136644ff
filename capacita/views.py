"""Project-wide views: health probes, the start page, each person's own home and the error
pages.

Every error page is the platform's own, in the visitor's language, with a way back. The
pages for 403 and 404 are full pages (the visitor's programme, whether they are signed in);
those for 400 and 500 use no database, no session and no user, so that they show whatever
else fails (the 503 page of `capacita.shared.maintenance` likewise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from capacita.accounts.login import in_language
from capacita.programmes import permissions
from capacita.programmes.models import Country, Programme, Role

# Every programme's pages live under /<language>/programmes/<slug>/ (capacita/urls.py).
PROGRAMME_PATH = re.compile(r"^/[^/]+/programmes/(?P<slug>[-\w]+)/")


@never_cache
def healthz(request):
    """The process answers; touches no database."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """The service can work: the database answers, and so does the shared cache where there is
    one (`REDIS_URL`: it holds the sessions' fast copies and the lockouts)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    if settings.REDIS_URL and not _cache_answers():
        return HttpResponse("cache unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def _cache_answers() -> bool:
    """Whether the shared cache takes a value and gives it back."""
    try:
        cache.set("readyz", "ok", 10)
        return cache.get("readyz") == "ok"
    except Exception:  # noqa: BLE001 - whatever the client raises, the cache does not answer
        return False


def home(request):
    """The start page: a signed-in person's own home, the programmes for anyone else."""
    if request.user.is_authenticated:
        return redirect(in_language(reverse("my_home"), _own_language(request)))
    return redirect("programmes:list")


# A person with several roles in one programme lands where the weightiest of them works.
ROLES_BY_WEIGHT = (
    Role.MANAGER,
    Role.FOCAL_POINT,
    Role.PARTICIPANT,
    Role.FACILITATOR,
    Role.OBSERVER,
)


@dataclass(frozen=True)
class RoleHome:
    """A role (`label`, as the person reads it) and its page (`page`, its name; `url`)."""

    label: str
    page: str
    url: str


@dataclass(frozen=True)
class ProgrammeHomes:
    """One of the person's programmes: when it is (`ongoing`, `coming` or `ended`) and each
    of their roles in it with the page where that role's work is."""

    programme: Programme
    when: str
    homes: list[RoleHome]


@login_required
def my_home(request):
    """Where a signed-in person's work is: their role's page in their one programme, in
    their own language; the programmes to choose among when they have roles in several."""
    programmes = [_homes_in(request.user, programme) for programme in _programmes_of(request.user)]
    programmes = sorted((homes for homes in programmes if homes.homes), key=_chooser_order)
    if len(programmes) == 1:
        return redirect(in_language(programmes[0].homes[0].url, _own_language(request)))
    return render(request, "my_programmes.html", {"programmes": programmes})


def _own_language(request) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = getattr(request.user, "language", "")
    return language if language in codes else translation.get_language()


def _programmes_of(user):
    """The programmes the person has a role in; a superuser's are all of them."""
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(memberships__user=user).distinct()


def _homes_in(user, programme: Programme) -> ProgrammeHomes:
    roles = permissions.roles_in(user, programme)
    if permissions.is_manager(user, programme):
        roles = roles | {Role.MANAGER}
    homes = [_role_home(user, programme, role) for role in ROLES_BY_WEIGHT if role in roles]
    today = timezone.now().astimezone(programme.zone).date()
    if programme.start_date <= today <= programme.end_date:
        when = "ongoing"
    else:
        when = "coming" if today < programme.start_date else "ended"
    return ProgrammeHomes(programme, when, homes)


def _chooser_order(homes: ProgrammeHomes):
    """The programme under way first, then the coming ones (the nearest first), then the
    ended ones (the latest first)."""
    programme = homes.programme
    if homes.when == "ongoing":
        return (0, programme.start_date.toordinal())
    if homes.when == "coming":
        return (1, programme.start_date.toordinal())
    return (2, -programme.end_date.toordinal())


def _role_home(user, programme: Programme, role: str) -> RoleHome:
    """The page where `role`'s work in `programme` is."""
    slug, label = programme.slug, str(Role(role).label)
    if role == Role.MANAGER:
        return RoleHome(label, _("Manage the programme"), reverse("console:home", args=[slug]))
    if role == Role.FOCAL_POINT:
        countries = permissions.focal_point_countries(user, programme)
        country = Country.objects.filter(pk__in=countries).first() if len(countries) == 1 else None
        if country is None:
            return RoleHome(label, _("Nominations"), reverse("nominations:overview", args=[slug]))
        return RoleHome(
            label,
            _("Nominations of %(country)s") % {"country": country.name},
            reverse("nominations:country", args=[slug, country.code.lower()]),
        )
    if role == Role.FACILITATOR:
        return RoleHome(
            label, _("Your part in the agenda"), reverse("agenda:my_items", args=[slug])
        )
    if role == Role.OBSERVER and permissions.can_view_programme(user, programme):
        return RoleHome(
            label,
            _("The programme's sessions and materials"),
            reverse("programmes:detail", args=[slug]),
        )
    # A participant's own page; an observer's too while the programme's page is unpublished.
    return RoleHome(label, _("My programme"), reverse("progress:mine", args=[slug]))


def page_language(request, *, ask_database: bool = True) -> str:
    """The language of an error page: the address's (/es/, /en/); else, when the database may
    be asked, the signed-in person's own; else the browser's (language cookie,
    Accept-Language) or the site's default."""
    language = translation.get_language_from_path(request.path_info)
    if language:
        return language
    if ask_database:
        user = getattr(request, "user", None)
        codes = {code for code, _name in settings.LANGUAGES}
        if user is not None and user.is_authenticated and user.language in codes:
            return user.language
    return translation.get_language_from_request(request)


def _programme_of(request) -> Programme | None:
    """The programme whose page the address belongs to, if the visitor may open its page."""
    match = PROGRAMME_PATH.match(request.path_info)
    if match is None:
        return None
    programme = Programme.objects.filter(slug=match["slug"]).first()
    if programme is None or not permissions.can_view_programme(request.user, programme):
        return None
    return programme


def _full_page(request, template_name: str, status: int) -> HttpResponse:
    """A page for errors in the site's frame, with the ways back `_way_back.html` offers:
    the programme's page (and the person's own page in it), the programmes, logging in."""
    language = page_language(request)
    with translation.override(language):
        programme = _programme_of(request)
        context = {
            "programme": programme,
            "registered": programme is not None
            and permissions.is_registered(request.user, programme),
        }
        content = loader.render_to_string(template_name, context, request=request)
    return _answer(content, status, language)


def _bare_page(request, template_name: str, status: int) -> HttpResponse:
    """A page for errors rendered without any data that could fail again."""
    language = page_language(request, ask_database=False)
    with translation.override(language):
        content = loader.get_template(template_name).render({}, request=None)
    return _answer(content, status, language)


def _answer(content: str, status: int, language: str) -> HttpResponse:
    response = HttpResponse(content, status=status)
    response["Content-Language"] = language
    return response


def bad_request(request, exception=None):
    """The 400 page (a request the server cannot read: it may fail again if read)."""
    return _bare_page(request, "400.html", 400)


def permission_denied(request, exception=None):
    """The 403 page, for every refusal: a view's `PermissionDenied`, the admin site's."""
    return _full_page(request, "403.html", 403)


def page_not_found(request, exception=None):
    return _full_page(request, "404.html", 404)


def server_error(request):
    """The 500 page, translated, rendered without any data that could fail again."""
    return _bare_page(request, "500.html", 500)
