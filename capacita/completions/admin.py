from django.contrib import admin

from capacita.programmes.admin_scoping import ReadOnlyProgrammeAdmin

from .models import CompletionReport, CourseCompletion


class ReadOnlyAdmin(ReadOnlyProgrammeAdmin):
    """A read-only view: imports and hand marks go through the completion pages, which
    record them."""

    programme_lookup = "course__programme"


@admin.register(CompletionReport)
class CompletionReportAdmin(ReadOnlyAdmin):
    list_display = ("filename", "course", "date_order", "time_zone", "row_count", "created_at")
    list_filter = ("course__programme", "course")
    search_fields = ("filename",)
    date_hierarchy = "created_at"


@admin.register(CourseCompletion)
class CourseCompletionAdmin(ReadOnlyAdmin):
    list_display = ("user", "course", "completed", "completed_at", "is_late", "source")
    list_filter = ("course__programme", "course", "completed", "is_late", "source")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    list_select_related = ("user", "course")
