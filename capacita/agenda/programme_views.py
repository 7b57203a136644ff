from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from capacita.programmes.models import Programme
from capacita.programmes.permissions import (
    can_see_nominations,
    can_view_programme,
    country_reports,
    is_manager,
    is_registered,
    visible_programmes,
)

from .calendar import programme_calendar
from .selectors import agenda_for_viewer
from .timezones import viewer_zone, zone_choices


def _programme_or_404(request, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not can_view_programme(request.user, programme):
        raise Http404
    return programme


def programme_list(request):
    programmes = visible_programmes(request.user).prefetch_related("organisers")
    return render(request, "programmes/programme_list.html", {"programmes": programmes})


def programme_detail(request, slug):
    """The programme's page. A visitor who is not logged in and brings no cookie (no session,
    no message waiting) sees what every such visitor sees: the page is kept whole a while."""
    if request.COOKIES or not settings.PUBLIC_PAGE_CACHE_SECONDS:
        return _programme_page(request, slug)
    key = f"capacita:programme-page:{slug}:{get_language()}:{request.GET.urlencode()}"
    content = cache.get(key)
    if content is None:
        response = _programme_page(request, slug)
        if response.status_code != 200 or response.cookies:
            return response
        cache.set(key, response.content, settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response
    return HttpResponse(content)


def _programme_page(request, slug):
    programme = _programme_or_404(request, slug)
    zone, zone_error = viewer_zone(request.GET.get("tz"), request.user, programme)
    member_countries = sorted(
        programme.member_countries.select_related("country"),
        key=lambda member: member.country.name,
    )
    context = {
        "programme": programme,
        # Called only when the page's body is rendered, not when it comes from the cache.
        "agenda": lambda: agenda_for_viewer(programme, zone),
        "page_cache_seconds": settings.PUBLIC_PAGE_CACHE_SECONDS,
        "viewer_zone": zone,
        "zone_differs": zone.key != programme.time_zone,
        "zone_error": zone_error,
        "zone_choices": zone_choices(programme, current=zone, members=member_countries),
        "member_countries": member_countries,
        "organisers": programme.organisers.all(),
        "objectives": programme.specific_objectives.all(),
        "structure": programme.structure.all(),
        "profiles": programme.profiles.all(),
        "courses": programme.courses.all(),
        "can_see_nominations": can_see_nominations(request.user, programme),
        "is_manager": is_manager(request.user, programme),
        "is_registered": is_registered(request.user, programme),
    }
    # The country reports each may read: every member country for managers, their own for a
    # focal point.
    readable = country_reports(request.user, programme) if context["can_see_nominations"] else set()
    context["report_countries"] = [
        member.country
        for member in member_countries
        if readable is None or member.country.pk in readable
    ]
    return render(request, "programmes/programme_detail.html", context)


def programme_calendar_file(request, slug):
    programme = _programme_or_404(request, slug)
    body = programme_calendar(programme, request.build_absolute_uri(programme.get_absolute_url()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = f"{programme.slug}-{get_language()}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
