from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    """Development data: the demo (`capacita demo`) and generated programmes at scale
    (`capacita seed_scale`). Nothing in the other apps imports it."""

    name = "capacita.development"
    verbose_name = _("Development data")
