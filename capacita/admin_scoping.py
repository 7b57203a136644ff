"""Administration pages show a manager only the programmes they manage."""

from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models

from capacita.permissions import managed_programmes
from capacita.storage import private_storage


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
    """A ModelAdmin whose rows belong to a programme reached through `programme_lookup`."""

    programme_lookup = "programme"

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
