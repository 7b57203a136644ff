from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from capacita.shared import person_field
from capacita.shared.personal_data import ANONYMOUS_DOMAIN
from capacita.shared.text_limits import MESSAGE, REASON, TypedText

from .common import PEOPLE_ROLES


class RemovalRequestForm(forms.Form):
    message = TypedText(
        label=_("Message (optional)"),
        required=False,
        max_length=MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Anything the programme's managers should know about your request."),
    )


class RetentionForm(forms.Form):
    keep_until = forms.DateField(
        label=_("Keep personal data until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("After this date the managers are reminded to anonymise the programme."),
    )


class AnonymisePersonForm(forms.Form):
    # Its list ("Name <e-mail>") is set with the form (`person_field.choices_of`).
    person = forms.ModelChoiceField(label=_("Participant"), queryset=None)
    reason = TypedText(
        label=_("Why"),
        max_length=REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the person asked for the removal of their data."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        # The programme's participants, observers and nominees with an account.
        people = (
            get_user_model()
            .objects.filter(
                Q(memberships__programme=programme, memberships__role__in=PEOPLE_ROLES)
                | Q(nominations__programme=programme)
            )
            .exclude(email__endswith="@" + ANONYMOUS_DOMAIN)
            .distinct()
            .order_by("last_name", "first_name")
        )
        choices = person_field.choices_of(people)
        if choices is not None:
            field = self.fields["person"]
            field.queryset = people
            # The list read once above, not again from the queryset when the form is shown.
            field.choices = [("", field.empty_label), *choices]
        else:
            self.fields["person"] = person_field.PersonByEmailField(
                label=_("E-mail address of the participant"), people=people
            )


class AnonymiseProgrammeForm(forms.Form):
    reason = TypedText(
        label=_("Why"),
        max_length=REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the retention period has passed."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
    )
