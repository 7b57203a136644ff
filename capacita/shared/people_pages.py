"""The managers' long lists of people, with a form on every row (a session's attendance, a
course's completions), come a hundred at a time and can be searched by name or e-mail.

A programme of a thousand people rendered whole was 1.6 MB of HTML and took 1.7 s (one
hand-marking form per person); a page of a hundred stays light. The forms post back the
search and the page they were on (`people_page_fields.html`), so that after saving the manager
lands on the same row (`where_it_was`). The summaries above the lists still count everyone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from capacita.shared.posted import posted_id
from capacita.shared.typed_text import folded

T = TypeVar("T")
K = TypeVar("K")
PER_PAGE = 100
SEARCH_LENGTH = 100


def search_of(params) -> str:
    """The search typed (`search` in the query or the posted form), tidied and bounded."""
    value = params.get("search", "")
    if not isinstance(value, str):
        return ""
    return " ".join(value.replace("\x00", "").split())[:SEARCH_LENGTH]


@dataclass(frozen=True)
class PeoplePage:
    page: Page
    search: str
    # The page's other filters (a country, a status), kept by the links between pages.
    filters: tuple[tuple[str, str], ...] = ()

    @property
    def query(self) -> str:
        """The query string every link between pages keeps (the filters and the search)."""
        kept = [(name, value) for name, value in self.filters if value]
        if self.search:
            kept.append(("search", self.search))
        return urlencode(kept)


def people_page(params, items: Sequence[T], user_of: Callable[[T], object]) -> PeoplePage:
    """The page of `items` that `params` ask for (`page`, 1 by default; the last when it is
    beyond), among those whose person's name or e-mail holds the search."""
    search = search_of(params)
    if search:
        needle = folded(search)
        items = [item for item in items if needle in folded(_words_of(user_of(item)))]
    page = Paginator(items, PER_PAGE).get_page(posted_id(params.get("page")) or 1)
    return PeoplePage(page=page, search=search)


def people_page_of(
    params,
    rows: Iterable[tuple[K, str, str, str]],
    load: Callable[[list[K]], dict[K, T]],
    filters: dict[str, str] | None = None,
) -> PeoplePage:
    """The page `params` ask for of a list too long to load whole: `rows` are its people's
    keys with their first names, last names and e-mails, in the list's order (one query's
    values); the search is matched there, accents and case ignored, and only the page's keys
    are handed to `load`, which returns their items by key."""
    search = search_of(params)
    needle = folded(search)
    if not needle and isinstance(rows, QuerySet):
        # Nothing searched: the database counts the list and hands over the page's keys (in
        # the list's order, then by key: the same person never on two pages).
        ordering = list(rows.query.order_by) or list(rows.model._meta.ordering)
        rows = rows.order_by(*ordering, "pk")
        page = Paginator(rows, PER_PAGE).get_page(posted_id(params.get("page")) or 1)
        page.object_list = [row[0] for row in page.object_list]
    else:
        keys = [
            key
            for key, first_name, last_name, email in rows
            if not needle or needle in folded(f"{first_name} {last_name} {email}")
        ]
        page = Paginator(keys, PER_PAGE).get_page(posted_id(params.get("page")) or 1)
    loaded = load(list(page.object_list))
    page.object_list = [loaded[key] for key in page.object_list if key in loaded]
    return PeoplePage(page=page, search=search, filters=tuple((filters or {}).items()))


def _words_of(user) -> str:
    return f"{user.first_name} {user.last_name} {user.email}"


def where_it_was(url: str, posted, anchor: str = "", keep: dict[str, str] | None = None) -> str:
    """`url` with the search and page a form on it posted back, and `#anchor`; `keep` maps
    the posted fields that carry the page's other filters (each a short word) to their names
    in the page's address."""
    query = {}
    for field_name, name in (keep or {}).items():
        value = posted.get(field_name, "")
        if isinstance(value, str) and value.isalnum() and len(value) <= SEARCH_LENGTH:
            query[name] = value
    search = search_of(posted)
    if search:
        query["search"] = search
    page = posted_id(posted.get("page"))
    if page and page > 1:
        query["page"] = page
    return url + (f"?{urlencode(query)}" if query else "") + (f"#{anchor}" if anchor else "")
