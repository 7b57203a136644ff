"""The token of a "forgot your password?" link.

Like an invitation's (Django's password-reset token), it stops working once the password
is set, because it is bound to the password hash; unlike it, it expires after
PASSWORD_RESET_LINK_SECONDS (an hour by default) rather than the invitation's days, since
anyone who types an address can have one sent. Its own salt keeps the two kinds of token
apart: neither opens the other's page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int


class PasswordResetLinkTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "capacita.accounts.tokens.PasswordResetLinkTokenGenerator"

    def check_token(self, user, token):
        # Django's check (signature, password hash, PASSWORD_RESET_TIMEOUT), then the
        # shorter lifetime of a reset link.
        if not super().check_token(user, token):
            return False
        timestamp = base36_to_int(token.split("-", 1)[0])
        age = self._num_seconds(self._now()) - timestamp
        return age <= settings.PASSWORD_RESET_LINK_SECONDS


reset_token_generator = PasswordResetLinkTokenGenerator()
