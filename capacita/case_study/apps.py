from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseStudyConfig(AppConfig):
    name = "capacita.case_study"
    label = "case_study"
    verbose_name = _("Migrant vulnerability")
