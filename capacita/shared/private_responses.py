"""Responses no cache may keep: every response to a signed-in person, and the public pages
about one person.

What a signed-in person is sent (their own page, the board, an export, a certificate, a
report) holds personal data, theirs or others'. A shared cache between the server and them
(a proxy, a CDN) must not keep it for the next visitor, nor their browser keep it on disk
once they have left a shared computer. So every such response says `Cache-Control: private,
no-store`, whatever the view said: the directives that would let a cache keep it (`public`,
`max-age`, …) are taken out, the others (`no-cache`, `must-revalidate`) stay. The pages about
one person that anyone may open (`PERSONAL_PUBLIC_PAGES`: the certificate verification page
names its holder) say the same to everyone. A response that says so already (`never_cache`,
the maintenance page) is left as it is.

Nothing else changes: a visitor who is not signed in gets the view's own headers (the
programme page kept for such visitors, `/healthz`), and static files are answered by
WhiteNoise before this middleware is reached. Whether someone is signed in is read from the
session only when the request brings a session cookie or the session was read already:
reading it for a visitor without one would add `Vary: Cookie` to every public response.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control

# URL names of pages anyone may open that show one person's data.
PERSONAL_PUBLIC_PAGES = frozenset({"verification:verify", "api:certificate"})
# Directives that let a cache keep a response, or keep it longer.
KEEPING_DIRECTIVES = frozenset(
    {"public", "max-age", "s-maxage", "immutable", "stale-while-revalidate", "stale-if-error"}
)


class PrivateResponsesMiddleware:
    """Place it after AuthenticationMiddleware, which gives the request its user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A response no cache keeps already (never_cache's, the maintenance page's) is left
        # as it is, without reading the user: while the database is down, it cannot be read.
        if not kept_by_no_cache(response) and (_about_a_person(request) or _signed_in(request)):
            make_private(response)
        return response


def make_private(response) -> None:
    """`Cache-Control: private, no-store` on `response`, keeping the view's other directives
    but none that would let a cache keep it."""
    response["Cache-Control"] = ", ".join(
        directive for name, directive in _directives(response) if name not in KEEPING_DIRECTIVES
    )
    patch_cache_control(response, private=True, no_store=True)


def kept_by_no_cache(response) -> bool:
    """Private and no-store, and nothing that lets a cache keep it (a max-age of 0 keeps
    nothing)."""
    directives = dict(_directives(response))
    keeping = {
        name
        for name in directives.keys() & KEEPING_DIRECTIVES
        if directives[name] not in ("max-age=0", "s-maxage=0")
    }
    return {"private", "no-store"} <= directives.keys() and not keeping


def _directives(response) -> list[tuple[str, str]]:
    """(name in lower case, the whole directive) of each of the response's Cache-Control
    directives."""
    return [
        (directive.split("=", 1)[0].strip().lower(), directive.strip())
        for directive in response.get("Cache-Control", "").split(",")
        if directive.strip()
    ]


def _signed_in(request) -> bool:
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None:
        return False
    if not session.accessed and settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False  # no session: nobody is signed in
    return user.is_authenticated


def _about_a_person(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in PERSONAL_PUBLIC_PAGES
