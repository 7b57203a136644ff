from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


class WelcomeView(auth_views.PasswordResetConfirmView):
    """The invitation link: choose a password once; the link then stops working."""

    template_name = "accounts/welcome.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password is set. Log in with your e-mail address and your new password."),
        )
        return response
