from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from capacita.programmes.admin_scoping import (
    LabelledTabularInline,
    PrivateFilesMixin,
    ProgrammeScopedAdmin,
)
from capacita.programmes.permissions import managed_programmes
from capacita.shared.bilingual import bilingual_fieldset_row

from .models import AgendaItem, AgendaParticipant, Slides, VirtualSession


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    show_change_link = True
    fields = (
        ("position", "kind", "to_be_confirmed"),
        ("starts_at", "ends_at"),
        *bilingual_fieldset_row("title"),
    )


@admin.register(VirtualSession)
class VirtualSessionAdmin(ProgrammeScopedAdmin):
    list_display = ("programme", "number", "title_es", "starts_at", "ends_at")
    list_filter = ("programme",)
    fieldsets = (
        (None, {"fields": (("programme", "number"), ("starts_at", "ends_at"), "interpretation")}),
        (_("Texts (Spanish | English)"), {"fields": bilingual_fieldset_row("title")}),
        (
            _("Links"),
            {"fields": ("meeting_url", "zoom_meeting", "recording_url", "recording_file")},
        ),
    )
    inlines = (AgendaItemInline,)


class SlidesInline(PrivateFilesMixin, LabelledTabularInline):
    model = Slides
    extra = 0
    fields = ("title", "file")


class AgendaParticipantInline(LabelledTabularInline):
    model = AgendaParticipant
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(AgendaItem)
class AgendaItemAdmin(ProgrammeScopedAdmin):
    programme_lookup = "session__programme"

    list_display = ("session", "position", "kind", "title_es", "starts_at", "to_be_confirmed")
    list_filter = ("session__programme", "kind", "to_be_confirmed")
    search_fields = ("title_es", "title_en")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("session", "position"),
                    ("kind", "to_be_confirmed"),
                    ("starts_at", "ends_at"),
                )
            },
        ),
        (
            _("Texts (Spanish | English)"),
            {"fields": bilingual_fieldset_row("title", "description")},
        ),
    )
    inlines = (AgendaParticipantInline, SlidesInline)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session" and not request.user.is_superuser:
            kwargs["queryset"] = VirtualSession.objects.filter(
                programme__in=managed_programmes(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
