from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from capacita.programmes.admin_scoping import (
    LabelledTabularInline,
    PrivateFilesMixin,
    ProgrammeScopedAdmin,
)
from capacita.programmes.permissions import can_give_role_to
from capacita.shared.bilingual import bilingual_fieldset_row

from .models import (
    Course,
    MemberCountry,
    Membership,
    Organiser,
    Person,
    Profile,
    Programme,
    Role,
    SpecificObjective,
    StructureRow,
)
from .services import refusal


class SpecificObjectiveInline(LabelledTabularInline):
    model = SpecificObjective
    extra = 0
    fields = ("position", "text_es", "text_en")


class StructureRowInline(LabelledTabularInline):
    model = StructureRow
    extra = 0
    fields = ("position", "activity_es", "activity_en", "content_es", "content_en")


class OrganiserInline(PrivateFilesMixin, LabelledTabularInline):
    model = Organiser
    extra = 0
    fields = (
        "position",
        "code",
        "name_es",
        "name_en",
        "acronym_es",
        "acronym_en",
        "url",
        "logo",
    )


class MemberCountryInline(LabelledTabularInline):
    model = MemberCountry
    extra = 0
    autocomplete_fields = ("country",)


class ProfileInline(LabelledTabularInline):
    model = Profile
    extra = 0
    fields = ("position", "code", "name_es", "name_en")


class CourseInline(admin.StackedInline):
    model = Course
    extra = 0
    fieldsets = (
        (
            None,
            {"fields": (("code", "position", "is_required"), ("url", "deadline"), "moodle_course")},
        ),
        (_("Texts"), {"fields": bilingual_fieldset_row("title", "provider", "description")}),
    )


@admin.register(Programme)
class ProgrammeAdmin(ProgrammeScopedAdmin):
    programme_lookup = "pk"

    list_display = ("slug", "title_es", "title_en", "start_date", "end_date", "is_published")
    search_fields = ("slug", "title_es", "title_en")
    prepopulated_fields = {"slug": ("title_en",)}
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("slug", "is_published"),
                    ("start_date", "end_date"),
                    ("time_zone", "interpretation"),
                    "contact_email",
                )
            },
        ),
        (
            _("Texts (Spanish | English)"),
            {
                "fields": bilingual_fieldset_row(
                    "title",
                    "subtitle",
                    "description",
                    "general_objective",
                    "methodology",
                    "participation",
                )
            },
        ),
        (
            _("Attendance and certificates"),
            {
                "fields": (
                    "attendance_threshold",
                    "certificate_requires_post_test",
                    "certificate_allows_late_completion",
                ),
                "description": _(
                    "A participant earns the certificate by attending every virtual session "
                    "and completing every required course; the post-test too when it is "
                    "asked for. The certificates' text, languages and signatures are set in "
                    "Certificates › Certificate designs and Signatories."
                ),
            },
        ),
    )
    inlines = (
        SpecificObjectiveInline,
        StructureRowInline,
        OrganiserInline,
        MemberCountryInline,
        ProfileInline,
        CourseInline,
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not request.user.is_superuser:
            # Whoever creates a programme manages it, or it would vanish from their list.
            Membership.objects.get_or_create(programme=obj, user=request.user, role=Role.MANAGER)


@admin.register(Person)
class PersonAdmin(ProgrammeScopedAdmin):
    list_display = ("name_es", "position_es", "organisation_es", "programme")
    list_filter = ("programme",)
    search_fields = ("name_es", "name_en", "organisation_es")
    autocomplete_fields = ("user",)
    fields = (
        ("programme", "key"),
        *bilingual_fieldset_row("name", "position", "organisation"),
        "user",
    )


@admin.register(Membership)
class MembershipAdmin(ProgrammeScopedAdmin):
    list_display = ("user", "role", "country", "programme")
    list_filter = ("programme", "role", "country")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    autocomplete_fields = ("user", "country")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class RoleForm(form):
            def clean(self):
                cleaned = super().clean()
                user = cleaned.get("user")
                if user is not None and not can_give_role_to(request.user, user):
                    self.add_error("user", refusal(user.email))
                return cleaned

        return RoleForm
