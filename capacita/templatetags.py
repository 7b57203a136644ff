"""Template helpers shared by every app's pages: `{% load capacita %}`."""

import functools

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info, ngettext

from capacita.agenda import timezones
from capacita.programmes import admin_scoping, permissions
from capacita.shared import formats, rounding, zones
from capacita.shared.bilingual import LANGUAGE_CODES, active_language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in each language, keeping its query string."""
    request = context["request"]
    current = context.get("LANGUAGE_CODE")
    query = request.GET.urlencode()
    links = []
    for code, _name in settings.LANGUAGES:
        url = _translated(request.path, code, get_language())
        if query:
            url = f"{url}?{query}"
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "current": code == current,
            }
        )
    return links


@functools.lru_cache(maxsize=2048)
def _translated(path: str, code: str, active: str) -> str:
    """`translate_url`, worked out once per path, language and active language (it resolves
    the path in the active language and reverses it again: a tenth of a light page's
    rendering)."""
    return translate_url(path, code)


@register.filter
def paragraphs(text: str) -> list[str]:
    """Split a text into paragraphs at blank lines."""
    return [part.strip() for part in (text or "").split("\n\n") if part.strip()]


@register.filter
def percent(fraction, signed: bool = False) -> str:
    """A fraction (0.625) as a whole percentage in the active language's format ("62 %");
    "—" for None. With `signed` (`|percent:True`), a difference between two percentages, in
    percentage points with its sign ("+18 points"): "+18 %" would read as a relative change."""
    if fraction is None or fraction == "":
        return "—"
    value = rounding.percent(float(fraction))
    if not signed:
        return f"{number_format(value)} %"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return ngettext("%(value)s point", "%(value)s points", abs(value)) % {
        "value": sign + number_format(abs(value))
    }


@register.filter
def decimal(value, places: int = 2) -> str:
    """A number with `places` decimals in the active language's format; "—" for None."""
    if value is None or value == "":
        return "—"
    return number_format(rounding.half_up(float(value), places), decimal_pos=places)


@register.simple_tag
def lang_of(obj, field: str) -> str:
    """` lang="en"` for an element showing a bilingual field (`title` of `title_es` and
    `title_en`) in the other language than the page's, its own being empty (WCAG 3.1.2)."""
    active = active_language()
    if obj is None or getattr(obj, f"{field}_{active}", ""):
        return ""
    for other in LANGUAGE_CODES:
        if other != active and getattr(obj, f"{field}_{other}", ""):
            return format_html(' lang="{}"', other)
    return ""


# Dates, times and zones, written one way everywhere (capacita/shared/formats,
# capacita/shared/zones). The
# date filters take the value as Django's `date` filter does (in the zone of
# `{% timezone %}` or `|timezone:`, else the active one), or in the zone given as argument:
# `{{ session.starts_at|when:programme.zone }}`.


@register.filter(expects_localtime=True)
def when(value, zone=None) -> str:
    """ "Tuesday 26 October 2021, 15:00"; a date: "Tuesday 26 October 2021"."""
    return formats.when(value, zone, convert=bool(zone))


@register.filter(expects_localtime=True)
def day(value, zone=None) -> str:
    """ "Tuesday 26 October 2021", also of a moment."""
    return formats.day(value, zone, convert=bool(zone))


@register.filter(expects_localtime=True)
def clock(value, zone=None) -> str:
    """ "15:00"."""
    return formats.clock(value, zone, convert=bool(zone))


@register.filter
def zone_name(zone) -> str:
    """A zone (or its key) as people say it: "Mexico City Time", "hora de Ciudad de México"."""
    return zones.zone_name(zone)


@register.simple_tag(takes_context=True)
def reader_zone(context, programme):
    """`{% reader_zone programme as zone %}`: the zone this page shows times in, as the
    programme's other pages choose it (the address's `?tz=`, the person's, the programme's)."""
    return timezones.reader_zone(context["request"], programme)


@register.simple_tag
def time_labels(viewer_zone, programme):
    """`{% time_labels viewer_zone programme as labels %}`: what the agenda's two times are
    called (`labels.viewer`, `labels.programme`, `labels.differ`)."""
    return timezones.time_labels(viewer_zone, programme.zone)


@register.simple_tag(takes_context=True)
def allowed(context, decision: str, *args) -> bool:
    """What `capacita.programmes.permissions` decides for the page's reader, for a template to
    ask before it offers a link: `{% allowed "can_see_board" programme as may_see_board %}` is
    `permissions.can_see_board(request.user, programme)`."""
    if not decision.startswith(("can_", "is_")) or not hasattr(permissions, decision):
        raise template.TemplateSyntaxError(f"no permission named {decision!r}")
    return getattr(permissions, decision)(context["request"].user, *args)


@register.simple_tag
def admin_zone_label() -> str:
    """The zone the administration site's date-time inputs are read in, named."""
    return admin_scoping.admin_zone_label()
