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

from .events import pages_changed, progress_changed
from .models import Membership, Person, Role


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
        if role == Role.PARTICIPANT:
            progress_changed(programme, [user.pk])
        else:
            pages_changed(programme, [user.pk])
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


# What a programme's managers change in its settings page, in the order the page shows it.
SETTINGS_FIELDS = (
    "title_es",
    "title_en",
    "subtitle_es",
    "subtitle_en",
    "description_es",
    "description_en",
    "general_objective_es",
    "general_objective_en",
    "methodology_es",
    "methodology_en",
    "participation_es",
    "participation_en",
    "start_date",
    "end_date",
    "contact_email",
    "time_zone",
    "interpretation",
    "attendance_threshold",
    "certificate_requires_post_test",
    "certificate_allows_late_completion",
    "is_published",
)


def change_settings(programme, values: dict, actor) -> list[str]:
    """Save the settings in `values` (`SETTINGS_FIELDS` only), checked by the model as a
    whole, with one audit record naming the fields changed; the names of those fields. The
    values come from a form that has checked them already; the model checks them again, so
    nothing half-valid is ever saved."""
    changed = [
        name
        for name in SETTINGS_FIELDS
        if name in values and getattr(programme, name) != values[name]
    ]
    if not changed:
        return []
    with transaction.atomic():
        for name in changed:
            setattr(programme, name, values[name])
        programme.full_clean()
        programme.save(update_fields=changed)
        if {"certificate_requires_post_test", "certificate_allows_late_completion"} & set(changed):
            progress_changed(programme)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.PROGRAMME_CHANGED,
            subject=programme,
            programme=programme,
            # The fields' names only: a programme's texts can be long, and stay in the programme.
            details={"fields": changed},
        )
    return changed


def link_person(person, email: str, actor) -> Person:
    """Link a person of the programme's agenda to the account with `email`, so that they find
    their items and add their slides; an empty `email` takes the link away. An address with no
    role in the programme is given the facilitator role first (its account made and invited if
    need be, as `grant_role` does). One transaction, one audit record."""
    programme = person.programme
    email = (email or "").strip().lower()
    User = get_user_model()
    with transaction.atomic():
        if not email:
            user = None
        else:
            user = User.objects.filter(email__iexact=email).first()
            has_role = (
                user is not None
                and Membership.objects.filter(programme=programme, user=user).exists()
            )
            if not has_role:
                first, _space, last = person.name.partition(" ")
                user = grant_role(
                    programme,
                    email=email,
                    first_name=first,
                    last_name=last,
                    language=(user.language if user else "es"),
                    role=Role.FACILITATOR,
                    actor=actor,
                ).user
        person.user = user
        person.save(update_fields=["user"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.PERSON_LINKED,
            subject=person,
            programme=programme,
            person=user,
            details={"person": person.key, "email": email},
        )
    return person


MAX_QUOTA = 10_000


def change_quotas(programme, quotas: dict[int, int], actor) -> list[str]:
    """Set the member countries' quotas (`quotas`: member country id → places), each a whole
    number from 0 to `MAX_QUOTA`; the codes of the countries changed. One transaction, one
    audit record with each change. Raises RoleError, saving nothing, for a value out of range
    or a country that is not the programme's."""
    members = {member.pk: member for member in programme.member_countries.select_related("country")}
    for pk, quota in quotas.items():
        if pk not in members:
            raise RoleError(_("One of the countries is not a member of this programme."))
        if not isinstance(quota, int) or not 0 <= quota <= MAX_QUOTA:
            raise RoleError(
                _("%(country)s: a quota is a whole number from 0 to %(limit)s.")
                % {"country": members[pk].country.name, "limit": MAX_QUOTA}
            )
    changes = {
        members[pk].country.code: [members[pk].quota, quota]
        for pk, quota in quotas.items()
        if members[pk].quota != quota
    }
    if not changes:
        return []
    with transaction.atomic():
        for pk, quota in quotas.items():
            if members[pk].quota != quota:
                members[pk].quota = quota
                members[pk].save(update_fields=["quota"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.QUOTAS_CHANGED,
            subject=programme,
            programme=programme,
            details={"quotas": changes},
        )
    return sorted(changes)


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
