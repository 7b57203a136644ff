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

from capacita.evaluation.demo import load_demo_tests
from capacita.groupwork.demo import load_demo_groups
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
    # Programme content is edited in the administration site; nominations, e-mails and the
    # audit log are only read there (their changes go through the pages that record them).
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["programmes", "agenda", "evaluation"]
        )
        # The reusable catalogue of vulnerability factors and the cases.
        | Permission.objects.filter(
            content_type__app_label="vulnerability",
            content_type__model__in=["factor", "case", "casequestion", "sessioncase"],
        )
        | Permission.objects.filter(
            content_type__app_label__in=["vulnerability", "groupwork"], codename__startswith="view_"
        )
        | Permission.objects.filter(
            content_type__app_label="groupwork",
            content_type__model__in=["sessionwork", "workgroup", "groupquestion"],
        )
        # What certificates say and who signs them; certificates themselves are only read.
        | Permission.objects.filter(
            content_type__app_label="certificates",
            content_type__model__in=["certificatedesign", "signatory"],
        )
        | Permission.objects.filter(
            content_type__app_label="certificates",
            content_type__model="certificate",
            codename__startswith="view_",
        )
        | Permission.objects.filter(
            content_type__app_label__in=[
                "nominations",
                "audit",
                "emails",
                "attendance",
                "completions",
            ],
            codename__startswith="view_",
        )
    )
    return group


# Generated people for the demo's nominations: plainly fictitious names and addresses.
DEMO_FIRST_NAMES = (
    "Alma",
    "Bruno",
    "Carmen",
    "Darío",
    "Elena",
    "Fausto",
    "Gloria",
    "Héctor",
    "Inés",
    "Joaquín",
    "Karla",
    "Lucía",
    "Mateo",
    "Nayeli",
    "Óscar",
    "Paula",
    "Ramiro",
    "Sofía",
)
DEMO_LAST_NAMES = (
    "Ejemplo",
    "Muestra",
    "Prueba",
    "Ficticia",
    "Demostración",
    "Ensayo",
    "Modelo",
    "Simulada",
)
DEMO_POSITIONS = (
    "Consejera de empleo",
    "Consejero de empleo",
    "Inspectora laboral",
    "Enlace con empleadores",
    "Técnica de formación profesional",
)
# Country → (how many nominated, how many of them the secretariat accepts).
DEMO_NOMINATIONS = {"MX": (12, 6), "GT": (5, 0), "DO": (8, 4), "CR": (3, 3)}


def _demo_rows(code: str, count: int):
    from capacita.nominations.services import FormRow

    rows = []
    for i in range(count):
        first = DEMO_FIRST_NAMES[(i * 5 + len(code)) % len(DEMO_FIRST_NAMES)]
        last = DEMO_LAST_NAMES[i % len(DEMO_LAST_NAMES)]
        rows.append(
            FormRow(
                number=i + 2,
                values={
                    "first_name": first,
                    "last_name": f"{last} {code}-{i + 1:02d}",
                    "position": DEMO_POSITIONS[i % len(DEMO_POSITIONS)],
                    "institution": f"Servicio Nacional de Empleo (demo {code})",
                    "email": f"nominee.{code.lower()}.{i + 1:02d}@example.org",
                    "profile": "employment-counsellor" if i % 3 else "labour-inspector",
                    "gender": ("woman", "man", "non_binary", "")[i % 4],
                    "language": "en" if code in ("BZ", "CA", "US") else "es",
                },
            )
        )
    return rows


def load_demo_nominations(programme) -> None:
    """Generated nominations for a few countries, some accepted, some on the reserve list."""
    from capacita.nominations.models import Nomination
    from capacita.nominations.services import accept_nominations, import_nominations

    if Nomination.objects.filter(programme=programme).exists():
        return
    User = get_user_model()
    manager = User.objects.get(email="manager@example.org")
    for code, (count, accept) in DEMO_NOMINATIONS.items():
        country = Country.objects.get(code=code)
        focal_point = User.objects.filter(
            memberships__programme=programme,
            memberships__role=Role.FOCAL_POINT,
            memberships__country=country,
        ).first()
        import_nominations(
            programme, country, _demo_rows(code, count), actor=focal_point or manager
        )
        waiting = Nomination.objects.filter(
            programme=programme, country=country, status=Nomination.Status.SUBMITTED
        ).order_by("id")[:accept]
        accept_nominations(list(waiting), actor=manager)


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
    load_demo_nominations(programme)
    load_demo_tests(programme)
    load_demo_groups(
        programme, facilitator=User.objects.filter(email="facilitator@example.org").first()
    )
    return programme, list(DEMO_ACCOUNTS)
