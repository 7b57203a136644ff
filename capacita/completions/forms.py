from django import forms
from django.utils.translation import gettext_lazy as _

from capacita.shared import uploads
from capacita.shared.quick_widgets import (
    QuickDateTimeInput,
    QuickHiddenInput,
    QuickSelect,
    QuickTextarea,
)
from capacita.shared.text_limits import REASON, TypedText

from .models import CompletionReport

SIZE_LIMIT = "UPLOAD_MAX_SPREADSHEET_BYTES"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Completion report (CSV)"),
        help_text=_(
            "On the learning site: the course's Reports › Course completion, then “Download "
            "in spreadsheet format (UTF-8 .csv)” or “Download in Excel-compatible format "
            "(.csv)”."
        ),
    )
    date_order = forms.ChoiceField(
        label=_("Order of the dates in the report"),
        choices=CompletionReport.DateOrder.choices,
        initial=CompletionReport.DateOrder.DMY,
        help_text=_(
            "Moodle writes 03/11/21, 10:22 for 3 November 2021 (day first) unless the site's "
            "language says otherwise."
        ),
    )

    def clean_file(self):
        """The file, checked by its size before it is read and by its content (a CSV file
        is text, or UTF-16 without a byte-order mark; a workbook gets the reader's own
        advice), whatever its name."""
        file = self.cleaned_data["file"]
        try:
            uploads.check_size(file, uploads.limit(SIZE_LIMIT))
            uploads.check_kind(
                file, frozenset({"text", None, "xlsx", "zip", "ole"}), _("a CSV file")
            )
        except uploads.UploadError as error:
            raise forms.ValidationError(error.message, code="upload") from None
        return file


class MarkForm(forms.Form):
    """One person's completion, marked by hand."""

    COMPLETED = [("yes", _("Completed")), ("no", _("Not completed"))]

    user = forms.IntegerField(widget=QuickHiddenInput)
    completed = forms.ChoiceField(label=_("Status"), choices=COMPLETED, widget=QuickSelect)
    completed_at = forms.DateTimeField(
        label=_("Completed on (optional, programme time)"),
        required=False,
        widget=QuickDateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = TypedText(
        label=_("Reason"), max_length=REASON, widget=QuickTextarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("completed") == "no" and data.get("completed_at"):
            self.add_error("completed_at", _("A completion date goes only with “completed”."))
        return data


class UnmarkForm(forms.Form):
    """Taking back one person's hand mark, with the reason."""

    user = forms.IntegerField(widget=QuickHiddenInput)
    reason = TypedText(
        label=_("Why take it back?"), max_length=REASON, widget=QuickTextarea(attrs={"rows": 2})
    )
