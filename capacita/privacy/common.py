"""What the privacy services share: their error, the people a programme's anonymisation is
about, and the e-mails to a programme's managers."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from capacita.emails.services import queue_email
from capacita.programmes.models import Membership, Programme, Role
from capacita.shared.errors import UserError

# The people a programme's anonymisation is about: those who took part, not its staff.
PEOPLE_ROLES = (Role.PARTICIPANT, Role.OBSERVER)


class PrivacyError(UserError):
    """An anonymisation that may not be done; the message says why, for the manager."""


def email_managers(programme: Programme, kind: str, templates: str, context: dict) -> int:
    """Queue one e-mail to each active manager of `programme`, in the manager's language,
    from `privacy/emails/<templates>_subject.txt` and `_body.txt` (which also get the
    manager as `user`, the programme and the link to its personal data page)."""
    site = settings.SITE_URL.rstrip("/")
    managers = (
        Membership.objects.filter(programme=programme, role=Role.MANAGER, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    count = 0
    for membership in managers:
        user = membership.user
        with translation.override(user.language):
            link = site + reverse("privacy:overview", kwargs={"slug": programme.slug})
            context = {**context, "user": user, "programme": programme, "link": link}
            subject = render_to_string(f"privacy/emails/{templates}_subject.txt", context)
            body = render_to_string(f"privacy/emails/{templates}_body.txt", context)
        queue_email(
            to=user.email,
            subject=subject,
            body_text=body,
            kind=kind,
            language=user.language,
            programme=programme,
            user=user,
        )
        count += 1
    return count
