from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessTokensConfig(AppConfig):
    name = "capacita.access_tokens"
    label = "access_tokens"
    verbose_name = _("Personal access tokens")
