"""The project's addresses and `/bench/who/` (see `floor_settings.py`); never deployed."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from capacita.urls import urlpatterns as project_urlpatterns


@login_required
def who_is_logged_in(request):
    return HttpResponse(request.user.get_full_name(), content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/who/", who_is_logged_in), *project_urlpatterns]
