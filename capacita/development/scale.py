"""Generated programmes at scale, for measuring the platform: `capacita seed_scale`.

Each generated programme is a copy of the 2021 programme's structure (countries, profiles,
courses, sessions and agenda, the pre- and post-test) under the slug `scale-NNN`, filled
with generated participants in the proportions of a real edition: nominations (some on the
reserve list or rejected), attendance at each session, course completions (some late), the
tests' answers and the certificates of those who met every requirement. Every name and
address is plainly fictitious ("Persona Ficticia 000123", `…@scale.example.org`).

Rows are written with `bulk_create` in batches of people, so that 100,000 participants take
minutes and little memory. The certificates are recorded without their PDF file: rendering is
measured on its own (`bench/bench_certificates.py`), and a download renders a missing file.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from capacita.agenda.programme_file import ProgrammeSpec, load_programme, read_programme_file
from capacita.attendance.models import AttendanceRecord
from capacita.audit.models import AuditEvent
from capacita.certificates import codes
from capacita.certificates.kept import refresh
from capacita.certificates.models import Certificate
from capacita.certificates.rule import progress_of
from capacita.completions.models import CourseCompletion
from capacita.development.demo import DEMO_FIRST_NAMES, DEMO_POSITIONS, DEMO_PROGRAMME_FILE
from capacita.development.demo_groups import load_demo_groups
from capacita.development.demo_tests import load_demo_tests
from capacita.evaluation.models import Answer, Question, Response, recount
from capacita.evaluation.scoring import verdict
from capacita.nominations.models import Gender, Nomination
from capacita.programmes.models import Country, MemberCountry, Membership, Programme, Role

SLUG_PREFIX = "scale-"
DOMAIN = "scale.example.org"
# Every generated account shares this password (hashed once): the benchmarks log in with it.
SCALE_PASSWORD = "scale-capacita"  # noqa: S105 - generated accounts only
MANAGER_EMAIL = f"manager@{DOMAIN}"
BATCH = 2_000

# Every page (and export) that lists people, with who reads it: their queries must not grow
# with the number of people (tests/scale/test_queries_per_page.py, bench/bench_queries.py).
# (name, path under the programme, reader); `{participant}` is a participant's id.
PAGES_LISTING_PEOPLE = [
    ("nominations", "nominations/", "manager"),
    ("a country's nominations", "nominations/MX/", "focal_point"),
    ("focal points", "focal-points/", "manager"),
    ("observers", "observers/", "manager"),
    # Read before the files below: at 10,000 the task worker makes those, and each job's
    # audit record names its choices (a country), which the audit pages then name in one
    # query more, whatever the number of people.
    ("personal data", "personal-data/", "manager"),
    ("audit", "audit/", "manager"),
    ("audit as CSV", "audit.csv", "manager"),
    ("attendance", "attendance/", "manager"),
    ("a session's attendance", "sessions/1/attendance/", "manager"),
    ("courses", "courses/", "manager"),
    ("a course's completions", "courses/migration-trends/", "manager"),
    ("the learning site's accounts as CSV", "courses/moodle-users.csv", "manager"),
    ("the board", "board/", "manager"),
    ("the board for a focal point", "board/", "focal_point"),
    ("the board, incomplete, searched", "board/?status=incomplete&search=ficticia", "manager"),
    ("the board as a workbook", "board.xlsx", "manager"),
    ("the board as CSV", "board.csv", "manager"),
    ("a participant's progress", "participants/{participant}/", "manager"),
    ("the participant's own page", "me/", "participant"),
    ("the tests' report", "tests/report/", "manager"),
    ("the tests' report as a workbook", "tests/report.xlsx", "manager"),
    ("certificates", "certificates/", "manager"),
    ("certificates ready to issue", "certificates/?show=issued", "manager"),
    ("certificates, searched", "certificates/?search=Ficticia", "manager"),
    ("certificates as a ZIP", "certificates.zip", "manager"),
    ("groups by country", "sessions/2/groups/", "manager"),
    ("groups by perspective", "sessions/3/groups/", "manager"),
    ("plenary", "sessions/2/plenary/", "manager"),
    ("plenary as PDF", "sessions/2/plenary.pdf", "manager"),
    ("a country's report", "reports/MX/", "focal_point"),
    ("a country's report as a workbook", "reports/MX.xlsx", "manager"),
    ("a country's report as PDF", "reports/MX.pdf", "manager"),
    ("the balance", "balance/", "manager"),
    ("the balance as a workbook", "balance.xlsx", "manager"),
    ("the balance as PDF", "balance.pdf", "manager"),
    # The organisers' console: its steps count people; its decisions list them.
    ("the console", "manage/", "manager"),
    ("decisions across countries", "nominations/decide/", "manager"),
    ("the country reports' chooser", "reports/", "manager"),
    ("member countries", "manage/member-countries/", "manager"),
]

# The proportions of a real edition.
EXTRA_NOMINATIONS = 0.25  # nominated but not taking part (reserve list or rejected)
PRESENT = 0.88  # present at a given session
EXCUSED = 0.04
COMPLETED = 0.85  # completed a given course
LATE = 0.08  # of those completing, after the deadline
TOOK_PRE = 0.92
TOOK_POST = 0.80


class ScaleError(Exception):
    """The database already holds generated programmes, or the request makes no sense."""


def participant_email(number: int) -> str:
    return f"participant.{number:06d}@{DOMAIN}"


def focal_point_email(country_code: str) -> str:
    return f"focal.{country_code.lower()}@{DOMAIN}"


def programme_slug(number: int) -> str:
    return f"{SLUG_PREFIX}{number:03d}"


@dataclass
class SeedCounts:
    programmes: int = 0
    participants: int = 0
    nominations: int = 0
    attendance: int = 0
    completions: int = 0
    responses: int = 0
    answers: int = 0
    certificates: int = 0
    audit_events: int = 0
    by_model: dict = field(default_factory=dict)


def default_programmes(participants: int) -> int:
    """About a thousand participants per programme: a large regional edition."""
    return max(1, round(participants / 1_000))


def seed_scale(
    participants: int,
    programmes: int | None = None,
    *,
    seed: int = 2021,
    progress: Callable[[str], None] | None = None,
) -> SeedCounts:
    """Create `programmes` generated programmes holding `participants` participants in all."""
    programmes = programmes or default_programmes(participants)
    if participants < 1 or programmes < 1 or programmes > participants:
        raise ScaleError("ask for at least one participant per programme")
    if programmes > 999:
        raise ScaleError("at most 999 generated programmes")
    if Programme.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        raise ScaleError("this database already holds generated programmes: use a fresh one")
    progress = progress or (lambda _message: None)
    rng = random.Random(seed)  # noqa: S311 - generated data, not security
    counts = SeedCounts()
    for index in range(programmes):
        # Spread the remainder over the first programmes.
        size = participants // programmes + (1 if index < participants % programmes else 0)
        programme = add_generated_programme(size, rng=rng, counts=counts)
        progress(f"{programme.slug}: {size} participants")
    return counts


def add_generated_programme(
    size: int, *, rng: random.Random | None = None, counts: SeedCounts | None = None
) -> Programme:
    """One more generated programme of `size` participants, numbered after those in place;
    the generated manager and focal points (created on first use) run every one of them."""
    rng = rng or random.Random(size)  # noqa: S311 - generated data, not security
    counts = counts if counts is not None else SeedCounts()
    number = Programme.objects.filter(slug__startswith=SLUG_PREFIX).count() + 1
    first_number = (
        get_user_model()
        .objects.filter(email__startswith="participant.", email__endswith=f"@{DOMAIN}")
        .count()
        + 1
    )
    programme, staff = _programme(read_programme_file(DEMO_PROGRAMME_FILE), number, size)
    generator = _Generator(programme, rng, staff, counts)
    for start in range(0, size, BATCH):
        generator.people(first_number + start, min(BATCH, size - start))
    # The 2021 group work (by country, then by perspective on the case), everyone assigned.
    load_demo_groups(programme, facilitator=staff.manager)
    # The rows above were written directly, not through the services: work out the kept
    # progress once for everyone.
    refresh(programme)
    _analyse()
    counts.programmes += 1
    return programme


def _analyse() -> None:
    """The planner's statistics of the tables just written, as PostgreSQL's autovacuum gathers
    them within a minute of a real load: without them it takes each generated table for
    nearly empty and picks nested loops over thousands of rows (a country's report took 1.3 s
    instead of 0.17 s at 10,000). SQLite gathers none unless asked, in production too."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@dataclass(frozen=True)
