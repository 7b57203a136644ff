from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "capacita.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import background

        background.register_kinds()
