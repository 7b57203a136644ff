from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from capacita.shared import text_limits as limits
from capacita.shared.text_limits import text_field


class AuditEvent(models.Model):
    """A decision on a person or a record: who took it, when, and why. Never edited."""

    class Action(models.TextChoices):
        NOMINATION_SUBMITTED = "nomination.submitted", _("nomination submitted")
        NOMINATION_EDITED = "nomination.edited", _("nomination edited")
        NOMINATION_WITHDRAWN = "nomination.withdrawn", _("nomination withdrawn")
        NOMINATION_IMPORTED = "nomination.imported", _("nominations imported")
        NOMINATION_ACCEPTED = "nomination.accepted", _("nomination accepted")
        NOMINATION_REJECTED = "nomination.rejected", _("nomination rejected")
        NOMINATION_RESERVED = "nomination.reserved", _("nomination moved to the reserve list")
        NOMINATION_REINSTATED = "nomination.reinstated", _("nomination back from the reserve list")
        ROLE_GRANTED = "role.granted", _("role granted")
        PROGRAMME_NEW_EDITION = "programme.new_edition", _("new edition made from a programme")
        PROGRAMME_CHANGED = "programme.changed", _("programme's settings changed")
        PERSON_LINKED = "programme.person_linked", _("person of the agenda linked to an account")
        ACCOUNT_LOCKOUT_LIFTED = "account.lockout_lifted", _("login lockout lifted")
        QUOTAS_CHANGED = "programme.quotas", _("countries' quotas changed")
        PROGRAMME_EDITED = "programme.edited", _("programme's content edited")
        INVITATION_SENT = "invitation.sent", _("invitation queued")
        ATTENDANCE_IMPORTED = "attendance.imported", _("meeting report imported")
        ATTENDANCE_MATCHED = "attendance.matched", _("meeting row matched by hand")
        ATTENDANCE_CORRECTED = "attendance.corrected", _("attendance corrected by hand")
        ATTENDANCE_REPORT_REMOVED = "attendance.report_removed", _("meeting report removed")
        ATTENDANCE_UNMATCHED = "attendance.unmatched", _("meeting rows' match taken back")
        ATTENDANCE_MARK_WITHDRAWN = (
            "attendance.mark_withdrawn",
            _("hand mark of attendance taken back"),
        )
        EVALUATION_SUBMITTED = "evaluation.submitted", _("test answers submitted")
        EVALUATION_IMPORTED = "evaluation.imported", _("test answers imported")
        TEST_OPENED_OR_CLOSED = "evaluation.window", _("test opened or closed by hand")
        COMPLETION_IMPORTED = "completion.imported", _("completion report imported")
        COMPLETION_MARKED = "completion.marked", _("course completion marked by hand")
        COMPLETION_MARK_WITHDRAWN = (
            "completion.mark_withdrawn",
            _("hand mark of a completion taken back"),
        )
        LEARNING_SITE_ENROLLED = (
            "completion.enrolled",
            _("participants enrolled on the learning site"),
        )
        CERTIFICATE_ISSUED = "certificate.issue", _("certificate issued")
        CERTIFICATE_REVOKED = "certificate.revoke", _("certificate revoked")
        CERTIFICATE_REISSUED = "certificate.reissue", _("certificate issued again")
        GROUPS_ASSIGNED = "groups.assign", _("groups assigned automatically")
        GROUP_PLACED = "groups.place", _("person placed in a group by hand")
        REMOVAL_REQUESTED = "privacy.removal_requested", _("removal of personal data asked for")
        PERSON_ANONYMISED = "privacy.anonymised_person", _("participant anonymised")
        PROGRAMME_ANONYMISED = "privacy.anonymised_programme", _("programme anonymised")
        JOB_REQUESTED = "job.requested", _("background work asked for")
        ACCESS_TOKEN_CREATED = "access_token.created", _("personal access token made")
        ACCESS_TOKEN_REVOKED = "access_token.revoked", _("personal access token revoked")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, null=True, related_name="+"
    )
    # The person the decision concerns, named when it is recorded (`services.audit_record`):
    # their account when they have one, else the name and address they were known by (a
    # nominee without an account). The audit reads no other app to find them.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("whom"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    person_name = models.CharField(_("whom (name)"), max_length=limits.HOLDER_NAME, blank=True)
    person_email = models.CharField(_("whom (e-mail)"), max_length=254, blank=True)
    subject_type = models.CharField(_("record type"), max_length=40)
    subject_id = models.CharField(_("record"), max_length=40)
    reason = text_field(_("why"), limits.REASON, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"
