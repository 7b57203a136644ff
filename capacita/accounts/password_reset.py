"""Password reset by e-mail: the link, the e-mail, and the throttle of requests.

Whatever address is typed, the page that follows is the same: whether an account uses it
shows only in the mailbox of that account.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from capacita.emails.links import MARK, link_maker
from capacita.emails.models import OutgoingEmail
from capacita.emails.services import queue_email
from capacita.shared.throttles import AddressThrottle

from .invitations import login_url, one_time_url
from .models import PasswordResetRequest
from .tokens import reset_token_generator

KIND = "password_reset"
RESET_LINK = "password_reset"


# Requests for a link from one address within the window (more get 429).
link_requests = AddressThrottle(
    PasswordResetRequest,
    limit="PASSWORD_RESET_REQUEST_LIMIT",
    window="PASSWORD_RESET_WINDOW_SECONDS",
)
is_throttled = link_requests.is_throttled
note_request = link_requests.note


@link_maker(RESET_LINK)
def reset_url(user) -> str:
    """The "forgot your password" link: its own, shorter-lived token, made when the e-mail
    is sent (so its hour runs from then)."""
    return one_time_url(user, "accounts:password_reset_confirm", reset_token_generator)


def valid_minutes() -> int:
    """How long a link works: its own lifetime, never beyond an invitation's."""
    seconds = min(settings.PASSWORD_RESET_LINK_SECONDS, settings.PASSWORD_RESET_TIMEOUT)
    return max(seconds // 60, 1)


def recently_sent(user) -> int:
    return OutgoingEmail.objects.filter(
        kind=KIND, user=user, created_at__gte=link_requests.window_start()
    ).count()


def send_password_reset(user):
    """Queue the reset e-mail for `user`, in their language, unless they have had enough of
    them lately (the page that asked says the same either way)."""
    if not user.is_active or recently_sent(user) >= settings.PASSWORD_RESET_EMAIL_LIMIT:
        return None
    with translation.override(user.language):
        context = {
            "user": user,
            "link": MARK,
            "login_url": login_url(user),
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
        link_kind=RESET_LINK,
    )
