"""The demo: the 2021 CRM programme from its file, one account per role, and the programme's
next edition dated from the coming weeks, so that anyone can try a programme as it happens.

Every demo account and nominee is plainly fictitious (example.org addresses, generated
names). Running it again changes nothing that is already in place.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from capacita.agenda.models import AgendaItem
from capacita.agenda.programme_file import check_programme, load_programme
from capacita.case_study.models import SessionCase
from capacita.certificates.kept import refresh
from capacita.console.new_edition import MAX_DAYS, PLANS, moved, new_edition
from capacita.development.demo_case import example_assessment
from capacita.development.demo_groups import load_demo_groups
from capacita.development.demo_tests import load_demo_tests
from capacita.evaluation.models import Questionnaire
from capacita.evaluation.services import default_window
from capacita.groupwork.models import SessionWork
from capacita.groupwork.services import assign_automatically
from capacita.nominations.models import Nomination
from capacita.nominations.services import FormRow, accept_nominations, import_nominations
from capacita.programmes.models import Country, Membership, Programme, Role

DEMO_PROGRAMME_FILE = Path(__file__).resolve().parents[1] / "programmes" / "data" / "crm-2021.yaml"
DEMO_PASSWORD = "demo-capacita-2021"
NEXT_EDITION = "crm-next"
# The demo's facilitator account takes part in the agenda under a plainly fictitious name,
# as a facilitator of the group work of sessions 2 and 3 (so their slides page has items).
DEMO_FACILITATOR_PERSON = {
    "key": "demo-facilitator",
    "name": {"es": "Persona facilitadora (demostración)", "en": "Facilitator (demo)"},
    "organisation": {"es": "Cuenta de demostración, ficticia", "en": "Demo account, fictitious"},
}
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
            content_type__app_label__in=["countries", "programmes", "agenda", "evaluation"]
        )
        # The reusable catalogue of vulnerability factors and the cases.
        | Permission.objects.filter(
            content_type__app_label="case_study",
            content_type__model__in=["factor", "case", "casequestion", "sessioncase"],
        )
        | Permission.objects.filter(
            content_type__app_label__in=["case_study", "groupwork"], codename__startswith="view_"
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


def _demo_rows(code: str, count: int, edition: str = ""):
    """Generated nominees of a country; `edition` ("next") sets the next edition's apart."""
    rows = []
    shift = 7 if edition else 0
    mark = f"{edition}." if edition else ""
    for i in range(count):
        first = DEMO_FIRST_NAMES[(i * 5 + len(code) + shift) % len(DEMO_FIRST_NAMES)]
        last = DEMO_LAST_NAMES[(i + shift) % len(DEMO_LAST_NAMES)]
        suffix = f"{code}-{'N' if edition else ''}{i + 1:02d}"
        rows.append(
            FormRow(
                number=i + 2,
                values={
                    "first_name": first,
                    "last_name": f"{last} {suffix}",
                    "position": DEMO_POSITIONS[i % len(DEMO_POSITIONS)],
                    "institution": f"Servicio Nacional de Empleo (demo {code})",
                    "email": f"nominee.{mark}{code.lower()}.{i + 1:02d}@example.org",
                    "profile": "employment-counsellor" if i % 3 else "labour-inspector",
                    "gender": ("woman", "man", "non_binary", "")[i % 4],
                    "language": "en" if code in ("BZ", "CA", "US") else "es",
                },
            )
        )
    return rows


def load_demo_nominations(programme, plan=None, edition: str = "") -> None:
    """Generated nominations for a few countries (`plan`: country → how many nominated, how
    many of them accepted), the others left waiting for a decision."""
    if Nomination.objects.filter(programme=programme).exists():
        return
    User = get_user_model()
    manager = User.objects.get(email="manager@example.org")
    for code, (count, accept) in (plan or DEMO_NOMINATIONS).items():
        country = Country.objects.get(code=code)
        focal_point = User.objects.filter(
            memberships__programme=programme,
            memberships__role=Role.FOCAL_POINT,
            memberships__country=country,
        ).first()
        import_nominations(
            programme, country, _demo_rows(code, count, edition), actor=focal_point or manager
        )
        waiting = Nomination.objects.filter(
            programme=programme, country=country, status=Nomination.Status.SUBMITTED
        ).order_by("id")[:accept]
        accept_nominations(list(waiting), actor=manager)


