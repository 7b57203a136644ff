from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "capacita.evaluation"
    label = "evaluation"
    verbose_name = _("Pre-test and post-test")

    def ready(self):
        # Its long work registers with the jobs once the models can be imported.
        from . import background

        background.register_kinds()
