"""Choosing one person of a programme in a form: from a list while they are few, by their
e-mail address once they are many.

A list of a programme's 10,000 people is about 600 KB of HTML, on every form that shows it;
past `LIST_LIMIT` people the form asks for the person's e-mail address instead, and finds
them among the same people.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

LIST_LIMIT = 300


def choices_of(people) -> list[tuple[int, str]] | None:
    """The users of the queryset `people`, in its order, as a list's choices (each one's id
    and "Name <e-mail>"); None when they are more than `LIST_LIMIT`. One query either way,
    of at most `LIST_LIMIT` + 1 rows."""
    rows = list(people.values_list("pk", "first_name", "last_name", "email")[: LIST_LIMIT + 1])
    if len(rows) > LIST_LIMIT:
        return None
    return [(pk, f"{f'{first} {last}'.strip()} <{email}>") for pk, first, last, email in rows]


def within_limit(choices: list) -> list | None:
    """`choices` when they are few enough to list, else None."""
    return choices if len(choices) <= LIST_LIMIT else None


class PersonByEmailField(forms.EmailField):
    """One of `people` (a queryset of users), given by their e-mail address, case ignored;
    its value is the user."""

    def __init__(self, *, people, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault(
            "widget", forms.EmailInput(attrs={"placeholder": _("their e-mail address")})
        )
        super().__init__(**kwargs)
        self.people = people

    def clean(self, value):
        email = super().clean(value)
        user = self.people.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                _("Nobody of this programme has the e-mail address %(email)s."),
                params={"email": email},
                code="unknown",
            )
        return user
