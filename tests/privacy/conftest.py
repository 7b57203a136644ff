"""A person with data in every corner of the platform, under names found nowhere else."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from capacita.attendance.models import AttendanceRecord, JoinInterval, MeetingReport, NameMatch
from capacita.audit.services import audit_record
from capacita.certificates.kept import refresh
from capacita.certificates.services import issue_by_hand
from capacita.completions.models import CompletionReport
from capacita.emails.services import queue_email
from capacita.evaluation import services as evaluation
from capacita.evaluation.models import Questionnaire
from capacita.groupwork.models import AnswerVersion, GroupMember, GroupQuestion
from capacita.nominations.models import Nomination
from capacita.programmes.models import Country, Membership, Role


@pytest.fixture(autouse=True)
def _english():
    """The messages these tests read are the English ones, whatever ran before them."""
    with translation.override("en"):
        yield


@dataclass
class Someone:
    user: object
    first_name: str
    last_name: str
    email: str
    nomination: Nomination
    free_text: str

    @property
    def traces(self) -> list[str]:
        return [self.first_name, self.last_name, self.email]


def _open(questionnaire) -> Questionnaire:
    now = timezone.now()
    questionnaire.opens_at = now - dt.timedelta(hours=1)
    questionnaire.closes_at = now + dt.timedelta(hours=1)
    questionnaire.save()
    return questionnaire


def answers(questionnaire, text: str, correct: bool) -> dict:
    data = {}
    for section in questionnaire.sections.all():
        for question in section.questions.all():
            if question.kind == "scale":
                data[question.code] = "4" if correct else "2"
            elif question.kind == "text":
                data[question.code] = text
            else:
                choices = list(question.choices.all())
                pick = [c for c in choices if c.is_correct == correct][0]
                data[question.code] = pick.code
    return data


def make_someone(programme, manager, *, country_code="MX", certificate=True) -> Someone:
    """A participant with a nomination, both tests submitted (free text naming them), an
    attendance record and meeting rows, an unmatched completion row, a certificate, an
    e-mail, an audit event and a group answer version."""
    token = secrets.token_hex(3)
    first, last = f"Zorbalina{token}", f"Quixtepetl{token}"
    email = f"zq.{token}@correo-unico.example.net"
    country = Country.objects.get(code=country_code)
    user = get_user_model().objects.create_user(
        email, "x", first_name=first, last_name=last, language="en", country=country
    )
    Membership.objects.create(
        programme=programme,
        user=user,
        role=Role.PARTICIPANT,
        country=country,
        organisation=f"Oficina de {last}",
    )
    nomination = Nomination.objects.create(
        programme=programme,
        country=country,
        first_name=first,
        last_name=last,
        email=email,
        position=f"Jefa de {last}",
        institution=f"Instituto {first}",
        profile=programme.profiles.first(),
        gender="woman",
        status=Nomination.Status.ACCEPTED,
        user=user,
    )
    free_text = f"Yo, {first} {last}, aprendí mucho."
    for kind, correct in (("pre", False), ("post", True)):
        questionnaire = _open(Questionnaire.objects.get(programme=programme, kind=kind))
        evaluation.save_answers(
            questionnaire, user, answers(questionnaire, free_text, correct), submit=True
        )

    session = programme.sessions.order_by("number").first()
    AttendanceRecord.objects.create(
        session=session,
        user=user,
        status=AttendanceRecord.Status.PRESENT,
        imported_status=AttendanceRecord.Status.PRESENT,
        imported_minutes=100,
    )
    refresh(programme, [user.pk])
    report = MeetingReport.objects.create(
        session=session, filename="zoom.csv", sha256=token * 10, time_zone="UTC", row_count=2
    )
    for row, matched in ((1, user), (2, None)):
        JoinInterval.objects.create(
            report=report,
            session=session,
            row_number=row,
            name=f"{first} {last}",
            email=email,
            joined_at=session.starts_at,
            left_at=session.ends_at,
            user=matched,
        )
    NameMatch.objects.create(
        programme=programme, meeting_name=f"{first} {last}", meeting_email=email, user=user
    )
    CompletionReport.objects.create(
        course=programme.courses.first(),
        filename="moodle.csv",
        row_count=1,
        unmatched=[{"number": 7, "name": f"{last}, {first}", "email": email.upper()}],
    )
    if certificate:
        issue_by_hand(programme, user, "Attended in person", manager)
    queue_email(
        to=email,
        subject=f"Hola {first}",
        body_text=f"Estimada {first} {last}: bienvenida.",
        kind="test",
        language="es",
        programme=programme,
        user=user,
    )
    audit_record(
        actor=manager,
        action="nomination.edited",
        subject=nomination,
        programme=programme,
        details={"email": email, "changed": {"last_name": ["Old", last]}},
    )
    question = GroupQuestion.objects.filter(
        group__session_work__session__programme=programme
    ).first()
    if question is not None:
        GroupMember.objects.get_or_create(
            group=question.group,
            user=user,
            session_work=question.group.session_work,
        )
        AnswerVersion.objects.create(
            question=question,
            number=(question.versions.count() + 1) * 100,
            text="La respuesta del grupo.",
            author=user,
        )
    return Someone(user, first, last, email, nomination, free_text)


@pytest.fixture
def manager(users):
    return users["manager"]


@pytest.fixture
def someone(programme, manager) -> Someone:
    return make_someone(programme, manager)
