from axes.utils import reset as reset_login_failures
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from . import password_reset
from .forms import PasswordResetForm
from .lockout import client_address
from .tokens import reset_token_generator


class WelcomeView(auth_views.PasswordResetConfirmView):
    """The invitation link: choose a password once; the link then stops working."""

    template_name = "accounts/welcome.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def get_user(self, uidb64):
        # Only an account that has never had a password chooses its first one here; any
        # other change of password goes through "forgot your password?", to its owner's
        # mailbox, whatever link an invitation may have carried.
        user = super().get_user(uidb64)
        if user is not None and user.has_usable_password():
            return None
        return user

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password is set. Log in with your e-mail address and your new password."),
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """The "forgot your password?" form: the same next page whether or not an account uses
    the address typed; too many requests from one address get 429."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        address = client_address(request)
        if password_reset.is_throttled(address):
            return render(request, "accounts/password_reset.html", {"throttled": True}, status=429)
        password_reset.note_request(address)
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "minutes": password_reset.valid_minutes()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link of the e-mail: choose a new password once; the link then stops working."""

    template_name = "accounts/password_reset_confirm.html"
    token_generator = reset_token_generator
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever set the password holds the mailbox: the account's own lockout ends (the
        # lockout of the addresses that tried it does not).
        reset_login_failures(username=form.user.email.lower())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
