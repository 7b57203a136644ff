"""What a programme's certificates say, and who signs them, scoped to the managers'
programmes. Certificates themselves are issued, revoked and re-issued from the programme's
certificates page, where each decision is recorded with its reason: here they are read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from capacita.programmes.admin_scoping import ProgrammeScopedAdmin, ReadOnlyProgrammeAdmin
from capacita.shared.bilingual import bilingual_fieldset_row

from .models import Certificate, CertificateDesign, Signatory


@admin.register(CertificateDesign)
class CertificateDesignAdmin(ProgrammeScopedAdmin):
    programme_lookup = "programme"
    list_display = ("programme", "languages", "hours")
    fieldsets = (
        (None, {"fields": ("programme", ("languages", "hours"))}),
        (None, {"fields": bilingual_fieldset_row("title", "body")}),
    )


@admin.register(Signatory)
class SignatoryAdmin(ProgrammeScopedAdmin):
    programme_lookup = "programme"
    list_display = ("name", "job_title_es", "organisation_es", "programme", "position")
    fieldsets = (
        (None, {"fields": ("programme", ("position", "name"), "signature")}),
        (None, {"fields": bilingual_fieldset_row("job_title", "organisation")}),
    )


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyProgrammeAdmin):
    programme_lookup = "programme"
    list_display = ("holder_name", "formatted_code", "status", "issued_at", "programme")
    list_filter = ("status", "by_hand")
    search_fields = ("holder_name", "code")
    # The PDF is private: its name here, the file from the certificates page.
    exclude = ("pdf",)
    readonly_fields = ("pdf_file",)

    @admin.display(description=_("PDF"))
    def pdf_file(self, certificate):
        return certificate.pdf.name or "—"
