"""Administration pages show a manager only the programmes they manage, and every date and
time of a programme in the programme's own time zone, named."""

from contextvars import ContextVar

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from capacita.programmes.events import progress_changed
from capacita.programmes.models import Programme
from capacita.programmes.permissions import managed_programmes
from capacita.shared.formats import when
from capacita.shared.storage import private_storage
from capacita.shared.zones import zone_name, zone_or_none

# True while an administration page is built for an object whose programme is not known yet
# (a new one, the programme still to be chosen): its times are read in the zone of the
# programme chosen when the form is sent, and the date-time inputs say so.
ZONE_NOT_CHOSEN: ContextVar[bool] = ContextVar("zone_not_chosen", default=False)


def admin_zone_label() -> str:
    """What the admin's date-time inputs name beside them: the active zone ("Mexico City
    Time"), or that the programme to be chosen gives it."""
    if ZONE_NOT_CHOSEN.get():
        return _("time of the programme you choose")
    return zone_name(timezone.get_current_timezone())


class PrivateFileWidget(AdminFileWidget):
    """The current file by its name, without the link the admin gives public files: private
    files have no public address (they are served by views that check permission)."""

    template_name = "admin/capacita/private_file_input.html"

    def is_initial(self, value):
        # Django's asks for the file's URL, which a private file does not have.
        return bool(value and getattr(value, "name", None))


def is_private_file(db_field) -> bool:
    return isinstance(db_field, models.FileField) and db_field.storage is private_storage()


class LabelledTabularInline(admin.TabularInline):
    """Django's tabular inline names its columns only in the table's headers, so its inputs
    have no label of their own (WCAG 1.3.1, 4.1.2): each gets its column's name."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class Labelled(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                for field in form.fields.values():
                    # Related fields are wrapped by the admin; the label goes to the input.
                    widget = getattr(field.widget, "widget", field.widget)
                    if not widget.is_hidden:
                        widget.attrs.setdefault("aria-label", str(field.label or ""))

        Labelled.__name__ = formset.__name__
        return Labelled


class PrivateFilesMixin:
    """For admins and inlines with private files: the current file shown by its name."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if is_private_file(db_field):
            kwargs["widget"] = PrivateFileWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ProgrammeScopedAdmin(PrivateFilesMixin, admin.ModelAdmin):
    """A ModelAdmin whose rows belong to a programme reached through `programme_lookup`.

    Its dates and times, inlines included, are typed and read in the programme's zone: the
    change page is built and its form read inside `timezone.override(programme's zone)`,
    each date-time input names that zone beside it (templates/admin/widgets/
    split_datetime.html) and the page says it above the form; in the list, each date-time
    column shows its row's time in its programme's zone, named. A new object whose programme
    is not chosen yet (a manager of several programmes) takes the zone of the programme
    chosen in the form sent."""

    programme_lookup = "programme"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        zone = self.programme_zone(request, object_id)
        if zone is None:
            note = _("Dates and times are read in the time zone of the programme you choose.")
        else:
            note = _("Dates and times on this page are in %(zone)s, the programme's time zone.") % {
                "zone": zone_name(zone)
            }
        extra_context = {**(extra_context or {}), "zone_note": note}
        chosen = ZONE_NOT_CHOSEN.set(zone is None)
        try:
            with timezone.override(zone):
                response = super().changeform_view(request, object_id, form_url, extra_context)
                # The page is drawn here, in the programme's zone, not after the view returns.
                if isinstance(response, TemplateResponse) and not response.is_rendered:
                    response.render()
        finally:
            ZONE_NOT_CHOSEN.reset(chosen)
        return response

    def programme_zone(self, request, object_id=None):
        """The zone of the programme the page is about: the one chosen in the form sent,
        else the object's, else the manager's only programme; None when not known yet."""
        programme = self._programme_posted(request) if request.method == "POST" else None
        if programme is None and object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            programme = self.programme_of(obj) if obj is not None else None
        if programme is None:
            only = list(managed_programmes(request.user)[:2])
            programme = only[0] if len(only) == 1 else None
        if isinstance(programme, models.Model):
            return programme.zone
        return programme

    def programme_of(self, obj):
        """The programme of `obj`, following `programme_lookup` (a chain of foreign keys)."""
        if self.programme_lookup == "pk":
            return obj
        for name in self.programme_lookup.split("__"):
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        return obj

    def _programme_posted(self, request):
        """The programme (or, for a programme itself, the zone) the form sent names."""
        if self.programme_lookup == "pk":
            return zone_or_none(request.POST.get("time_zone"))
        first, *rest = self.programme_lookup.split("__")
        field = self.model._meta.get_field(first)
        try:
            obj = field.related_model._default_manager.get(pk=request.POST.get(first))
        except (ObjectDoesNotExist, ValidationError, ValueError, TypeError):
            return None
        for name in rest:
            obj = getattr(obj, name, None)
        return obj

    def get_list_display(self, request):
        """Each date-time column in its row's programme zone, the zone named."""
        zones = {}

        def zone_of(obj):
            key = self._first_key(obj)
            if key not in zones:
                programme = self.programme_of(obj)
                zones[key] = programme.zone if programme is not None else None
            return zones[key]

        return [
            self._moment_column(name, zone_of) if self._is_moment(name) else name
            for name in super().get_list_display(request)
        ]

    def _is_moment(self, name) -> bool:
        if not isinstance(name, str):
            return False
        try:
            return isinstance(self.model._meta.get_field(name), models.DateTimeField)
        except FieldDoesNotExist:  # a method's or a property's name
            return False

    def _first_key(self, obj):
        """What identifies the row's programme without reading it: the first foreign key."""
        if self.programme_lookup == "pk":
            return obj.pk
        return getattr(obj, f"{self.programme_lookup.split('__')[0]}_id", None)

    def _moment_column(self, name, zone_of):
        field = self.model._meta.get_field(name)
        empty = self.get_empty_value_display()

        def column(obj):
            value = getattr(obj, name)
            if value is None:
                return empty
            zone = zone_of(obj) or zone_or_none("UTC")
            return format_html(
                '{} <span class="zone">({})</span>', when(value, zone), zone_name(zone)
            )

        column.short_description = field.verbose_name
        column.admin_order_field = name
        column.__name__ = name
        return column

    # What is changed here (sessions, courses, the rule, memberships) may change who meets the
    # certificate rule: the kept progress follows, in the same transaction as the change.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._progress_changed(self.programme_of(form.instance))

    def delete_model(self, request, obj):
        programme = self.programme_of(obj)
        super().delete_model(request, obj)
        self._progress_changed(programme)

    def delete_queryset(self, request, queryset):
        programmes = {self.programme_of(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        for programme in programmes:
            self._progress_changed(programme)

    @staticmethod
    def _progress_changed(programme) -> None:
        if isinstance(programme, Programme) and programme.pk is not None:
            progress_changed(programme)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            **{f"{self.programme_lookup}__in": managed_programmes(request.user)}
        ).distinct()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "programme" and not request.user.is_superuser:
            kwargs["queryset"] = managed_programmes(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyProgrammeAdmin(ProgrammeScopedAdmin):
    """Shown in the administration site, never changed there: the pages that make these
    changes record each decision with who, when and why."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