def demo_programme_data() -> dict:
    """The 2021 programme's file as data, with the demo's facilitator in its agenda."""
    with open(DEMO_PROGRAMME_FILE, encoding="utf-8") as file:
        data = yaml.safe_load(file)
    data["people"].append(copy.deepcopy(DEMO_FACILITATOR_PERSON))
    for session in data["sessions"]:
        if session["number"] not in (2, 3):
            continue
        group_work = [item for item in session["items"] if item["kind"] == "group_work"]
        # The group work itself (in session 2 it follows its explanation).
        group_work[-1].setdefault("facilitators", []).append(DEMO_FACILITATOR_PERSON["key"])
    return data


# How the 2021 courses' descriptions name their deadline, and the words the next edition says.
COURSE_DEADLINE_WORDS = {
    "es": ("y antes del viernes 5 de noviembre de 2021", "y antes de su fecha límite"),
    "en": ("and before Friday 5 November 2021", "and before its deadline"),
}
NEXT_TITLE_WORDS = {"es": " (próxima edición)", "en": " (next edition)"}
NEXT_SUBTITLE = {
    "es": "Edición de demostración, con fechas de las próximas semanas",
    "en": "Demo edition, dated in the coming weeks",
}
# The most whole weeks the new-edition service moves dates by; the rest is moved here.
WHOLE_WEEKS_AT_MOST = MAX_DAYS - MAX_DAYS % 7


