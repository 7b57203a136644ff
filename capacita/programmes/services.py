"""Changes to who takes part in a programme and in what role."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from capacita.accounts.invitations import send_invitation
from capacita.audit.models import AuditEvent
from capacita.audit.services import audit_record
from capacita.programmes.permissions import can_give_role_to
from capacita.shared.errors import UserError

from .models import Membership, Role


class RoleError(UserError):
    """A refusal: `message` says why, in the active language."""


def grant_role(
    programme,
    *,
    email: str,
    first_name: str,
    last_name: str,
    language: str,
    role: str,
    actor,
    country=None,
    organisation: str = "",
) -> Membership:
    """Give a person a role in the programme, creating their account if needed, and queue
    their invitation. Focal points represent one country; observers an organisation."""
    if role == Role.FOCAL_POINT and country is None:
        raise RoleError(_("Choose the country this focal point represents."))
    User = get_user_model()
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if not can_give_role_to(actor, user):
            raise RoleError(refusal(email))
        if user is None:
            user = User.objects.create_user(
                email,
                None,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                language=language,
                country=country,
            )
        membership, created = Membership.objects.get_or_create(
            programme=programme,
            user=user,
            role=role,
            defaults={"country": country, "organisation": organisation.strip()},
        )
        if not created:
            raise RoleError(
                _("%(email)s already has this role in the programme.") % {"email": email}
            )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.ROLE_GRANTED,
            subject=membership,
            programme=programme,
            details={
                "role": role,
                "email": email,
                "country": country.code if country else "",
                "organisation": organisation,
            },
        )
        send_invitation(user, programme, role, organisation=organisation, country=country)
    return membership


def refusal(email: str) -> str:
    """Why a manager may not give a role to `email`, in the reader's language."""
    return _(
        "%(email)s is the account of an administrator or of a manager of another "
        "programme: only an administrator of Capacita can give it a role."
    ) % {"email": email}


def people_with_role(programme, role: str):
    return (
        Membership.objects.filter(programme=programme, role=role)
        .select_related("user", "country")
        .order_by("country__code", "user__last_name")
    )
