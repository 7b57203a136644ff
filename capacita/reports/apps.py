from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "capacita.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Its long work registers with the jobs once the models can be imported.
        from . import background

        background.register_kinds()
