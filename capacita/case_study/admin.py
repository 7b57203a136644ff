"""The catalogue of factors and the cases are shared by every programme: plain admin pages.
Assessments are the groups' own work, read here and written on the group's pages."""

from django.contrib import admin

from capacita.programmes.admin_scoping import LabelledTabularInline, ReadOnlyProgrammeAdmin
from capacita.shared.bilingual import bilingual_fieldset_row

from .models import AssessedFactor, Assessment, Case, CaseQuestion, Factor


@admin.register(Factor)
class FactorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_es", "name_en", "level", "position")
    list_filter = ("level",)
    search_fields = ("code", "name_es", "name_en")
    ordering = ("position", "code")
    fieldsets = (
        (None, {"fields": (("level", "position"), "code")}),
        (None, {"fields": bilingual_fieldset_row("name")}),
    )


class CaseQuestionInline(LabelledTabularInline):
    model = CaseQuestion
    extra = 0
    fields = ("perspective", "position", "text_es", "text_en")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("code", "title_es", "title_en")
    search_fields = ("code", "title_es", "title_en")
    fieldsets = (
        (None, {"fields": ("code",)}),
        (None, {"fields": bilingual_fieldset_row("title", "story")}),
    )
    inlines = [CaseQuestionInline]


class AssessedFactorInline(LabelledTabularInline):
    model = AssessedFactor
    extra = 0
    fields = ("level", "kind", "factor", "custom_name", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyProgrammeAdmin):
    programme_lookup = "group__session_work__session__programme"
    list_display = ("group", "case", "updated_at")
    list_filter = ("case",)
    fields = ("group", "case", "needs", "referrals", "updated_at")
    readonly_fields = fields
    inlines = [AssessedFactorInline]
