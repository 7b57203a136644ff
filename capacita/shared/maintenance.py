"""What visitors see while the database cannot be reached.

Whenever a request fails because the database cannot be reached (a connection refused or
lost: Django's OperationalError or InterfaceError, wherever it is raised — the view, a
template, the session or the authentication middleware), the visitor gets a 503 page saying
the service is under maintenance, with Retry-After, instead of the page for errors. The page
uses no database, no session and no user; its language comes from the address (/es/, /en/),
the language cookie or the browser's preference.

The connection that failed is closed, so the next request opens a new one: with persistent
connections (CONN_MAX_AGE) a connection broken by a database restart would otherwise be
tried again. The service thus recovers by itself once the database answers again.
"""

from __future__ import annotations

import logging
import sys

from csp.middleware import CSPMiddleware
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
_MARK = "_capacita_database_unreachable"


def is_database_unreachable(exception: BaseException | None) -> bool:
    return isinstance(exception, DATABASE_UNREACHABLE)


def _close_failed_connections() -> None:
    """Drop the connections that failed, so the next request opens fresh ones. A connection
    inside a transaction block (the tests' own) is left to whoever opened the block."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        try:
            connection.close()
        except Exception:  # a broken connection may fail to close: it is dropped all the same
            connection.connection = None


def maintenance_response(request) -> HttpResponse:
    """The 503 page, in the request's language, rendered without any data."""
    language = translation.get_language_from_request(request, check_path=True)
    with translation.override(language):
        content = loader.get_template("503.html").render({}, request=None)
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = language
    add_never_cache_headers(response)
    return response


class MaintenanceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, _MARK, False):
            # Raised outside the view (by a middleware): Django already made its 500 page.
            response = self._with_page_headers(request, maintenance_response(request))
        return response

    def process_exception(self, request, exception):
        """Raised by the view or its template: answered here, before the page for errors."""
        if not is_database_unreachable(exception):
            return None
        _unreachable(request, exception)
        return maintenance_response(request)

    @staticmethod
    def _with_page_headers(request, response):
        """The headers the inner middleware give every page (this answer is made outside
        them): the Content-Security-Policy and X-Frame-Options."""
        for middleware in (XFrameOptionsMiddleware, CSPMiddleware):
            response = middleware(lambda _request, answer=response: answer)(request)
        return response


def _unreachable(request, exception) -> None:
    if request is not None:
        setattr(request, _MARK, True)
    logger.warning("The database cannot be reached: %s", str(exception).strip() or exception)
    _close_failed_connections()


def _note_request_exception(sender, request=None, **kwargs):
    """Django's handler of uncaught exceptions: mark the request when the database failed
    (the exception being handled is the current one)."""
    exception = sys.exc_info()[1]
    if is_database_unreachable(exception):
        _unreachable(request, exception)


got_request_exception.connect(_note_request_exception, dispatch_uid="capacita.shared.maintenance")
