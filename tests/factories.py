"""Factories for tests that need a little data of their own rather than the whole demo.

A test that builds its data here does not ask for the `demo` fixture, so a run of such tests
alone never loads the demo (tests/conftest.py). In a whole run the demo may have been loaded
by an earlier test all the same: these factories give every row names, codes and addresses
the demo never uses, and a test built on them counts only its own rows (its programme, its
people), never a whole table.

    programme = ProgrammeFactory()
    participant = MembershipFactory(programme=programme, participant=True).user
    focal_point = MembershipFactory(programme=programme, focal_point=True)  # with a country
"""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from capacita.agenda.models import AgendaItem, VirtualSession
from capacita.case_study.models import Case, SessionCase
from capacita.certificates.kept import refresh
from capacita.countries.models import Country
from capacita.groupwork.models import GroupMember, GroupQuestion, SessionWork, WorkGroup
from capacita.nominations.models import Nomination
from capacita.programmes.models import (
    Course,
    MemberCountry,
    Membership,
    Organiser,
    Person,
    Profile,
    Programme,
    Role,
)

# ISO 3166 keeps these codes for private use: no real country, so none of the demo's. The
# sequence comes back to the first after forty, more countries than any one test makes.
PRIVATE_USE_CODES = [f"X{letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"] + [
    f"Q{letter}" for letter in "MNOPQRSTUVWXYZ"
]
# The demo's 2021 programme runs in this zone; most of what a test checks is easier to read
# in it, and a test about zones gives its own.
MEXICO_CITY = "America/Mexico_City"
FIRST_SESSION = dt.datetime(2021, 10, 26, 19, 0, tzinfo=dt.UTC)


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country

    code = factory.Sequence(lambda n: PRIVATE_USE_CODES[n % len(PRIVATE_USE_CODES)])
    name_es = factory.LazyAttribute(lambda country: f"País {country.code}")
    name_en = factory.LazyAttribute(lambda country: f"Country {country.code}")
    time_zone = MEXICO_CITY


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"programme-{n}")
    title_es = factory.Sequence(lambda n: f"Programa de prueba {n}")
    title_en = factory.Sequence(lambda n: f"Test programme {n}")
    description_es = "Un programa hecho para una prueba."
    description_en = "A programme made for a test."
    general_objective_es = "Probar."
    general_objective_en = "To test."
    time_zone = MEXICO_CITY
    start_date = dt.date(2021, 10, 26)
    end_date = dt.date(2021, 11, 30)
    contact_email = "programme@factory.example.org"


class MemberCountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberCountry

    programme = factory.SubFactory(ProgrammeFactory)
    country = factory.SubFactory(CountryFactory)
    quota = 10


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"profile-{n}")
    position = factory.Sequence(lambda n: n)
    name_es = factory.Sequence(lambda n: f"Perfil {n}")
    name_en = factory.Sequence(lambda n: f"Profile {n}")


class OrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organiser

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"organiser-{n}")
    position = factory.Sequence(lambda n: n)
    name_es = factory.Sequence(lambda n: f"Organización {n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    """Someone the programme's agenda names (a speaker, a facilitator)."""

    class Meta:
        model = Person

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"person-{n}")
    name_es = factory.Sequence(lambda n: f"Ponente {n}")
    name_en = factory.Sequence(lambda n: f"Speaker {n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"course-{n}")
    position = factory.Sequence(lambda n: n)
    title_es = factory.Sequence(lambda n: f"Curso {n}")
    title_en = factory.Sequence(lambda n: f"Course {n}")
    provider_es = "Proveedor de prueba"
    provider_en = "Test provider"
    url = factory.Sequence(lambda n: f"https://learning.factory.example.org/course/{n}")
    is_required = True
    deadline = dt.datetime(2021, 11, 6, 5, 59, 59, tzinfo=dt.UTC)


class UserFactory(factory.django.DjangoModelFactory):
    """An account; its password is "x" (the suite's hasher makes that cheap)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person.{n}@factory.example.org")
    first_name = factory.Sequence(lambda n: f"Persona {n}")
    last_name = "Prueba"
    language = "es"
    password = factory.django.Password("x")


class MembershipFactory(factory.django.DjangoModelFactory):
    """A role in a programme; by default a participant's. `focal_point=True` gives the focal
    point a country, as the database requires."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.PARTICIPANT

    class Params:
        manager = factory.Trait(role=Role.MANAGER)
        participant = factory.Trait(role=Role.PARTICIPANT)
        facilitator = factory.Trait(role=Role.FACILITATOR)
        observer = factory.Trait(role=Role.OBSERVER)
        focal_point = factory.Trait(
            role=Role.FOCAL_POINT,
            country=factory.LazyAttribute(
                lambda membership: MemberCountryFactory(programme=membership.programme).country
            ),
        )

    @factory.post_generation
    def kept_progress(membership, create, extracted, **kwargs):
        # A participant's standing, as the services that admit people leave it.
        if create and membership.role == Role.PARTICIPANT:
            refresh(membership.programme, [membership.user_id])


class VirtualSessionFactory(factory.django.DjangoModelFactory):
    """A two-hour session; session number n starts n - 1 days after 26 October 2021, 14:00
    in Mexico City (give `number` where it matters: the sequence runs across tests)."""

    class Meta:
        model = VirtualSession

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    title_es = factory.LazyAttribute(lambda session: f"Sesión {session.number}")
    title_en = factory.LazyAttribute(lambda session: f"Session {session.number}")
    starts_at = factory.LazyAttribute(
        lambda session: FIRST_SESSION + dt.timedelta(days=session.number - 1)
    )
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + dt.timedelta(hours=2))


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    session = factory.SubFactory(VirtualSessionFactory)
    position = factory.Sequence(lambda n: n)
    starts_at = factory.LazyAttribute(lambda item: item.session.starts_at)
    kind = AgendaItem.Kind.PRESENTATION
    title_es = factory.Sequence(lambda n: f"Presentación {n}")
    title_en = factory.Sequence(lambda n: f"Presentation {n}")


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    programme = factory.SubFactory(ProgrammeFactory)
    country = factory.LazyAttribute(
        lambda nomination: MemberCountryFactory(programme=nomination.programme).country
    )
    first_name = factory.Sequence(lambda n: f"Nominada {n}")
    last_name = "Prueba"
    position = "Consejera de empleo"
    institution = "Ministerio de Trabajo"
    email = factory.Sequence(lambda n: f"nominee.{n}@factory.example.org")


class SessionWorkFactory(factory.django.DjangoModelFactory):
    """A session that works in groups."""

    class Meta:
        model = SessionWork

    session = factory.SubFactory(VirtualSessionFactory)


class WorkGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkGroup

    session_work = factory.SubFactory(SessionWorkFactory)
    position = factory.Sequence(lambda n: n + 1)
    name_es = factory.LazyAttribute(lambda group: f"Grupo {group.position}")
    name_en = factory.LazyAttribute(lambda group: f"Group {group.position}")


class GroupMemberFactory(factory.django.DjangoModelFactory):
    """A participant of the group's programme placed in the group."""

    class Meta:
        model = GroupMember

    group = factory.SubFactory(WorkGroupFactory)
    session_work = factory.SelfAttribute("group.session_work")
    user = factory.LazyAttribute(
        lambda member: (
            MembershipFactory(
                programme=member.group.session_work.session.programme, participant=True
            ).user
        )
    )


class GroupQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupQuestion

    group = factory.SubFactory(WorkGroupFactory)
    position = factory.Sequence(lambda n: n)
    text_es = "¿Qué capacidades tiene la persona?"
    text_en = "Which skills does the person have?"


class CaseFactory(factory.django.DjangoModelFactory):
    """A case for groups to study (the factors they weigh are the catalogue's)."""

    class Meta:
        model = Case

    code = factory.Sequence(lambda n: f"case-{n}")
    title_es = factory.Sequence(lambda n: f"Caso {n}")
    title_en = factory.Sequence(lambda n: f"Case {n}")
    story_es = "Daniela llegó hace un año y busca trabajo."
    story_en = "Daniela arrived a year ago and is looking for work."


class SessionCaseFactory(factory.django.DjangoModelFactory):
    """The case a session's groups study."""

    class Meta:
        model = SessionCase

    session_work = factory.SubFactory(SessionWorkFactory)
    case = factory.SubFactory(CaseFactory)
