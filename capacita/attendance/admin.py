from django.contrib import admin

from capacita.programmes.admin_scoping import ReadOnlyProgrammeAdmin

from .models import AttendanceRecord, JoinInterval, MeetingReport, NameMatch


class ReadOnlyAdmin(ReadOnlyProgrammeAdmin):
    """A read-only view: imports, matches and hand corrections go through the attendance
    pages, which record them."""

    programme_lookup = "session__programme"


@admin.register(MeetingReport)
class MeetingReportAdmin(ReadOnlyAdmin):
    list_display = ("filename", "session", "time_zone", "row_count", "uploaded_by", "created_at")
    list_filter = ("session__programme", "session")
    search_fields = ("filename", "topic", "meeting_id")
    list_select_related = ("session", "uploaded_by")
    date_hierarchy = "created_at"


@admin.register(JoinInterval)
class JoinIntervalAdmin(ReadOnlyAdmin):
    list_display = ("name", "email", "user", "session", "row_count", "joined_at", "left_at")
    list_filter = ("session__programme", "session")
    search_fields = ("name", "email", "user__email", "user__first_name", "user__last_name")
    list_select_related = ("session", "user")


@admin.register(NameMatch)
class NameMatchAdmin(ReadOnlyAdmin):
    programme_lookup = "programme"
    list_display = ("meeting_name", "meeting_email", "user", "programme", "created_by")
    list_filter = ("programme",)
    search_fields = ("meeting_name", "meeting_email", "user__email")
    list_select_related = ("programme", "user", "created_by")


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(ReadOnlyAdmin):
    list_display = (
        "user",
        "session",
        "imported_minutes",
        "imported_status",
        "status",
        "corrected_at",
    )
    list_filter = ("session__programme", "session", "status", "imported_status")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    list_select_related = ("user", "session")
