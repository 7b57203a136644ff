from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .password_reset import send_password_reset


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Asks for the e-mail address; the link goes out through the project's outbox."""

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        # Active accounts only. Unlike Django's, an account whose person never chose a
        # password (an invitation that expired) may set one here: the link goes to the
        # same mailbox the invitation went to.
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)

    def save(self, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            send_password_reset(user)
