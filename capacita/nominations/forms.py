from django import forms
from django.utils.translation import gettext_lazy as _

from capacita.accounts.models import Language
from capacita.shared import uploads
from capacita.shared.text_limits import NAME, REASON, TypedText

from .models import Gender, Nomination
from .spreadsheets import clean

OTHER = "other"


class NominationForm(forms.Form):
    """One person, as a focal point types them; the services check it like a file's row."""

    first_name = forms.CharField(label=_("First name(s)"), max_length=NAME)
    last_name = forms.CharField(label=_("Surname(s)"), max_length=NAME)
    position = forms.CharField(label=_("Position"), max_length=300)
    institution = forms.CharField(label=_("Institution"), max_length=300)
    email = forms.EmailField(label=_("E-mail"))
    profile = forms.ChoiceField(label=_("Profile"), required=False)
    profile_other = forms.CharField(
        label=_("Other profile"),
        max_length=300,
        required=False,
        help_text=_("Only when the profile is “Other”."),
    )
    gender = forms.ChoiceField(
        label=_("Sex/gender (optional)"),
        required=False,
        choices=[("", "—"), *Gender.choices],
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = [
            ("", "—"),
            *[(profile.code, profile.name) for profile in programme.profiles.all()],
            (OTHER, _("Other")),
        ]

    def clean(self):
        data = super().clean()
        if data.get("profile") == OTHER and not data.get("profile_other", "").strip():
            self.add_error("profile_other", _("Say which profile."))
        return data

    def values(self) -> dict[str, str]:
        """The form's answers as the text of one row of a list, cleaned like a file's cells."""
        data = {
            name: clean(value) if isinstance(value, str) else value
            for name, value in self.cleaned_data.items()
        }
        profile = data.get("profile") or ""
        if profile == OTHER:
            profile = f"{OTHER}: {data.get('profile_other', '').strip()}"
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "position": data["position"],
            "institution": data["institution"],
            "email": data["email"],
            "profile": profile,
            "gender": data.get("gender") or "",
            "language": data["language"],
        }

    @classmethod
    def initial_for(cls, nomination: Nomination) -> dict:
        return {
            "first_name": nomination.first_name,
            "last_name": nomination.last_name,
            "position": nomination.position,
            "institution": nomination.institution,
            "email": nomination.email,
            "profile": nomination.profile.code
            if nomination.profile_id
            else (OTHER if nomination.profile_other else ""),
            "profile_other": nomination.profile_other,
            "gender": nomination.gender,
            "language": nomination.language,
        }


SIZE_LIMIT = "UPLOAD_MAX_SPREADSHEET_BYTES"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("The country's list (XLSX or CSV)"),
        help_text=_("The templates above have the columns ready."),
    )

    def clean_file(self):
        """The file, checked by its size before it is read and by its content, whatever its
        name: a PDF, an image or a video is refused here; a damaged workbook, an old .xls or
        other binary gets the reader's own advice on the next page."""
        file = self.cleaned_data["file"]
        try:
            uploads.check_size(file, uploads.limit(SIZE_LIMIT))
            uploads.check_kind(
                file,
                frozenset({"xlsx", "text", "zip", "ole", None}),
                _("a spreadsheet (XLSX or CSV)"),
            )
        except uploads.UploadError as error:
            raise forms.ValidationError(error.message, code="upload") from None
        return file


class DecisionForm(forms.Form):
    ACTIONS = [
        ("accept", _("Accept")),
        ("reserve", _("Move to the reserve list")),
        ("reinstate", _("Back to submitted")),
        ("reject", _("Reject")),
    ]
    action = forms.ChoiceField(label=_("Decision"), choices=ACTIONS)
    nominations = forms.TypedMultipleChoiceField(coerce=int, label=_("Nominations"))
    reason = TypedText(
        label=_("Reason"),
        required=False,
        max_length=REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject, and to accept over the quota."),
    )
    override_quota = forms.BooleanField(label=_("Accept over the quota"), required=False)

    def __init__(self, *args, nomination_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].choices = [(pk, pk) for pk in nomination_ids]


class PersonRoleForm(forms.Form):
    """Naming a focal point or registering an observer."""

    first_name = forms.CharField(label=_("First name(s)"), max_length=NAME)
    last_name = forms.CharField(label=_("Surname(s)"), max_length=NAME)
    email = forms.EmailField(label=_("E-mail"))
    language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)
    country = forms.ModelChoiceField(label=_("Country"), queryset=None, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=300, required=False)

    def __init__(self, *args, programme, role, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        self.fields["country"].queryset = programme.countries.all()
        if role == "focal_point":
            self.fields["country"].required = True
            del self.fields["organisation"]
        else:
            self.fields["organisation"].required = True
            del self.fields["country"]
