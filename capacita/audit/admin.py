from django.contrib import admin

from capacita.admin_scoping import ProgrammeScopedAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ProgrammeScopedAdmin):
    list_display = ("created_at", "action", "actor", "subject_type", "subject_id", "reason")
    list_filter = ("action", "programme")
    search_fields = ("reason", "subject_id", "actor__email")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
