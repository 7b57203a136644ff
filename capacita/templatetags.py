"""Template helpers shared by every app's pages: `{% load capacita %}`."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

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
