"""The programme's settings in Capacita's own pages: its texts side by side in Spanish and
English, its contact address, time zone (named as a place), interpretation, attendance
threshold and completion rule, and whether it is published."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capacita.agenda.timezones import zone_choices
from capacita.programmes.models import Programme
from capacita.programmes.services import SETTINGS_FIELDS, change_settings
from capacita.shared.access import guarded as _guarded

from .menu import console_menu
from .views import managed

# The texts shown side by side: (field without its language, label).
PAIRS = (
    ("title", gettext_lazy("Title")),
    ("subtitle", gettext_lazy("Subtitle")),
    ("description", gettext_lazy("Description")),
    ("general_objective", gettext_lazy("General objective")),
    ("methodology", gettext_lazy("Methodology")),
    ("participation", gettext_lazy("Who takes part")),
)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = SETTINGS_FIELDS
        widgets = {
            **{
                f"{name}_{language}": forms.Textarea(attrs={"rows": 6})
                for name in ("description", "general_objective", "methodology", "participation")
                for language in ("es", "en")
            },
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"] = forms.ChoiceField(
            label=Programme._meta.get_field("time_zone").verbose_name,
            help_text=Programme._meta.get_field("time_zone").help_text,
            choices=zone_choices(self.instance),
        )

    def pairs(self):
        """Each text with its Spanish and English fields, for the page to set side by side."""
        return [(label, self[f"{name}_es"], self[f"{name}_en"]) for name, label in PAIRS]

    def others(self):
        bilingual = {f"{name}_{language}" for name, _label in PAIRS for language in ("es", "en")}
        return [self[name] for name in SETTINGS_FIELDS if name not in bilingual]


@_guarded
def settings_page(request, slug):
    programme = managed(request, slug)
    # The form works on a copy: validating writes into its instance, and the service compares
    # the posted values with the programme as it was to record what changed.
    form = SettingsForm(request.POST or None, instance=Programme.objects.get(pk=programme.pk))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in SETTINGS_FIELDS}
            changed = change_settings(programme, values, request.user)
            if changed:
                messages.success(request, _("The programme's settings are saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("console:settings", slug=programme.slug)
        status = 400
    return render(
        request,
        "console/settings.html",
        {"programme": programme, "form": form, "menu": console_menu(programme)},
        status=status,
    )
