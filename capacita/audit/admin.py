from django.contrib import admin

from capacita.programmes.admin_scoping import ReadOnlyProgrammeAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyProgrammeAdmin):
    list_display = ("created_at", "action", "actor", "subject_type", "subject_id", "reason")
    list_filter = ("action", "programme")
    search_fields = ("reason", "subject_id", "actor__email")
