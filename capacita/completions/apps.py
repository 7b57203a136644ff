from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompletionsConfig(AppConfig):
    name = "capacita.completions"
    label = "completions"
    verbose_name = _("Course completion")

    def ready(self):
        # Its long work registers with the jobs once the models can be imported.
        from . import background

        background.register_kinds()
