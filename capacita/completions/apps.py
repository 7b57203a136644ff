from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompletionsConfig(AppConfig):
    name = "capacita.completions"
    label = "completions"
    verbose_name = _("Course completion")
