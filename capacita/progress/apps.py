from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "capacita.progress"
    label = "progress"
    verbose_name = _("Progress")

    def ready(self):
        # Its long work registers with the jobs once the models can be imported.
        from . import background

        background.register_kinds()
