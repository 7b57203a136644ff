"""Invitations: an e-mail in the person's language telling them of their new role.

An account that has never had a password gets a one-time link to choose one (Django's
password-reset token: it expires after PASSWORD_RESET_TIMEOUT and stops working once the
password is set, because the token is bound to the password hash). An account that already
has a password gets only a notice of the role and the login page: a role given by someone
else must never come with a way to set another person's password.

The link is made by the worker when it sends the e-mail (`capacita.emails.links`): the
outbox, its pages and its backups hold no working link.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from capacita.emails.links import MARK, link_maker
from capacita.emails.services import queue_email

WELCOME_LINK = "welcome"


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def login_url(user) -> str:
    with translation.override(user.language):
        return site_url(reverse("accounts:login"))


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
    return site_url(path)


@link_maker(WELCOME_LINK)
def welcome_url(user) -> str:
    """The invitation's link: choose a password once. An account that has chosen one since
    the invitation was written gets the login page instead (the welcome page would refuse
    the link anyway)."""
    if user.has_usable_password():
        return login_url(user)
    return one_time_url(user, "accounts:welcome")


def send_invitation(user, programme, role: str, *, organisation: str = "", country=None):
    """Queue the e-mail that tells `user` of their new `role` in `programme`: with a link to
    choose a password if the account has none yet, else with the login page."""
    first_password = not user.has_usable_password()
    with translation.override(user.language):
        context = {
            "user": user,
            "programme": programme,
            "role": role,
            "country": country,
            "organisation": organisation,
            "first_password": first_password,
            "link": MARK,
            "login_url": login_url(user),
            "programme_url": site_url(programme.get_absolute_url()),
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
        link_kind=WELCOME_LINK if first_password else "",
    )