class _Staff:
    manager: object
    focal_points: dict  # country code → user


def _staff() -> _Staff:
    """The generated manager and one focal point per country, created when missing."""
    User = get_user_model()
    existing = {
        user.email: user
        for user in User.objects.filter(email__endswith=f"@{DOMAIN}").exclude(
            email__startswith="participant."
        )
    }
    password = (
        existing[MANAGER_EMAIL].password
        if MANAGER_EMAIL in existing
        else (make_password(SCALE_PASSWORD))
    )

    def account(email, **fields):
        if email not in existing:
            existing[email] = User.objects.create(email=email, password=password, **fields)
        return existing[email]

    manager = account(
        MANAGER_EMAIL, first_name="Gestora", last_name="Ficticia", language="en", is_staff=True
    )
    focal_points = {
        country.code: account(
            focal_point_email(country.code),
            first_name="Enlace",
            last_name=f"Ficticio {country.code}",
            country=country,
        )
        for country in Country.objects.all()
    }
    return _Staff(manager, focal_points)


def _programme(spec: ProgrammeSpec, number: int, size: int) -> tuple[Programme, _Staff]:
    data = copy.deepcopy(spec.data)
    data["slug"] = programme_slug(number)
    data["title"] = {
        "es": f"Programa generado {number:03d} (datos ficticios)",
        "en": f"Generated programme {number:03d} (fictitious data)",
    }
    with transaction.atomic():
        programme = load_programme(ProgrammeSpec(data=data, zone=spec.zone, sessions=spec.sessions))
        # The countries exist once the first programme is loaded.
        staff = _staff()
        countries = list(programme.member_countries.select_related("country"))
        # Quotas large enough for everyone generated, as a large edition would set them.
        quota = math.ceil(size / max(1, len(countries)) * 1.1) + 1
        MemberCountry.objects.filter(programme=programme).update(quota=quota)
        Membership.objects.create(programme=programme, user=staff.manager, role=Role.MANAGER)
        Membership.objects.bulk_create(
            Membership(
                programme=programme,
                user=staff.focal_points[member.country.code],
                role=Role.FOCAL_POINT,
                country=member.country,
            )
            for member in countries
        )
        load_demo_tests(programme)
    return programme, staff


