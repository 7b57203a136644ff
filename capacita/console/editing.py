"""Editing the parts of a programme in the console: its organisers, profiles, courses,
sessions and their agenda, signatories and the like, each a list of items with a page to add
one, a page to change one, a confirmation to remove one and, where the order is the reader's,
buttons to move one up or down.

A `Part` says what a list is made of: its model, the fields a manager types (a field's Spanish
and English columns are shown side by side), how its items belong to the programme (directly
or through a parent item: the agenda items of a session), what may stop one from being
removed, and the figures shown beside each. The pages (`editing_views`) and the service that
saves (`services`) are the same for every part; times are typed and shown in the programme's
own zone, named beside each field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from capacita.shared.text_limits import PROGRAMME_TEXT

# A part's address inside the console: letters and hyphens.
KEY = r"[a-z][a-z-]*"
# A part's field's label in one language, "title (Spanish)" or "título (español)", without
# its language, for the heading of the pair shown side by side.
_LANGUAGE_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")


def _none(*_args) -> str:
    return ""


def _no_figures(_item) -> list[str]:
    return []


@dataclass(frozen=True)
class Part:
    key: str
    title: str | Promise
    singular: str | Promise
    model: type[models.Model]
    fields: tuple[str, ...]
    # Every item of the part in a programme (whatever its parent).
    scope: Callable[[object], models.QuerySet]
    # The part whose items hold this one's ("sessions" for the agenda items), and the field
    # naming it; without a parent, items belong to the programme through `programme`.
    parent: str | None = None
    parent_field: str = "programme"
    # The field ordering the items among their siblings, moved with up and down; None when
    # the order comes from the items themselves (a session's number, a date).
    order: str | None = "position"
    # The step of the programme's life the part belongs to (the menu's group).
    step: str = "programme"
    # Why an item cannot be removed (answers given to it, people in it), or "" when it can.
    blocked: Callable[[object], str] = _none
    # Short figures shown beside each item in the list ("3 agenda items").
    figures: Callable[[object], list[str]] = _no_figures
    # Choices offered for a related field, narrowed to the programme: field → (programme →
    # queryset).
    choices: dict[str, Callable[[object], models.QuerySet]] = field(default_factory=dict)
    # Values a new item starts with (the next number, a time after the last item's):
    # (programme, parent) → initial values.
    initial: Callable[..., dict] | None = None
    # False for a part whose items come with the programme and are only changed (its tests).
    addable: bool = True
    # At most one item (the certificate design): added only while there is none.
    single: bool = False
    # More on an item's page than its form (linking a person to an account): item →
    # {"template": …, and what the template reads}.
    extra: Callable[[object], dict] | None = None
    # How an item is named in the console's pages (its `str` unless said otherwise).
    label: Callable[[object], str] = str
    # A template included under a list (the certificate's preview).
    list_extra: str = ""
    # Widgets of their own for some fields.
    widgets: dict[str, forms.Widget] = field(default_factory=dict)
    # A sentence under the heading of the list: what the part is for.
    help: str | Promise = ""
    # Checks across fields and siblings beyond the model's own: (form, programme, parent) →
    # None, adding errors to the form.
    check: Callable[..., None] | None = None
    # What follows from a change, in its transaction: (item, names of the fields changed).
    after_save: Callable[..., None] | None = None
    # Related objects read with the items of the list (select/prefetch).
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    # Figures read with the items (counts of what belongs to each), for `figures`.
    annotate: dict = field(default_factory=dict)

    def parent_of(self, item):
        return getattr(item, self.parent_field) if self.parent else None

    def siblings(self, programme, parent=None) -> models.QuerySet:
        queryset = self.scope(programme)
        if self.parent:
            queryset = queryset.filter(**{self.parent_field: parent})
        if self.related:
            queryset = queryset.select_related(*self.related)
        if self.prefetch:
            queryset = queryset.prefetch_related(*self.prefetch)
        if self.annotate:
            queryset = queryset.annotate(**self.annotate)
        return queryset

    def can_add(self, programme, parent=None) -> bool:
        if not self.addable:
            return False
        return not (self.single and self.siblings(programme, parent).exists())

    def attach(self, item, programme, parent) -> None:
        setattr(item, self.parent_field, parent if self.parent else programme)


class PartForm(forms.ModelForm):
    """A part's form: its fields in the order given, each pair of languages side by side."""

    def _post_clean(self):
        super()._post_clean()
        # Django names the model and its fields in its own words ("Member country with this
        # Programme and Country already exists"): say it in the manager's, beside the field.
        if not self._errors or NON_FIELD_ERRORS not in self._errors:
            return
        kept = []
        for error in self._errors[NON_FIELD_ERRORS].as_data():
            if error.code != "unique_together" or not error.params:
                kept.append(error)
                continue
            names = [name for name in error.params["unique_check"] if name in self.fields]
            labels = ", ".join(
                str(self._meta.model._meta.get_field(name).verbose_name) for name in names
            )
            message = _("Another item of this list already has this value of: %(fields)s.") % {
                "fields": labels
            }
            if len(names) == 1:
                self._errors.setdefault(names[0], self.error_class(renderer=self.renderer))
                self._errors[names[0]].append(message)
            else:
                kept.append(ValidationError(message, code="unique_together"))
        if kept:
            self._errors[NON_FIELD_ERRORS] = self.error_class(
                kept, error_class="nonfield", renderer=self.renderer
            )
        else:
            del self._errors[NON_FIELD_ERRORS]

    def rows(self):
        """("pair", label, Spanish field, English field) or ("one", field), in order."""
        rows, done = [], set()
        for name in self.fields:
            if name in done:
                continue
            stem, _sep, language = name.rpartition("_")
            other = f"{stem}_en" if language == "es" else None
            if other and other in self.fields:
                label = _LANGUAGE_SUFFIX.sub("", str(self.fields[name].label)) or name
                rows.append(("pair", label[:1].upper() + label[1:], self[name], self[other]))
                done.update((name, other))
            else:
                rows.append(("one", self[name]))
                done.add(name)
        return rows


