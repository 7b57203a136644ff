from django import forms
from django.utils.translation import gettext_lazy as _

from capacita.agenda.timezones import zone_choices
from capacita.shared import uploads
from capacita.shared.person_field import PersonByEmailField
from capacita.shared.quick_widgets import QuickHiddenInput, QuickSelect, QuickTextarea
from capacita.shared.text_limits import REASON, TypedText
from capacita.shared.zones import validate_time_zone

from .models import AttendanceRecord

# Zoom's participants report for a 1,000-person meeting with many reconnections is a few
# MB; 100,000 rows are about 10 MB: see uploads.DEFAULT_LIMITS.
SIZE_LIMIT = "UPLOAD_MAX_ZOOM_REPORT_BYTES"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Zoom participants report (CSV)"),
        help_text=_(
            "In Zoom: Reports › Usage, the meeting's Participants, “Show unique users” "
            "unticked, then Export (with or without the meeting data)."
        ),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone of the Zoom account that exported it"),
        help_text=_("Zoom writes the times in the zone of the account's settings."),
    )
    other_time_zone = forms.CharField(
        label=_("Another time zone"),
        required=False,
        max_length=64,
        help_text=_("Only if it is none of the above: a name such as America/Guatemala."),
    )

    def __init__(self, *args, programme, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("time_zone", programme.time_zone)
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = zone_choices(programme)

    def clean_other_time_zone(self):
        value = self.cleaned_data.get("other_time_zone", "").strip()
        if value:
            validate_time_zone(value)
        return value

    def clean_file(self):
        """The file, checked by its size before it is read and by its content (a CSV file
        is text), whatever its name."""
        file = self.cleaned_data["file"]
        try:
            uploads.check_size(file, uploads.limit(SIZE_LIMIT))
            uploads.check_kind(file, frozenset({"text"}), _("a CSV file"))
        except uploads.UploadError as error:
            raise forms.ValidationError(error.message, code="upload") from None
        return file

    @property
    def zone(self) -> str:
        return self.cleaned_data.get("other_time_zone") or self.cleaned_data["time_zone"]


class MatchForm(forms.Form):
    """Who the rows of one name and e-mail are: chosen from `choices` (the people's ids with
    their names and e-mails), or, without them (too many people to list), given by e-mail
    address among `people` (`person_field`)."""

    meeting_name = forms.CharField(widget=forms.HiddenInput, max_length=300, required=False)
    meeting_email = forms.CharField(widget=forms.HiddenInput, max_length=254, required=False)
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)

    def __init__(self, *args, choices, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["user"].choices = [("", "—"), *choices]
        else:
            self.fields["user"] = PersonByEmailField(
                label=_("E-mail address of the person"), people=people
            )

    @property
    def refusal(self) -> str:
        """What to tell the manager when the form is refused."""
        if isinstance(self.fields["user"], PersonByEmailField) and self.errors.get("user"):
            return self.errors["user"][0]
        return _("Choose the person these rows belong to.")

    def clean_user(self):
        value = self.cleaned_data["user"]
        return value if isinstance(value, int) else value.pk


class MarkForm(forms.Form):
    """One person's attendance, marked by hand."""

    user = forms.IntegerField(widget=QuickHiddenInput)
    status = forms.ChoiceField(
        label=_("Status"), choices=AttendanceRecord.Status.choices, widget=QuickSelect
    )
    reason = TypedText(
        label=_("Reason"), max_length=REASON, widget=QuickTextarea(attrs={"rows": 2})
    )


class UnmarkForm(forms.Form):
    """Taking back one person's hand mark, with the reason."""

    user = forms.IntegerField(widget=QuickHiddenInput)
    reason = TypedText(
        label=_("Why take it back?"), max_length=REASON, widget=QuickTextarea(attrs={"rows": 2})
    )


class UnmatchForm(forms.Form):
    """Taking back a match made by hand, with the reason."""

    match = forms.IntegerField(widget=QuickHiddenInput)
    reason = TypedText(
        label=_("Why take it back?"), max_length=REASON, widget=QuickTextarea(attrs={"rows": 2})
    )
