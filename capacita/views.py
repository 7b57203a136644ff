"""Project-wide views: health probes and error pages.

Every error page is the platform's own, in the visitor's language, with a way back. The
pages for 403 and 404 are full pages (the visitor's programme, whether they are signed in);
those for 400 and 500 use no database, no session and no user, so that they show whatever
else fails (the 503 page of `capacita.shared.maintenance` likewise).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import loader
from django.utils import translation
from django.views.decorators.cache import never_cache

from capacita.programmes import permissions
from capacita.programmes.models import Programme

# Every programme's pages live under /<language>/programmes/<slug>/ (capacita/urls.py).
PROGRAMME_PATH = re.compile(r"^/[^/]+/programmes/(?P<slug>[-\w]+)/")


@never_cache
def healthz(request):
    """The process answers; touches no database."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """The service can work: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    return redirect("programmes:list")


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
