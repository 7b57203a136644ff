"""Template helpers shared by every app's pages: `{% load capacita %}`."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import get_language_info, ngettext

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in each language, keeping its query string."""
    request = context["request"]
    current = context.get("LANGUAGE_CODE")
    query = request.GET.urlencode()
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(request.path, code)
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
    value = round(float(fraction) * 100)
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
    return number_format(round(float(value), places), decimal_pos=places)


@register.simple_tag
def lang_of(obj, field: str) -> str:
    """` lang="en"` for an element showing a bilingual field (`title` of `title_es` and
    `title_en`) in the other language than the page's, its own being empty (WCAG 3.1.2)."""
    from capacita.bilingual import LANGUAGE_CODES, active_language

    active = active_language()
    if obj is None or getattr(obj, f"{field}_{active}", ""):
        return ""
    for other in LANGUAGE_CODES:
        if other != active and getattr(obj, f"{field}_{other}", ""):
            return format_html(' lang="{}"', other)
    return ""
