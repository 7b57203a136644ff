from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "capacita.evaluation"
    label = "evaluation"
    verbose_name = _("Pre-test and post-test")
