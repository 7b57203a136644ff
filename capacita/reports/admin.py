"""The records managers read in the administration: the audit of decisions and the e-mails
sent. Their apps sit below the programmes (every app writes to them), so their pages are
registered here, above them, where reading is scoped to the programmes one manages."""

from django.contrib import admin
from django.template.defaultfilters import linebreaksbr
from django.utils.translation import gettext_lazy as _

from capacita.audit.models import AuditEvent
from capacita.emails.links import as_stored
from capacita.emails.models import OutgoingEmail
from capacita.programmes.admin_scoping import ReadOnlyProgrammeAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyProgrammeAdmin):
    list_display = ("created_at", "action", "actor", "subject_type", "subject_id", "reason")
    list_filter = ("action", "programme")
    search_fields = ("reason", "subject_id", "actor__email")


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
        "text",
        "html",
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
        "text",
        "html",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
        "last_error",
    )

    # A one-time link is made when the e-mail is sent: the stored body says so in words.
    @admin.display(description=_("text"))
    def text(self, email):
        return linebreaksbr(as_stored(email.body_text), autoescape=True)

    @admin.display(description=_("HTML"))
    def html(self, email):
        return linebreaksbr(as_stored(email.body_html), autoescape=True)
