"""The page that makes a programme's next edition: the slug, the titles and the days to move
every date by, a preview of the first and last sessions moved, then the new edition's console."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capacita.programmes import permissions
from capacita.programmes.models import Programme
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded
from capacita.shared.zones import zone_name

from .menu import console_menu
from .new_edition import (
    MAX_DAYS,
    NewEditionError,
    moved,
    moved_sessions,
    new_edition,
    refusals,
    suggestion,
)


def _limit(name: str) -> int:
    return Programme._meta.get_field(name).max_length


class NewEditionForm(forms.Form):
    """Its fields say only what they are; `new_edition.refusals` says what is wrong with them,
    as the service does, so that the page and the service refuse alike."""

    slug = forms.CharField(
        label=gettext_lazy("Address (slug)"),
        required=False,
        widget=forms.TextInput(attrs={"required": True, "maxlength": _limit("slug")}),
        help_text=gettext_lazy(
            "The new edition's address, as in /programmes/crm-2022/: letters, digits and hyphens."
        ),
    )
    title_es = forms.CharField(
        label=capfirst(Programme._meta.get_field("title_es").verbose_name),
        required=False,
        widget=forms.TextInput(attrs={"required": True, "maxlength": _limit("title_es")}),
    )
    title_en = forms.CharField(
        label=capfirst(Programme._meta.get_field("title_en").verbose_name),
        required=False,
        widget=forms.TextInput(attrs={"required": True, "maxlength": _limit("title_en")}),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Days to move every date and time by"),
        required=False,
        widget=forms.NumberInput(attrs={"required": True, "min": -MAX_DAYS, "max": MAX_DAYS}),
        help_text=gettext_lazy(
            "A negative number moves them back. 364 days is a year later on the same weekdays. "
            "Times of day stay as they are in the programme's zone."
        ),
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean(self):
        data = super().clean()
        problems = refusals(
            self.programme,
            slug=(data.get("slug") or "").strip(),
            title_es=(data.get("title_es") or "").strip(),
            title_en=(data.get("title_en") or "").strip(),
            days=data.get("days"),
        )
        for name, problem in problems.items():
            if name not in self.errors:
                self.add_error(name, problem)
        return data

    def refused(self, error: NewEditionError) -> None:
        for name, problem in error.fields.items():
            self.add_error(name or None, problem)

    def valid_days(self) -> int | None:
        """The days typed, when they are right; None otherwise."""
        if "days" in self.errors or not hasattr(self, "cleaned_data"):
            return None
        return self.cleaned_data.get("days")


@_guarded
def new_edition_page(request, slug):
    """The form with the moved dates (again with the days typed, "Show the moved dates"),
    and the new edition made ("Create"), then its console."""
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.is_manager(request.user, programme))
    status = 200
    if request.method == "POST":
        form = NewEditionForm(request.POST, programme=programme)
        if form.is_valid() and "create" in request.POST:
            try:
                edition = new_edition(programme, **form.cleaned_data, actor=request.user)
            except NewEditionError as error:
                form.refused(error)
            else:
                messages.success(
                    request,
                    _(
                        "The new edition is ready, unpublished. Check its dates and the texts "
                        "that name dates, add its meeting links and name its facilitators; "
                        "then publish it in its settings."
                    ),
                )
                return redirect("console:home", edition.slug)
        if form.errors:
            status = 400
        days = form.valid_days()
    else:
        initial = suggestion(programme)
        form = NewEditionForm(initial=initial, programme=programme)
        days = initial["days"]
    zone = programme.zone
    context = {
        "programme": programme,
        "menu": console_menu(programme),
        "form": form,
        "days": days,
        "zone_label": _("%(zone)s (the programme's zone)") % {"zone": zone_name(zone)},
        "sessions": [] if days is None else moved_sessions(programme, days),
        "start_date": None if days is None else moved(programme.start_date, days, zone),
        "end_date": None if days is None else moved(programme.end_date, days, zone),
    }
    return render(request, "console/new_edition.html", context, status=status)
