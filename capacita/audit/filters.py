"""Which of a programme's audit events a manager asked for: by person, kind and dates."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from capacita.attendance.models import AttendanceRecord
from capacita.certificates.models import Certificate
from capacita.completions.models import CourseCompletion
from capacita.evaluation.models import Response
from capacita.nominations.models import Nomination
from capacita.programmes.models import Membership

from .models import AuditEvent

DETAILS_LIMIT = 500


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
    events = AuditEvent.objects.filter(programme=programme).select_related("actor")
    form.is_valid()
    values = getattr(form, "cleaned_data", {})
    person = (values.get("person") or "").strip()
    if person:
        events = events.filter(_person_q(programme, person))
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


def _pks(queryset):
    """The records' keys as text, as `AuditEvent.subject_id` holds them (a subquery)."""
    return queryset.annotate(key=Cast("pk", output_field=CharField())).values("key")


def _person_q(programme, text: str) -> Q:
    """Events whose actor, or whose person concerned, matches `text` by name or e-mail."""
    User = get_user_model()
    # A part of the first name or the surname is a part of the full name too.
    matching = User.objects.annotate(full=Concat("first_name", Value(" "), "last_name")).filter(
        Q(full__icontains=text) | Q(email__icontains=text)
    )
    users = matching.values("pk")
    # For the details only, which a subquery cannot reach; a text this vague is rare.
    known = list(matching.values_list("pk", "email")[:DETAILS_LIMIT])
    user_ids = [pk for pk, _email in known]
    emails = [email for _pk, email in known]
    nominations = Nomination.objects.annotate(
        full=Concat("first_name", Value(" "), "last_name")
    ).filter(
        Q(user__in=users) | Q(email__icontains=text) | Q(full__icontains=text),
        programme=programme,
    )
    subjects = {
        Nomination: nominations,
        AttendanceRecord: AttendanceRecord.objects.filter(
            session__programme=programme, user__in=users
        ),
        CourseCompletion: CourseCompletion.objects.filter(
            course__programme=programme, user__in=users
        ),
        Certificate: Certificate.objects.filter(programme=programme, user__in=users),
        Response: Response.objects.filter(questionnaire__programme=programme, user__in=users),
        Membership: Membership.objects.filter(programme=programme, user__in=users),
        User: User.objects.filter(pk__in=users),
    }
    q = Q(actor__in=users)
    for model, records in subjects.items():
        q |= Q(subject_type=model._meta.label_lower, subject_id__in=_pks(records))
    # Some records are gone (a withdrawn nomination) or name the person only in the
    # details: by e-mail under "email" or "user", or by account number under "user".
    q |= Q(details__email__icontains=text) | Q(details__user__icontains=text)
    if emails:
        q |= Q(details__email__in=emails) | Q(details__user__in=emails)
    if user_ids:
        q |= Q(details__user__in=user_ids)
    return q
