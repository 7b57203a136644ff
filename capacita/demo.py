"""The demo: the 2021 CRM programme from its file, and one account per role.

Every demo account is plainly fictitious (example.org addresses). Running it again changes
nothing that is already in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from capacita.programmes.models import Country, Membership, Programme, Role
from capacita.programmes.programme_file import load_programme, read_programme_file

DEMO_PROGRAMME_FILE = Path(__file__).resolve().parent / "programmes" / "data" / "crm-2021.yaml"
DEMO_PASSWORD = "demo-capacita-2021"
MANAGERS_GROUP = "Programme managers"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str
    country: str | None = None
    language: str = "es"
    organisation: str = ""


DEMO_ACCOUNTS = (
    DemoAccount("manager@example.org", "Demo", "Manager", Role.MANAGER, language="en"),
    DemoAccount("focal.mx@example.org", "Demo", "Focal Point MX", Role.FOCAL_POINT, "MX"),
    DemoAccount("focal.gt@example.org", "Demo", "Focal Point GT", Role.FOCAL_POINT, "GT"),
    DemoAccount("participant.mx@example.org", "Demo", "Participant MX", Role.PARTICIPANT, "MX"),
    DemoAccount(
        "participant.do@example.org", "Demo", "Participant DO", Role.PARTICIPANT, "DO", "en"
    ),
    DemoAccount("facilitator@example.org", "Demo", "Facilitator", Role.FACILITATOR),
    DemoAccount(
        "observer@example.org",
        "Demo",
        "Observer",
        Role.OBSERVER,
        organisation="RROCM",
    ),
)


def managers_group() -> Group:
    """The group whose members may use the administration site for programme content."""
    group, _created = Group.objects.get_or_create(name=MANAGERS_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["programmes", "agenda"])
    )
    return group


@transaction.atomic
def load_demo() -> tuple[Programme, list[DemoAccount]]:
    """Load the 2021 programme and the demo accounts; idempotent."""
    programme = load_programme(read_programme_file(DEMO_PROGRAMME_FILE))
    group = managers_group()
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        country = Country.objects.get(code=account.country) if account.country else None
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(
                account.email,
                DEMO_PASSWORD,
                first_name=account.first_name,
                last_name=account.last_name,
                language=account.language,
                country=country,
            )
        if account.role == Role.MANAGER and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        if account.role == Role.MANAGER:
            user.groups.add(group)
        Membership.objects.get_or_create(
            programme=programme,
            user=user,
            role=account.role,
            defaults={"country": country, "organisation": account.organisation},
        )
    return programme, list(DEMO_ACCOUNTS)
