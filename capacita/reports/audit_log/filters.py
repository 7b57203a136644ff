"""Which of a programme's audit events a manager asked for: by person, kind and dates."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from capacita.audit.models import AuditEvent


class AuditFilterForm(forms.Form):
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=200,
        help_text=_("Part of a name or an e-mail: who took the decision, or whom it was about."),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *AuditEvent.Action.choices]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


def filter_form(params) -> AuditFilterForm:
    """The form bound to the query string, so that an empty query is a valid form too."""
    return AuditFilterForm(params or {})


def filtered_events(programme, form: AuditFilterForm):
    """The programme's events, newest first, narrowed by what the form holds.

    A filter whose value is not valid is left out (the form shows its error), so that a
    mistyped date never hides the whole record."""
    events = AuditEvent.objects.filter(programme=programme).select_related("actor", "person")
    form.is_valid()
    values = getattr(form, "cleaned_data", {})
    person = (values.get("person") or "").strip()
    if person:
        events = events.filter(_person_q(person))
    if values.get("kind"):
        events = events.filter(action=values["kind"])
    zone = programme.zone
    if values.get("date_from"):
        start = dt.datetime.combine(values["date_from"], dt.time.min, tzinfo=zone)
        events = events.filter(created_at__gte=start)
    if values.get("date_to"):
        # Inclusive: everything before the next day begins, in the programme's zone.
        end = dt.datetime.combine(values["date_to"] + dt.timedelta(days=1), dt.time.min)
        events = events.filter(created_at__lt=end.replace(tzinfo=zone))
    return events.order_by("-created_at", "-id")


def _person_q(text: str) -> Q:
    """Events whose actor, or whose person concerned, matches `text` by name or e-mail."""
    User = get_user_model()
    # A part of the first name or the surname is a part of the full name too.
    users = (
        User.objects.annotate(full=Concat("first_name", Value(" "), "last_name"))
        .filter(Q(full__icontains=text) | Q(email__icontains=text))
        .values("pk")
    )
    # The name and address recorded name people without an account (a nominee).
    return (
        Q(actor__in=users)
        | Q(person__in=users)
        | Q(person_name__icontains=text)
        | Q(person_email__icontains=text)
    )
