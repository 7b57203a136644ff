from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "capacita.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # The makers of the one-time links the e-mail worker puts into what it sends; in
        # `ready`, as models cannot be imported before the app registry is.
        from . import invitations, password_reset  # noqa: F401
