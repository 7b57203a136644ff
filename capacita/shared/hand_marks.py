"""The pages where a manager marks people by hand — a session's attendance, a course's
completions — and the forms posted from them.

Both pages list people a hundred at a time (`people_pages`), each person with a form to mark
them by hand and, once marked, a form to take the mark back with a reason. After every post
the manager lands on the row they were on, on the page and search they had. What a mark means,
and how it is saved, stays with each app: this module holds only the shape they share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from capacita.shared.errors import UserError
from capacita.shared.people_pages import PeoplePage, people_page_of, where_it_was
from capacita.shared.text_limits import typed_refusal

T = TypeVar("T")
K = TypeVar("K")

# The text field of every hand-marking form that says why.
REASON = "reason"


def marking_rows(
    params,
    rows: Iterable[tuple[K, str, str, str]],
    load: Callable[[list[K]], dict[K, T]],
    user_of: Callable[[T], object],
    form_class: type[forms.Form],
    initial_of: Callable[[T], dict],
) -> tuple[PeoplePage, list[tuple[T, forms.Form]]]:
    """The page that `params` ask for of the people `rows` (`people_page_of`: keys, names and
    e-mails in the list's order; only the page's items are `load`ed), each item with its
    hand-marking form, filled with the person (`user`) and `initial_of(item)`. Every form on
    the page gets ids of its own (`id_mark_<person>_<field>`), so that each label points at
    its own field."""
    shown = people_page_of(params, rows, load)
    marked = []
    for item in shown.page.object_list:
        user = user_of(item)
        form = form_class(
            auto_id=f"id_mark_{user.pk}_%s", initial={"user": user.pk, **initial_of(item)}
        )
        marked.append((item, form))
    return shown, marked


def refusal(form: forms.Form, otherwise: str) -> str:
    """What to tell a manager whose form with a reason (a hand mark, taking one back) was
    refused: why the reason typed is refused (too long, too many lines), else `otherwise`."""
    return typed_refusal(form, REASON, _("The reason")) or otherwise


@dataclass(frozen=True)
class MarksPage:
    """The page of people a hand-marking form was posted from, as the view answering the post
    sees it: `url`, the page's address, and `row`, what each person's row id starts with (the
    row of person 7 is `<row>-7`)."""

    url: str
    row: str

    def back(self, posted=None, anchor: str = ""):
        """A redirect to the page, at `#anchor`; with `posted`, to the page and search the
        form was sent from."""
        return redirect(where_it_was(self.url, posted or {}, anchor))

    def back_to(self, posted, user_id):
        """A redirect to the row of the person with `user_id` (to the page's top without one),
        on the page and search the form was sent from."""
        return self.back(posted, f"{self.row}-{user_id}" if user_id else "")


@contextmanager
def refusal_shown(request, refused: type[UserError]):
    """Around a manager's change by hand (a mark, a match, taking one back) and the message
    saying it is done: when the change raises `refused`, the manager is shown its message
    instead, and the rest of the block is left out. Nothing was saved: each service saves all
    or nothing."""
    try:
        yield
    except refused as error:
        messages.error(request, error.message)
