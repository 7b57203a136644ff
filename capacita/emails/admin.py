from django.contrib import admin

from capacita.admin_scoping import ReadOnlyProgrammeAdmin

from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyProgrammeAdmin):
    """What was sent to whom and how it went. Read only: the worker writes these records."""

    list_display = ("created_at", "to", "kind", "language", "subject", "status", "attempts")
    list_filter = ("status", "kind", "language", "programme")
    search_fields = ("to", "subject")
    date_hierarchy = "created_at"
    list_select_related = ("programme",)
    fields = (
        ("created_at", "kind", "language"),
        ("to", "user", "programme"),
        "subject",
        "body_text",
        "body_html",
        ("status", "attempts", "sent_at", "next_attempt_at"),
        "last_error",
    )
    readonly_fields = (
        "created_at",
        "kind",
        "language",
        "to",
        "user",
        "programme",
        "subject",
        "body_text",
        "body_html",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
        "last_error",
    )
