"""A person's own page, kept rendered for them a short while, so that opening it again (as
everyone does before a session starts) costs little more than any signed-in page.

A kept page is named by everything it was made from that the request carries: the account and
its `page_stamp` — moved on, in the same transaction, by every service that changes what the
page shows of the person (attendance, courses, tests, certificate, roles:
`capacita.programmes.events.pages_changed`) —, the name, zone and reminders choice it shows, the
language and the address (with its `?tz=`). A changed record of the person's is therefore seen
at once. What is alike for every reader (the programme, its sessions, tests and courses) is
kept a while anyway (`capacita.shared.page_cache`): the page is kept no longer than the first
of those, and never past the next moment it changes by itself (a session starting or ending, a
test opening or closing, a course's deadline).

Not kept: a page with a message to show, and the pages of the programme's managers, who must
see their changes at once. The forms' tokens are the request's own, written in when served.

In the `pages` cache: each server process's memory, or the shared Redis server when there is
one (settings).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

# Where the form tokens stood: no text a person types can hold a NUL (Django's forms refuse it).
TOKEN_MARK = "\x00csrf\x00"  # noqa: S105 - not a secret: where a token is written in
_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def name_of(request, slug: str) -> str | None:
    """The name of the page this request would be served, or None when it is not to be kept
    or served kept (nothing is kept with the setting at 0; a message waits to be shown)."""
    if settings.PUBLIC_PAGE_CACHE_SECONDS <= 0:
        return None
    if len(messages.get_messages(request)):  # counted, not shown: they stay for the page
        return None
    user = request.user
    parts = (
        slug,
        user.pk,
        user.page_stamp,
        user.first_name,
        user.last_name,
        user.is_superuser,
        user.wants_reminders,
        user.time_zone,
        user.country_id,
        get_language(),
        request.get_full_path(),
    )
    return "my-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def served(request, name: str) -> HttpResponse | None:
    """The kept page `name` with this request's form token, or None."""
    page = caches["pages"].get(name)
    if page is None:
        return None
    return HttpResponse(page.replace(TOKEN_MARK, get_token(request)))


def keep(name: str, response: HttpResponse, *, kept_until: float, changes_at) -> None:
    """Keep `response`'s page as `name` until the first of: the setting's seconds from now,
    `kept_until` (`time.monotonic()`'s clock: the first of the shared parts it was made from
    stops being kept) and `changes_at` (a datetime or None: it changes by itself then)."""
    seconds = min(
        float(settings.PUBLIC_PAGE_CACHE_SECONDS),
        kept_until - time.monotonic(),
        (changes_at - timezone.now()).total_seconds() if changes_at else float("inf"),
    )
    if seconds < 1 or response.status_code != 200:
        return
    page = _TOKEN.sub(rf"\g<1>{TOKEN_MARK}\g<2>", response.content.decode(response.charset))
    caches["pages"].set(name, page, int(seconds))


def next_change(agenda, tests, courses, now: dt.datetime) -> dt.datetime | None:
    """The first moment after `now` at which the page shows something else by itself."""
    moments = [
        moment for view in agenda for moment in (view.session.starts_at, view.session.ends_at)
    ]
    moments += [
        moment
        for test in tests
        for moment in (test.questionnaire.opens_at, test.questionnaire.closes_at)
    ]
    moments += [course.deadline for course in courses]
    return min((moment for moment in moments if moment and moment > now), default=None)
