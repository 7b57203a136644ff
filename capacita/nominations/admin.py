from django.contrib import admin

from capacita.admin_scoping import ProgrammeScopedAdmin

from .models import Nomination


@admin.register(Nomination)
class NominationAdmin(ProgrammeScopedAdmin):
    """A read-only view: decisions go through the nominations pages, which record them."""

    list_display = ("last_name", "first_name", "email", "country", "status", "programme")
    list_filter = ("programme", "country", "status")
    search_fields = ("first_name", "last_name", "email", "institution")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
