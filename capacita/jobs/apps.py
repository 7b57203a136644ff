from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "capacita.jobs"
    label = "jobs"
    verbose_name = _("Background work")

    def ready(self):
        # A job's file goes with its job, however the job goes (expired, or its programme
        # deleted): the receiver connects once the models are ready.
        from . import models

        models.connect_receivers()
