from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "capacita.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        # The receiver that keeps progress connects when its module is imported, which needs
        # the models, so only once the app registry is ready.
        from . import background, kept  # noqa: F401

        background.register_kinds()
