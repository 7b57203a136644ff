"""Project-wide views: health probes and error pages."""

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import loader
from django.views.decorators.cache import never_cache


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


def server_error(request):
    """The 500 page, translated, rendered without any data that could fail again."""
    template = loader.get_template("500.html")
    return HttpResponse(template.render({}, request=None), status=500)
