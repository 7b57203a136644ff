"""Defining a session's groups, their tasks and questions, scoped to the managers'
programmes. Who is in which group is decided on the session's groups page."""

from django.contrib import admin

from capacita.agenda.models import VirtualSession
from capacita.programmes.admin_scoping import (
    LabelledTabularInline,
    ProgrammeScopedAdmin,
    ReadOnlyProgrammeAdmin,
)
from capacita.programmes.permissions import managed_programmes

from .models import AnswerVersion, GroupQuestion, SessionWork, WorkGroup


class WorkGroupInline(admin.StackedInline):
    model = WorkGroup
    extra = 0
    fields = (
        ("position", "perspective", "facilitator"),
        ("name_es", "name_en"),
        ("task_es", "task_en"),
        "countries",
    )
    filter_horizontal = ("countries",)


@admin.register(SessionWork)
class SessionWorkAdmin(ProgrammeScopedAdmin):
    programme_lookup = "session__programme"
    list_display = ("session", "grouping", "plenary_open")
    fields = ("session", ("grouping", "plenary_open"))
    inlines = [WorkGroupInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session" and not request.user.is_superuser:
            kwargs["queryset"] = VirtualSession.objects.filter(
                programme__in=managed_programmes(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class GroupQuestionInline(LabelledTabularInline):
    model = GroupQuestion
    extra = 0
    fields = ("position", "text_es", "text_en")


@admin.register(WorkGroup)
class WorkGroupAdmin(ProgrammeScopedAdmin):
    programme_lookup = "session_work__session__programme"
    list_display = ("name_es", "name_en", "session_work", "perspective", "facilitator")
    list_filter = ("session_work",)
    fields = (
        "session_work",
        ("position", "perspective", "facilitator"),
        ("name_es", "name_en"),
        ("task_es", "task_en"),
        "countries",
    )
    filter_horizontal = ("countries",)
    inlines = [GroupQuestionInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session_work" and not request.user.is_superuser:
            kwargs["queryset"] = SessionWork.objects.filter(
                session__programme__in=managed_programmes(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AnswerVersion)
class AnswerVersionAdmin(ReadOnlyProgrammeAdmin):
    programme_lookup = "question__group__session_work__session__programme"
    list_display = ("question", "number", "author", "saved_at")
