from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from capacita.accounts.models import Language
from capacita.countries.models import Country
from capacita.shared import uploads
from capacita.shared.people_pages import search_of
from capacita.shared.posted import posted_id
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


class PostedIds(forms.Field):
    """Ids posted under one name: the boxes ticked, the rows a page showed. Which of them are
    the programme's nominations is checked when deciding (`services.decide_nominations`)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Choose nominations from the list.")}

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids = [posted_id(item) for item in values]
        if None in ids:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return ids


class BulkDecisionForm(forms.Form):
    """A decision on nominations of any countries: those ticked (all that a country's list
    posts), every row the decisions page showed, or every nomination its filters find."""

    TICKED, PAGE, MATCHING = "ticked", "page", "matching"
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=DecisionForm.ACTIONS,
        error_messages={
            "required": _("Choose a decision."),
            "invalid_choice": _("Choose a decision."),
        },
    )
    nominations = PostedIds(label=_("Nominations"), required=False)
    scope = forms.ChoiceField(
        choices=[(TICKED, TICKED), (PAGE, PAGE), (MATCHING, MATCHING)], required=False
    )
    shown = PostedIds(required=False)
    # How many nominations the filters found when the page was shown. Deciding on all of
    # them is refused when that has changed, so that nobody decides on people never counted.
    expected = forms.IntegerField(required=False, min_value=0)
    reason = TypedText(label=_("Reason"), required=False, max_length=REASON)
    override_quota = forms.BooleanField(label=_("Accept over the quota"), required=False)

    def clean(self):
        data = super().clean()
        data["scope"] = data.get("scope") or self.TICKED
        chosen = {self.TICKED: "nominations", self.PAGE: "shown"}.get(data["scope"])
        if chosen and not data.get(chosen) and not self.has_error(chosen):
            self.add_error(chosen, _("Choose at least one nomination."))
        reason = (data.get("reason") or "").strip()
        if not reason and not self.has_error("reason"):
            if data.get("action") == "reject":
                self.add_error("reason", _("Rejecting a nomination needs a reason."))
            elif data.get("action") == "accept" and data.get("override_quota"):
                self.add_error("reason", _("Accepting over the quota needs a reason."))
        return data


@dataclass(frozen=True)
class NominationFilters:
    """Which nominations the decisions page lists: of one country or all, in one status or
    any, whose name or e-mail holds a search; and which page of them. Read from the address,
    or from the form posted from the page, so that a decision comes back to the same list."""

    country: Country | None = None
    status: str = ""
    search: str = ""
    page: int = 1

    @classmethod
    def read(cls, params, countries) -> NominationFilters:
        """The filters `params` ask for; a country not of `countries`, or a status unknown,
        is no filter."""
        code = params.get("country", "")
        code = code.upper() if isinstance(code, str) else ""
        status = params.get("status", "")
        return cls(
            country=next((country for country in countries if country.code == code), None),
            status=status if status in Nomination.Status.values else "",
            search=search_of(params),
            page=posted_id(params.get("page")) or 1,
        )

    def query_with(self, *, status=None, page: int = 1) -> str:
        """The query string of this list, in `status` when given, at `page`."""
        params = {}
        if self.country is not None:
            params["country"] = self.country.code.lower()
        status = self.status if status is None else status
        if status:
            params["status"] = status
        if self.search:
            params["search"] = self.search
        if page > 1:
            params["page"] = page
        return urlencode(params)

    @property
    def query(self) -> str:
        """The query string every link between the list's pages keeps."""
        return self.query_with()

    @property
    def narrowed(self) -> bool:
        return bool(self.country or self.status or self.search)


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
