"""Building the tests in the administration site, scoped to the programmes one manages."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from capacita.programmes.admin_scoping import LabelledTabularInline, ProgrammeScopedAdmin
from capacita.programmes.permissions import managed_programmes
from capacita.shared.bilingual import bilingual_fieldset_row

from .models import Choice, Question, Questionnaire, Response, Section, recount
from .services import answer_key_changed, default_window


class SectionInline(LabelledTabularInline):
    model = Section
    extra = 0
    fields = ("position", "kind", "title_es", "title_en")


class ChoiceInline(LabelledTabularInline):
    model = Choice
    extra = 0
    fields = ("code", "text_es", "text_en", "is_correct")


@admin.register(Questionnaire)
class QuestionnaireAdmin(ProgrammeScopedAdmin):
    programme_lookup = "programme"
    list_display = (
        "__str__",
        "kind",
        "opens_at",
        "closes_at",
        "manual_state",
        "review_after_submit",
        "review_after_close",
    )
    list_filter = ("kind", "manual_state")
    fieldsets = (
        (None, {"fields": ("programme", "kind")}),
        (None, {"fields": bilingual_fieldset_row("title", "intro")}),
        (
            None,
            {
                "fields": ("opens_at", "closes_at", "manual_state"),
                "description": _(
                    "Left empty, the dates are set when the test is saved: the pre-test "
                    "around the start of session 1, the post-test around the end of "
                    "session 3."
                ),
            },
        ),
        (
            _("What participants see of their submitted test"),
            {
                "fields": ("review_after_submit", "review_after_close"),
                "description": _(
                    "As the review options of a Moodle quiz. Whatever is chosen here, the "
                    "right answer to a question that a later test asks again stays hidden "
                    "until that test has closed."
                ),
            },
        ),
    )
    inlines = [SectionInline]

    def save_model(self, request, obj, form, change):
        # A new test without dates opens and closes around its sessions, as the programme
        # expects; a manager who wants it open at any time says so with the hand setting.
        if not change and obj.opens_at is None and obj.closes_at is None:
            obj.opens_at, obj.closes_at = default_window(obj.programme, obj.kind)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # A section's kind decides which answers are scored or averaged: the answers' kept
        # verdicts and the responses' counts follow, in the same transaction.
        super().save_related(request, form, formsets, change)
        answer_key_changed(Question.objects.filter(section__questionnaire=form.instance))


@admin.register(Question)
class QuestionAdmin(ProgrammeScopedAdmin):
    programme_lookup = "section__questionnaire__programme"
    list_display = ("code", "__str__", "kind", "required", "section")
    list_filter = ("kind", "section__kind")
    ordering = ("section__questionnaire", "section__position", "position")
    fieldsets = (
        (None, {"fields": ("section", ("position", "code"), ("kind", "required"))}),
        (None, {"fields": bilingual_fieldset_row("text")}),
    )
    inlines = [ChoiceInline]

    def save_related(self, request, form, formsets, change):
        # The choices (which are right, their codes) and the kind are saved: the answers'
        # kept verdicts follow, in the same transaction.
        super().save_related(request, form, formsets, change)
        answer_key_changed([form.instance])

    def delete_queryset(self, request, queryset):
        # Their answers go with them: the responses' kept counts follow.
        programmes = list(
            queryset.values_list("section__questionnaire__programme_id", flat=True).distinct()
        )
        super().delete_queryset(request, queryset)
        recount(Response.objects.filter(questionnaire__programme_id__in=programmes))

    def delete_model(self, request, obj):
        programme_id = obj.section.questionnaire.programme_id
        super().delete_model(request, obj)
        recount(Response.objects.filter(questionnaire__programme_id=programme_id))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section" and not request.user.is_superuser:
            kwargs["queryset"] = Section.objects.filter(
                questionnaire__programme__in=managed_programmes(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
