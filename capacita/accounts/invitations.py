"""Invitations: an e-mail in the person's language with a one-time link to set a password.

The link is Django's password-reset token: it expires after PASSWORD_RESET_TIMEOUT and
stops working once the password is set, because the token is bound to the password hash.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from capacita.emails.services import queue_email


def one_time_url(user, view_name: str, token_generator=default_token_generator) -> str:
    """The absolute link to `view_name` for `user`, in their language, that stops working
    once they have chosen a password (or when the token generator's lifetime is over)."""
    with translation.override(user.language):
        path = reverse(
            view_name,
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": token_generator.make_token(user),
            },
        )
    return settings.SITE_URL.rstrip("/") + path


def welcome_url(user) -> str:
    """The invitation's link: choose a password once."""
    return one_time_url(user, "accounts:welcome")


def send_invitation(user, programme, role: str, *, organisation: str = "", country=None):
    """Queue the invitation e-mail for `user`'s new `role` in `programme`."""
    with translation.override(user.language):
        context = {
            "user": user,
            "programme": programme,
            "role": role,
            "country": country,
            "organisation": organisation,
            "link": welcome_url(user),
            "has_password": user.has_usable_password(),
            "programme_url": settings.SITE_URL.rstrip("/") + programme.get_absolute_url(),
            "valid_days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
        }
        subject = " ".join(
            render_to_string("accounts/emails/invitation_subject.txt", context).split()
        )
        body = render_to_string("accounts/emails/invitation_body.txt", context)
    return queue_email(
        to=user.email,
        subject=subject,
        body_text=body,
        kind=f"invitation.{role}",
        language=user.language,
        programme=programme,
        user=user,
    )
