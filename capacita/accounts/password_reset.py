"""Password reset by e-mail: the link, the e-mail, and the throttle of requests.

Whatever address is typed, the page that follows is the same: whether an account uses it
shows only in the mailbox of that account.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from capacita.emails.models import OutgoingEmail
from capacita.emails.services import queue_email

from .invitations import one_time_url
from .models import PasswordResetRequest
from .tokens import reset_token_generator

KIND = "password_reset"


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.PASSWORD_RESET_WINDOW_SECONDS)


def is_throttled(address: str) -> bool:
    """Has this address asked for links too often within the window?"""
    return (
        PasswordResetRequest.objects.filter(address=address, at__gte=_window_start()).count()
        >= settings.PASSWORD_RESET_REQUEST_LIMIT
    )


def note_request(address: str) -> None:
    PasswordResetRequest.objects.create(address=address)
    # Keep the table small: what is older than the window no longer counts.
    PasswordResetRequest.objects.filter(at__lt=_window_start() - dt.timedelta(hours=1)).delete()


def reset_url(user) -> str:
    """The "forgot your password" link: its own, shorter-lived token."""
    return one_time_url(user, "accounts:password_reset_confirm", reset_token_generator)


def valid_minutes() -> int:
    """How long a link works: its own lifetime, never beyond an invitation's."""
    seconds = min(settings.PASSWORD_RESET_LINK_SECONDS, settings.PASSWORD_RESET_TIMEOUT)
    return max(seconds // 60, 1)


def recently_sent(user) -> int:
    return OutgoingEmail.objects.filter(
        kind=KIND, user=user, created_at__gte=_window_start()
    ).count()


def send_password_reset(user):
    """Queue the reset e-mail for `user`, in their language, unless they have had enough of
    them lately (the page that asked says the same either way)."""
    if not user.is_active or recently_sent(user) >= settings.PASSWORD_RESET_EMAIL_LIMIT:
        return None
    with translation.override(user.language):
        context = {
            "user": user,
            "link": reset_url(user),
            "login_url": settings.SITE_URL.rstrip("/") + reverse("accounts:login"),
            "valid_minutes": valid_minutes(),
        }
        subject = render_to_string("accounts/emails/password_reset_subject.txt", context)
        body = render_to_string("accounts/emails/password_reset_body.txt", context)
    return queue_email(
        to=user.email,
        subject=subject,
        body_text=body,
        kind=KIND,
        language=user.language,
        user=user,
    )