def days_ahead(programme, today: dt.date) -> int:
    """Whole weeks, in days, that bring the programme's first session to between 10 and 16
    days after `today` (the sessions keep their weekdays and times)."""
    first = programme.sessions.order_by("starts_at").first()
    first_day = first.starts_at.astimezone(programme.zone).date()
    return 7 * -(-((today + dt.timedelta(days=10)) - first_day).days // 7)


def _move_ahead(programme, days: int) -> None:
    """The edition's dates and times moved by `days`, as a new edition's are: the fields the
    copy moves, of the records that have them."""
    zone = programme.zone
    for record in (
        programme,
        *programme.sessions.all(),
        *AgendaItem.objects.filter(session__programme=programme),
        *programme.courses.all(),
        *Questionnaire.objects.filter(programme=programme),
    ):
        names = PLANS[type(record)].moved
        for name in names:
            setattr(record, name, moved(getattr(record, name), days, zone))
        record.save(update_fields=names)


def _as_next_edition(programme, earlier) -> None:
    """What the demo's next edition says and offers beyond the copy: its subtitle, its
    courses' descriptions without the 2021 deadline, meeting links, and it is published for
    everyone to try."""
    programme.subtitle_es, programme.subtitle_en = NEXT_SUBTITLE["es"], NEXT_SUBTITLE["en"]
    programme.is_published = True
    programme.save(update_fields=["subtitle_es", "subtitle_en", "is_published"])
    for course in programme.courses.all():
        # The courses' descriptions name the 2021 deadline: the course's own one is shown.
        for language, (dated, undated) in COURSE_DEADLINE_WORDS.items():
            name = f"description_{language}"
            setattr(course, name, getattr(course, name).replace(dated, undated))
        course.save(update_fields=["description_es", "description_en"])
    links = dict(earlier.sessions.values_list("number", "meeting_url"))
    for session in programme.sessions.all():
        if links.get(session.number):
            session.meeting_url = links[session.number].replace(earlier.slug, programme.slug)
            session.save(update_fields=["meeting_url"])


def _demo_group_work(programme, facilitator) -> None:
    """The copied groups with the demo's facilitator, everyone assigned automatically, and
    the case's example assessment for the first group that studies it."""
    for session_work in SessionWork.objects.filter(session__programme=programme):
        session_work.groups.update(facilitator=facilitator)
        assign_automatically(session_work)
        case = SessionCase.objects.filter(session_work=session_work).first()
        if case is not None:
            example_assessment(session_work.groups.order_by("position").first(), case.case)


# The next edition's nominations: country → (how many nominated, how many accepted so far).
NEXT_NOMINATIONS = {"MX": (9, 4), "GT": (6, 0), "DO": (7, 3), "HN": (5, 0), "CR": (4, 2)}


def _demo_account(account: DemoAccount, group: Group):
    User = get_user_model()
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
    return user, country


def _give_demo_roles(programme) -> None:
    """Each demo account, with its role in `programme`."""
    group = managers_group()
    for account in DEMO_ACCOUNTS:
        user, country = _demo_account(account, group)
        Membership.objects.get_or_create(
            programme=programme,
            user=user,
            role=account.role,
            defaults={"country": country, "organisation": account.organisation},
        )


def _link_demo_facilitator(programme, facilitator) -> None:
    programme.people.filter(key=DEMO_FACILITATOR_PERSON["key"], user=None).update(user=facilitator)


@transaction.atomic
def load_demo() -> tuple[Programme, list[DemoAccount]]:
    """Load the 2021 programme and the demo accounts; idempotent."""
    programme = load_programme(check_programme(demo_programme_data()))
    _give_demo_roles(programme)
    facilitator = get_user_model().objects.filter(email="facilitator@example.org").first()
    _link_demo_facilitator(programme, facilitator)
    load_demo_nominations(programme)
    load_demo_tests(programme)
    load_demo_groups(programme, facilitator=facilitator)
    # The demo's people and answers are written directly: their standings worked out once.
    refresh(programme)
    return programme, list(DEMO_ACCOUNTS)


@transaction.atomic
def load_next_edition(now: dt.datetime | None = None) -> Programme:
    """The programme's next edition, dated from the coming weeks: its sessions ahead, its
    pre-test open now, nominations partly decided, the demo's accounts in their roles (the
    demo's two participants registered, their pre-test unanswered).

    Made once, as a manager makes one (`console.new_edition`, from the 2021 programme): while
    its first session is still ahead, an edition in place is left as it is. Once that
    session has begun (a demo database kept for weeks), its dates are moved to the coming
    weeks again and its tests' windows with them; its people, nominations and answers stay,
    and nothing is added twice."""
    now = now or timezone.now()
    programme = Programme.objects.filter(slug=NEXT_EDITION).first()
    if programme is not None:
        first = programme.sessions.order_by("starts_at").first()
        if first is None or first.starts_at > now:
            return programme
        _move_ahead(programme, days_ahead(programme, now.astimezone(programme.zone).date()))
        _open_pre_test(programme, now)
        return programme
    earlier = Programme.objects.get(slug=demo_programme_data()["slug"])
    User = get_user_model()
    days = days_ahead(earlier, now.astimezone(earlier.zone).date())
    programme = new_edition(
        earlier,
        slug=NEXT_EDITION,
        title_es=earlier.title_es + NEXT_TITLE_WORDS["es"],
        title_en=earlier.title_en + NEXT_TITLE_WORDS["en"],
        days=min(days, WHOLE_WEEKS_AT_MOST),
        actor=User.objects.get(email="manager@example.org"),
    )
    if days > WHOLE_WEEKS_AT_MOST:
        # A demo run more than a decade after 2021.
        _move_ahead(programme, days - WHOLE_WEEKS_AT_MOST)
    _as_next_edition(programme, earlier)
    _give_demo_roles(programme)
    facilitator = User.objects.get(email="facilitator@example.org")
    _link_demo_facilitator(programme, facilitator)
    load_demo_nominations(programme, NEXT_NOMINATIONS, edition="next")
    _open_pre_test(programme, now)
    _demo_group_work(programme, facilitator)
    refresh(programme)
    return programme


def _open_pre_test(programme, now: dt.datetime) -> None:
    """The tests' windows from the sessions' dates, the pre-test opened an hour before `now`
    (rather than at the start of session 1) so that it can be tried at once."""
    for questionnaire in Questionnaire.objects.filter(programme=programme):
        opens_at, closes_at = default_window(programme, questionnaire.kind)
        if questionnaire.kind == Questionnaire.Kind.PRE:
            opens_at = now - dt.timedelta(hours=1)
        questionnaire.opens_at, questionnaire.closes_at = opens_at, closes_at
        questionnaire.save(update_fields=["opens_at", "closes_at"])
