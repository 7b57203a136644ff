"""Administration pages show a manager only the programmes they manage."""

from django.contrib import admin

from capacita.permissions import managed_programmes


class ProgrammeScopedAdmin(admin.ModelAdmin):
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
