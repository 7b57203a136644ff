from django.db import models
from django.utils.translation import gettext_lazy as _

from capacita.shared.bilingual import Bilingual, BilingualMixin
from capacita.shared.zones import validate_time_zone


class Country(BilingualMixin):
    code = models.CharField(_("ISO code"), max_length=2, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])

    name = Bilingual("name")

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["code"]

    def __str__(self):
        return self.name
