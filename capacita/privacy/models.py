from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from capacita.programmes.models import Programme
from capacita.shared import text_limits as limits
from capacita.shared.text_limits import text_field


class RemovalRequest(models.Model):
    """A person's request that the platform remove their personal data.

    The e-mail is copied at the time of the request, so the request can still be answered
    after the account is anonymised or removed."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="removal_requests",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="removal_requests",
    )
    email = models.EmailField(_("e-mail at the time of the request"))
    message = text_field(_("message"), limits.MESSAGE, blank=True)
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled on"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("removal request")
        verbose_name_plural = _("removal requests")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.email} · {self.created_at:%Y-%m-%d}"

    @property
    def is_handled(self) -> bool:
        return self.handled_at is not None


class Retention(models.Model):
    """How long a programme's personal data is kept: after `keep_until` the programme can be
    anonymised in one step, and its managers are reminded once (`reminded_at`)."""

    programme = models.OneToOneField(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="retention"
    )
    keep_until = models.DateField(_("keep personal data until"))
    reminded_at = models.DateTimeField(_("managers reminded on"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised on"), null=True, blank=True)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        ordering = ["keep_until"]

    def __str__(self):
        return f"{self.programme.slug} · {self.keep_until:%Y-%m-%d}"
