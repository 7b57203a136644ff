from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "capacita.api"
    label = "capacita_api"
    verbose_name = _("API")