class PrivateFileInput(forms.ClearableFileInput):
    """The current file by its name, without a link: a programme's files are private, served
    only by the pages that check who asks."""

    template_name = "console/widgets/private_file.html"

    def is_initial(self, value):
        return bool(value and getattr(value, "name", None))


def moment_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def form_class(part: Part, programme) -> type[PartForm]:
    widgets = {}
    for name in part.fields:
        model_field = part.model._meta.get_field(name)
        if isinstance(model_field, models.DateTimeField):
            widgets[name] = moment_widget()
        elif isinstance(model_field, models.FileField):
            widgets[name] = PrivateFileInput()
        elif isinstance(model_field, models.TextField):
            widgets[name] = forms.Textarea(attrs={"rows": 4})
    widgets.update(part.widgets)
    form = forms.modelform_factory(part.model, form=PartForm, fields=part.fields, widgets=widgets)

    class Bound(form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name, queryset in part.choices.items():
                if name in self.fields:
                    self.fields[name].queryset = queryset(programme)
            for form_field in self.fields.values():
                if isinstance(form_field, forms.DateTimeField):
                    form_field.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
                elif isinstance(form_field, forms.CharField) and form_field.max_length is None:
                    # Every text a person types has its limit; a long text of the programme's
                    # has the programme's texts' one.
                    form_field.max_length = PROGRAMME_TEXT
                    form_field.validators.append(MaxLengthValidator(PROGRAMME_TEXT))
                    form_field.widget.attrs["maxlength"] = str(PROGRAMME_TEXT)

        def _get_validation_exclusions(self):
            # The item's parent and place are set before validation, so that a code already
            # used in the programme or a place already taken is told, not refused later.
            exclude = super()._get_validation_exclusions()
            exclude.discard(part.parent_field)
            if part.order:
                exclude.discard(part.order)
            return exclude

        def clean(self):
            cleaned = super().clean()
            if part.check is not None:
                part.check(self, programme)
            return cleaned

    return Bound
