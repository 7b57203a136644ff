from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderSent(models.Model):
    """A reminder already queued, so that running the reminders again sends none twice."""

    class Kind(models.TextChoices):
        SESSION = "session", _("session tomorrow")
        DEADLINE = "deadline", _("course deadline in a week")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        "agenda.VirtualSession", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    course = models.ForeignKey(
        "programmes.Course", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            # One per kind: NULLs are distinct in unique indexes, so each kind gets its own.
            models.UniqueConstraint(
                fields=["user", "session"],
                condition=models.Q(kind="session"),
                name="unique_session_reminder",
            ),
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=models.Q(kind="deadline"),
                name="unique_deadline_reminder",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.user_id}"
