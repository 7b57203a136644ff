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


def listed(people) -> bool:
    """Whether the people of the queryset `people` are few enough to be chosen from a list."""
    return people.count() <= LIST_LIMIT


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