@dataclass(frozen=True)
class _Question:
    pk: int
    kind: str
    codes: list
    correct: list
    # The question itself, its choices read: what `scoring.verdict` reads.
    question: Question


def _insert_answers(rows: list[tuple]) -> None:
    """Answers are most of the rows (some 30 per participant): written straight through the
    database cursor, as building a model instance for each costs more than the insert."""
    table = connection.ops.quote_name(Answer._meta.db_table)
    sql = (
        f"INSERT INTO {table} (response_id, question_id, choice_codes, scale, is_right, text) "  # noqa: S608 - the model's own table
        "VALUES (%s, %s, %s, %s, %s, '')"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])


class _Generator:
    """Writes one programme's people, a batch at a time."""

    def __init__(self, programme, rng, staff: _Staff, counts: SeedCounts):
        self.programme = programme
        self.rng = rng
        # Every generated account shares the one hash: hashing 100,000 times would take hours.
        self.password = staff.manager.password
        self.staff = staff
        self.counts = counts
        self.countries = [
            member.country for member in programme.member_countries.select_related("country")
        ]
        self.profiles = list(programme.profiles.all())
        self.sessions = list(programme.sessions.order_by("number"))
        self.courses = [course for course in programme.courses.all() if course.is_required]
        self.pre, self.post = (
            programme.questionnaires.get(kind="pre"),
            programme.questionnaires.get(kind="post"),
        )
        self.questions = {
            questionnaire.pk: [
                _Question(
                    pk=question.pk,
                    kind=question.kind,
                    codes=[choice.code for choice in question.choices.all()],
                    correct=[choice.code for choice in question.choices.all() if choice.is_correct],
                    question=question,
                )
                for question in Question.objects.filter(
                    section__questionnaire=questionnaire
                ).prefetch_related("choices")
            ]
            for questionnaire in (self.pre, self.post)
        }
        self.issued_at = (self.sessions[-1].ends_at if self.sessions else None) or (
            dt.datetime.combine(programme.end_date, dt.time(18), tzinfo=dt.UTC)
        )

    @transaction.atomic
    def people(self, first_number: int, count: int) -> None:
        User = get_user_model()
        people = []
        for number in range(first_number, first_number + count):
            country = self.countries[number % len(self.countries)]
            people.append(
                User(
                    email=participant_email(number),
                    first_name=DEMO_FIRST_NAMES[number % len(DEMO_FIRST_NAMES)],
                    last_name=f"Ficticia {number:06d}",
                    language="en" if country.code in ("BZ", "CA", "US") else "es",
                    country=country,
                    password=self.password,
                )
            )
        people = User.objects.bulk_create(people)
        memberships = Membership.objects.bulk_create(
            Membership(
                programme=self.programme, user=user, role=Role.PARTICIPANT, country=user.country
            )
            for user in people
        )
        self._nominations(people, first_number)
        self._attendance(people)
        self._completions(people)
        self._responses(people)
        # Certificates for exactly those the programme's completion rule lets through.
        self._certificates(
            [
                progress.membership.user
                for progress in progress_of(self.programme, memberships)
                if progress.is_complete
            ]
        )
        self.counts.participants += len(people)

    def _nominations(self, people, first_number: int) -> None:
        rng = self.rng
        genders = [Gender.WOMAN, Gender.MAN, Gender.NON_BINARY, Gender.UNDISCLOSED, ""]
        weights = [50, 42, 2, 3, 3]
        nominations = []
        for number, user in enumerate(people, start=first_number):
            nominations.append(
                self._nomination(
                    user, number, Nomination.Status.ACCEPTED, rng.choices(genders, weights)[0]
                )
            )
        extra = int(len(people) * EXTRA_NOMINATIONS)
        for offset in range(extra):
            number = first_number + offset
            status = Nomination.Status.RESERVE if offset % 3 else Nomination.Status.REJECTED
            country = self.countries[(number + 1) % len(self.countries)]
            nominations.append(
                Nomination(
                    programme=self.programme,
                    country=country,
                    first_name=DEMO_FIRST_NAMES[(number + 3) % len(DEMO_FIRST_NAMES)],
                    last_name=f"Suplente Ficticia {number:06d}",
                    position=DEMO_POSITIONS[number % len(DEMO_POSITIONS)],
                    institution=f"Servicio Nacional de Empleo (ficticio {country.code})",
                    email=f"reserve.{number:06d}@{DOMAIN}",
                    profile=self.profiles[number % len(self.profiles)] if self.profiles else None,
                    gender=rng.choices(genders, weights)[0],
                    status=status,
                    submitted_by=self.staff.focal_points[country.code],
                    decided_at=self.issued_at,
                    decided_by=self.staff.manager,
                )
            )
        nominations = Nomination.objects.bulk_create(nominations, batch_size=BATCH)
        self.counts.nominations += len(nominations)
        # The decisions leave their trace as the secretariat's would.
        events = [
            AuditEvent(
                actor=self.staff.manager,
                action=(
                    AuditEvent.Action.NOMINATION_ACCEPTED
                    if nomination.status == Nomination.Status.ACCEPTED
                    else AuditEvent.Action.NOMINATION_RESERVED
                    if nomination.status == Nomination.Status.RESERVE
                    else AuditEvent.Action.NOMINATION_REJECTED
                ),
                programme=self.programme,
                person_id=nomination.user_id,
                person_name=nomination.full_name,
                person_email=nomination.email,
                subject_type="nominations.nomination",
                subject_id=str(nomination.pk),
            )
            for nomination in nominations
        ]
        AuditEvent.objects.bulk_create(events, batch_size=BATCH)
        self.counts.audit_events += len(events)

    def _nomination(self, user, number: int, status, gender) -> Nomination:
        return Nomination(
            programme=self.programme,
            country=user.country,
            first_name=user.first_name,
            last_name=user.last_name,
            position=DEMO_POSITIONS[number % len(DEMO_POSITIONS)],
            institution=f"Servicio Nacional de Empleo (ficticio {user.country.code})",
            email=user.email,
            profile=self.profiles[number % len(self.profiles)] if self.profiles else None,
            gender=gender,
            language=user.language,
            status=status,
            submitted_by=self.staff.focal_points[user.country.code],
            decided_at=self.issued_at,
            decided_by=self.staff.manager,
            user=user,
        )

    def _attendance(self, people) -> None:
        rng = self.rng
        records = []
        for session in self.sessions:
            length = int((session.ends_at - session.starts_at).total_seconds() // 60)
            for user in people:
                draw = rng.random()
                if draw < PRESENT:
                    status, minutes = (
                        AttendanceRecord.Status.PRESENT,
                        rng.randint(int(length * 0.8), length),
                    )
                elif draw < PRESENT + EXCUSED:
                    status, minutes = AttendanceRecord.Status.EXCUSED, 0
                else:
                    status, minutes = AttendanceRecord.Status.ABSENT, rng.randint(0, length // 3)
                records.append(
                    AttendanceRecord(
                        session=session,
                        user=user,
                        imported_minutes=minutes,
                        imported_status=status,
                        status=status,
                    )
                )
        AttendanceRecord.objects.bulk_create(records, batch_size=BATCH)
        self.counts.attendance += len(records)

    def _completions(self, people) -> None:
        rng = self.rng
        completions = []
        for course in self.courses:
            deadline = course.deadline or self.issued_at
            for user in people:
                completed = rng.random() < COMPLETED
                late = completed and rng.random() < LATE
                when = None
                if completed:
                    when = deadline + (
                        dt.timedelta(days=rng.randint(1, 10))
                        if late
                        else -dt.timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 23))
                    )
                completions.append(
                    CourseCompletion(
                        course=course,
                        user=user,
                        completed=completed,
                        completed_at=when,
                        is_late=late,
                        source=CourseCompletion.Source.IMPORT,
                        imported_completed=completed,
                        imported_completed_at=when,
                    )
                )
        CourseCompletion.objects.bulk_create(completions, batch_size=BATCH)
        self.counts.completions += len(completions)

    def _responses(self, people) -> None:
        rng = self.rng
        abilities = {user.pk: rng.uniform(0.25, 0.65) for user in people}
        responses = []
        for questionnaire, share, gain in ((self.pre, TOOK_PRE, 0.0), (self.post, TOOK_POST, 1)):
            start = questionnaire.opens_at or self.issued_at
            for user in people:
                if rng.random() >= share:
                    continue
                if gain:
                    abilities[user.pk] = min(0.95, abilities[user.pk] + rng.uniform(0.05, 0.35))
                responses.append(
                    Response(
                        questionnaire=questionnaire,
                        user=user,
                        language=user.language,
                        submitted_at=start + dt.timedelta(minutes=rng.randint(5, 2_000)),
                        source=Response.Source.WEB,
                    )
                )
        responses = Response.objects.bulk_create(responses, batch_size=BATCH)
        answers = []
        for response in responses:
            ability = abilities[response.user.pk]
            for question in self.questions[response.questionnaire_id]:
                answer = self._answer(question, ability)
                if answer is not None:
                    answers.append((response.pk, question.pk, *answer))
        _insert_answers(answers)
        # Written past the model: the responses' kept counts worked out once for the batch.
        recount([response.pk for response in responses])
        self.counts.responses += len(responses)
        self.counts.answers += len(answers)

    def _answer(
        self, question: _Question, ability: float
    ) -> tuple[str, int | None, bool | None] | None:
        """An answer's chosen codes (as JSON), scale and kept verdict (`Answer.is_right`, as
        the services keep it); None for a written answer (the generated people leave those
        empty)."""
        rng = self.rng
        if question.kind == Question.Kind.SCALE:
            return "[]", rng.choice([2, 3, 4, 4, 5]), None
        if question.kind == Question.Kind.TEXT:
            return None
        chosen = question.correct if rng.random() < ability else [rng.choice(question.codes)]
        return json.dumps(chosen), None, verdict(question.question, chosen)

    def _certificates(self, people) -> None:
        certificates = [
            Certificate(
                programme=self.programme,
                user=user,
                code=codes.new_code(),
                holder_name=f"{user.first_name} {user.last_name}",
                language=user.language,
                issued_at=self.issued_at,
                issued_by=self.staff.manager,
            )
            for user in people
        ]
        Certificate.objects.bulk_create(certificates, batch_size=BATCH)
        self.counts.certificates += len(certificates)
