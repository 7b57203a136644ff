from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NAME_LENGTH
from .services import DEFAULT_DAYS, MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_LENGTH,
        help_text=_("What the token is for, so that you recognise it: “Country dashboard”."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=_("At most a year; the token then stops working."),
    )
