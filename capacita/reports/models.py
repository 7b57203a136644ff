from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from capacita.programmes.models import Programme
from capacita.shared import text_limits as limits
from capacita.shared.text_limits import text_field


class BalanceNarrative(models.Model):
    """What the managers write in the programme's final balance: recommendations and
    lessons learned, in the language they write in."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="balance_narrative"
    )
    recommendations = text_field(
        _("recommendations"), limits.NARRATIVE, limits.NARRATIVE_LINES, blank=True
    )
    lessons = text_field(_("lessons learned"), limits.NARRATIVE, limits.NARRATIVE_LINES, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("balance narrative")
        verbose_name_plural = _("balance narratives")

    def __str__(self):
        return str(self.programme)
