"""A programme's next edition, made from it: its structure copied with every date and time
moved by a number of days, and nothing of its people.

What the copy does with each field of each model is declared below (`PLANS`), field by field:
taken as it is, moved by the offset, set by the copy (the new edition's own parent, or what
the manager gives), copied as a new file, or left out with the reason why. The models of a
programme that are not copied at all are in `NOT_COPIED`, with the reason too. A test fails
when a model gains a field, or a programme gains a model, that neither list decides about.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zoneinfo
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import validate_slug
from django.db import models, transaction
from django.utils.translation import gettext as _

from capacita.agenda.models import AgendaItem, AgendaParticipant, VirtualSession
from capacita.audit.models import AuditEvent
from capacita.audit.services import audit_record
from capacita.case_study.models import SessionCase
from capacita.certificates.models import CertificateDesign, Signatory
from capacita.evaluation.models import Choice, Question, Questionnaire, Section
from capacita.groupwork.models import GroupQuestion, SessionWork, WorkGroup
from capacita.programmes.models import (
    Course,
    MemberCountry,
    Membership,
    Organiser,
    Person,
    Profile,
    Programme,
    Role,
    SpecificObjective,
    StructureRow,
)
from capacita.programmes.permissions import is_manager
from capacita.shared.errors import UserError
from capacita.shared.text_limits import TextLimit

# A decade either way: further is a typing mistake, not an edition.
MAX_DAYS = 3650
# 52 weeks: the sessions of the edition a year later fall on the same weekdays.
SUGGESTED_DAYS = 364
NEW = "a record of the new edition"


@dataclass(frozen=True)
class Plan:
    """What the copy does with each field of `model`.

    `copied`: taken as it is (a link to a shared record, such as a country or a case, links
    the same one). `moved`: a date or a time, moved by the offset. `set`: given by the copy —
    the new edition's own parent record, or what the manager chose. `files`: copied as new
    files. `left`: not copied, each with the reason; the field takes its default."""

    model: type[models.Model]
    copied: tuple[str, ...] = ()
    moved: tuple[str, ...] = ()
    set: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    left: dict[str, str] = field(default_factory=dict)

    def decided(self) -> list[str]:
        return [*self.copied, *self.moved, *self.set, *self.files, *self.left]


PLANS = {
    plan.model: plan
    for plan in (
        Plan(
            Programme,
            copied=(
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
                "time_zone",
                "interpretation",
                "contact_email",
                "attendance_threshold",
                "certificate_requires_post_test",
                "certificate_allows_late_completion",
                # Through MemberCountry, copied with its quotas below.
                "countries",
            ),
            moved=("start_date", "end_date"),
            set=("slug", "title_es", "title_en", "is_published"),
            left={"id": NEW},
        ),
        Plan(
            SpecificObjective,
            copied=("position", "text_es", "text_en"),
            set=("programme",),
            left={"id": NEW},
        ),
        Plan(
            StructureRow,
            copied=("position", "activity_es", "activity_en", "content_es", "content_en"),
            set=("programme",),
            left={"id": NEW},
        ),
        Plan(
            Organiser,
            copied=(
                "code",
                "position",
                "name_es",
                "name_en",
                "acronym_es",
                "acronym_en",
                "role_es",
                "role_en",
                "url",
            ),
            set=("programme",),
            files=("logo",),
            left={"id": NEW},
        ),
        Plan(
            MemberCountry,
            copied=("country", "quota"),
            set=("programme",),
            left={"id": NEW},
        ),
        Plan(
            Profile,
            copied=("code", "position", "name_es", "name_en"),
            set=("programme",),
            left={"id": NEW},
        ),
        Plan(
            Person,
            copied=(
                "key",
                "name_es",
                "name_en",
                "position_es",
                "position_en",
                "organisation_es",
                "organisation_en",
            ),
            set=("programme",),
            left={
                "id": NEW,
                "user": "an account is a person's; the name stays, a manager links it again",
            },
        ),
        Plan(
            Course,
            copied=(
                "code",
                "position",
                "title_es",
                "title_en",
                "provider_es",
                "provider_en",
                "description_es",
                "description_en",
                "url",
                "is_required",
                "moodle_course",
            ),
            moved=("deadline",),
            set=("programme",),
            left={"id": NEW},
        ),
        Plan(
            VirtualSession,
            copied=("number", "title_es", "title_en", "interpretation"),
            moved=("starts_at", "ends_at"),
            set=("programme",),
            left={
                "id": NEW,
                "meeting_url": "a meeting of the earlier dates; each edition's meetings are "
                "set up anew",
                "zoom_meeting": "the meeting of the earlier dates, whose report is that "
                "edition's attendance; each edition's meetings are set up anew",
                "recording_url": "what was recorded in the earlier edition",
                "recording_file": "what was recorded in the earlier edition",
            },
        ),
        Plan(
            AgendaItem,
            copied=(
                "position",
                "kind",
                "title_es",
                "title_en",
                "description_es",
                "description_en",
                "to_be_confirmed",
            ),
            moved=("starts_at", "ends_at"),
            set=("session",),
            left={"id": NEW},
        ),
        Plan(
            AgendaParticipant,
            copied=("role", "position", "to_be_confirmed"),
            set=("item", "person"),
            left={"id": NEW},
        ),
        Plan(
            Questionnaire,
            copied=(
                "kind",
                "title_es",
                "title_en",
                "intro_es",
                "intro_en",
                "review_after_submit",
                "review_after_close",
            ),
            moved=("opens_at", "closes_at"),
            set=("programme",),
            left={
                "id": NEW,
                "manual_state": "opened or closed by hand for the earlier edition; the new "
                "test follows its moved dates",
            },
        ),
        Plan(
            Section,
            copied=("position", "kind", "title_es", "title_en"),
            set=("questionnaire",),
            left={"id": NEW},
        ),
        Plan(
            Question,
            copied=("position", "code", "kind", "text_es", "text_en", "required"),
            set=("section",),
            left={"id": NEW},
        ),
        Plan(
            Choice,
            copied=("code", "text_es", "text_en", "is_correct"),
            set=("question",),
            left={"id": NEW},
        ),
        Plan(
            SessionWork,
            copied=("grouping",),
            set=("session",),
            left={
                "id": NEW,
                "plenary_open": "opened for the earlier edition's participants after its session",
            },
        ),
        Plan(
            WorkGroup,
            copied=(
                "position",
                "name_es",
                "name_en",
                "task_es",
                "task_en",
                "countries",
                "perspective",
            ),
            set=("session_work",),
            left={
                "id": NEW,
                "facilitator": "an account is a person's; a manager names the new "
                "edition's facilitators",
                "members": "the earlier edition's participants",
            },
        ),
        Plan(
            GroupQuestion,
            copied=("position", "text_es", "text_en"),
            set=("group",),
            left={"id": NEW},
        ),
        Plan(
            SessionCase,
            copied=("case",),
            set=("session_work",),
            left={"id": NEW},
        ),
        Plan(
            CertificateDesign,
            copied=("languages", "title_es", "title_en", "body_es", "body_en", "hours"),
            set=("programme",),
            left={"id": NEW},
        ),
        Plan(
            Signatory,
            copied=(
                "position",
                "name",
                "job_title_es",
                "job_title_en",
                "organisation_es",
                "organisation_en",
            ),
            set=("programme",),
            files=("signature",),
            left={"id": NEW},
        ),
    )
}

# The records of a programme that the copy leaves out entirely: what its people did, and
# what happened to them.
NOT_COPIED = {
    "programmes.Membership": "the earlier edition's people; the acting manager alone is given "
    "the manager's role",
    "agenda.Slides": "uploaded by the earlier edition's speakers for their talks",
    "jobs.Job": "the earlier edition's files and work in the background, kept a day",
    "nominations.Nomination": "personal: the earlier edition's nominees",
    "nominations.NominationUpload": "personal: the lists of the earlier edition's nominees",
    "attendance.MeetingReport": "the earlier edition's meetings",
    "attendance.JoinInterval": "personal: who joined the earlier edition's meetings",
    "attendance.NameMatch": "personal: names matched to the earlier edition's people",
    "attendance.AttendanceRecord": "personal: attendance",
    "completions.CompletionReport": "the earlier edition's course reports",
    "completions.CourseCompletion": "personal: course completion",
    "progress.ReminderSent": "personal: reminders sent",
    "evaluation.Response": "personal: answers to the tests",
    "evaluation.Answer": "personal: answers to the tests",
    "certificates.Certificate": "personal: certificates issued",
    "certificates.ProgressRecord": "personal: each participant's standing with the rule",
    "groupwork.GroupMember": "personal: who was in which group",
    "groupwork.AnswerVersion": "personal: what the groups wrote",
    "case_study.Assessment": "what the earlier edition's groups wrote",
    "case_study.AssessedFactor": "what the earlier edition's groups wrote",
    "reports.BalanceNarrative": "the earlier edition's balance",
    "privacy.RemovalRequest": "personal: requests of the earlier edition's people",
    "privacy.Retention": "how long the earlier edition's personal data is kept",
    "emails.OutgoingEmail": "personal: messages sent",
    "audit.AuditEvent": "the record of the earlier edition's decisions",
}


class NewEditionError(UserError):
    """A refusal: `message` says why, in the active language; `fields` names, for each
    problem, the field of the form it concerns."""

    def __init__(self, fields: dict[str, str]):
        super().__init__(next(iter(fields.values())), list(fields.values()))
        self.fields = fields


def moved(value, days: int, zone: zoneinfo.ZoneInfo):
    """`value` moved by `days` days of the calendar: a date by that many days, a moment to
    the same time of day in `zone` (the programme's) that many days later, whatever the
    clocks did in between; None stays None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        wall = value.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=days)
        return wall.replace(tzinfo=zone).astimezone(dt.UTC)
    return value + dt.timedelta(days=days)


def refusals(programme, *, slug: str, title_es: str, title_en: str, days) -> dict[str, str]:
    """What is wrong with the new edition's slug, titles and offset, by field; empty when
    nothing is. The page's form and the service ask the same."""
    problems = {}
    slug_field = Programme._meta.get_field("slug")
    if not slug:
        problems["slug"] = _(
            "Give the new edition's address: letters, digits and hyphens, e.g. crm-2022."
        )
    elif len(slug) > slug_field.max_length:
        problems["slug"] = _("The address can have at most %(limit)s characters.") % {
            "limit": slug_field.max_length
        }
    elif not _is_slug(slug):
        problems["slug"] = _(
            "“%(slug)s” cannot be an address: use only letters, digits, hyphens and "
            "underscores, e.g. crm-2022."
        ) % {"slug": slug}
    elif Programme.objects.filter(slug__iexact=slug).exists():
        problems["slug"] = _(
            "Another programme already has the address “%(slug)s”: choose another."
        ) % {"slug": slug}
    for name, title, what in (
        ("title_es", title_es, _("The title in Spanish")),
        ("title_en", title_en, _("The title in English")),
    ):
        limit = TextLimit(Programme._meta.get_field(name).max_length)
        if not title:
            problems[name] = _("%(what)s cannot be empty.") % {"what": what}
        elif refused := limit.refusal(title, what):
            problems[name] = refused
    if not isinstance(days, int) or isinstance(days, bool) or abs(days) > MAX_DAYS:
        problems["days"] = _(
            "Move the dates by a whole number of days, at most %(limit)s forward or back."
        ) % {"limit": MAX_DAYS}
    return problems


def _is_slug(value: str) -> bool:
    try:
        validate_slug(value)
    except ValidationError:
        return False
    return True


def new_edition(programme, *, slug: str, title_es: str, title_en: str, days: int, actor):
    """A new programme made from `programme`: its structure copied (see `PLANS`) with every
    date and time moved by `days` days in the programme's zone, the slug and titles given,
    unpublished, `actor` its manager; nothing of the earlier edition's people. One
    transaction, with its audit record. Raises `NewEditionError` (nothing saved)."""
    slug, title_es, title_en = slug.strip(), title_es.strip(), title_en.strip()
    if not is_manager(actor, programme):
        raise NewEditionError(
            {
                "": _("Only a manager of %(programme)s can make a new edition of it.")
                % {"programme": programme}
            }
        )
    problems = refusals(programme, slug=slug, title_es=title_es, title_en=title_en, days=days)
    if problems:
        raise NewEditionError(problems)
    copier = _Copier(days, programme.zone)
    try:
        with transaction.atomic():
            edition = copier.edition(programme, slug, title_es, title_en)
            membership = Membership.objects.create(programme=edition, user=actor, role=Role.MANAGER)
            audit_record(
                actor=actor,
                action=AuditEvent.Action.PROGRAMME_NEW_EDITION,
                subject=edition,
                programme=edition,
                person=membership.user,
                details={"new_edition_of": programme.slug, "days_moved": days},
            )
    except BaseException:
        # The database forgets the copy; the files copied for it are removed with it.
        copier.remove_files()
        raise
    return edition


class _Copier:
    """Copies records by their plans, moving dates by `days` in `zone`, keeping the files it
    made so that a failed copy can remove them."""

    def __init__(self, days: int, zone: zoneinfo.ZoneInfo):
        self.days = days
        self.zone = zone
        self.files: list[tuple[object, str]] = []

    def copy(self, source: models.Model, **given) -> models.Model:
        plan = PLANS[type(source)]
        if set(given) != set(plan.set):
            raise TypeError(f"{plan.model.__name__}: the copy sets {plan.set}, not {tuple(given)}")
        values = dict(given)
        many = []
        for name in plan.copied:
            model_field = plan.model._meta.get_field(name)
            if model_field.many_to_many:
                many.append(model_field)
            else:
                values[model_field.attname] = getattr(source, model_field.attname)
        for name in plan.moved:
            values[name] = moved(getattr(source, name), self.days, self.zone)
        copy = plan.model(**values)
        for name in plan.files:
            self._copy_file(getattr(source, name), getattr(copy, name))
        copy.save()
        for model_field in many:
            if model_field.remote_field.through._meta.auto_created:
                getattr(copy, model_field.name).set(getattr(source, model_field.name).all())
        return copy

    def _copy_file(self, original, new) -> None:
        if not original:
            return
        with original.open("rb") as content:
            new.save(posixpath.basename(original.name), File(content), save=False)
        self.files.append((new.storage, new.name))

    def remove_files(self) -> None:
        for storage, name in self.files:
            storage.delete(name)

    def edition(self, programme, slug: str, title_es: str, title_en: str) -> Programme:
        edition = self.copy(
            programme, slug=slug, title_es=title_es, title_en=title_en, is_published=False
        )
        for related in (
            programme.specific_objectives.all(),
            programme.structure.all(),
            programme.organisers.all(),
            programme.member_countries.all(),
            programme.profiles.all(),
            programme.courses.all(),
            Signatory.objects.filter(programme=programme),
        ):
            for source in related:
                self.copy(source, programme=edition)
        design = CertificateDesign.objects.filter(programme=programme).first()
        if design is not None:
            self.copy(design, programme=edition)
        people = {
            person.pk: self.copy(person, programme=edition) for person in programme.people.all()
        }
        self._sessions(programme, edition, people)
        self._tests(programme, edition)
        return edition

    def _sessions(self, programme, edition, people) -> None:
        for session in programme.sessions.order_by("number"):
            new_session = self.copy(session, programme=edition)
            for item in session.items.order_by("position").prefetch_related("participants"):
                new_item = self.copy(item, session=new_session)
                for part in item.participants.all():
                    self.copy(part, item=new_item, person=people[part.person_id])
            work = SessionWork.objects.filter(session=session).first()
            if work is not None:
                self._group_work(work, new_session)

    def _group_work(self, work, new_session) -> None:
        new_work = self.copy(work, session=new_session)
        case = SessionCase.objects.filter(session_work=work).first()
        if case is not None:
            self.copy(case, session_work=new_work)
        for group in work.groups.order_by("position", "pk"):
            new_group = self.copy(group, session_work=new_work)
            for question in group.questions.order_by("position", "pk"):
                self.copy(question, group=new_group)

    def _tests(self, programme, edition) -> None:
        for questionnaire in Questionnaire.objects.filter(programme=programme):
            new_questionnaire = self.copy(questionnaire, programme=edition)
            for section in questionnaire.sections.order_by("position"):
                new_section = self.copy(section, questionnaire=new_questionnaire)
                for question in section.questions.order_by("position"):
                    new_question = self.copy(question, section=new_section)
                    for choice in question.choices.all():
                        self.copy(choice, question=new_question)


# --- What the page offers before the manager changes anything --------------------------------

YEAR_RE = re.compile(r"(?<!\d)(19|20)(\d\d)(?!\d)")


def next_year(text: str) -> str:
    """`text` with each year in it one later: "CRM 2021" → "CRM 2022"."""
    return YEAR_RE.sub(lambda match: str(int(match[0]) + 1), text)


def suggestion(programme) -> dict:
    """What the form starts with: the slug and titles with their year one later (a slug
    without a year numbered), the dates a year later on the same weekdays."""
    base = next_year(programme.slug)
    candidates = [base] if base != programme.slug else []
    candidates += [f"{base}-{number}" for number in range(2, 100)]
    taken = {
        slug.lower()
        for slug in Programme.objects.filter(slug__istartswith=base).values_list("slug", flat=True)
    }
    return {
        "slug": next((slug for slug in candidates if slug.lower() not in taken), ""),
        "title_es": next_year(programme.title_es),
        "title_en": next_year(programme.title_en),
        "days": SUGGESTED_DAYS,
    }


@dataclass
class MovedSession:
    session: VirtualSession
    starts_at: dt.datetime
    ends_at: dt.datetime


def moved_sessions(programme, days: int) -> list[MovedSession]:
    """The first and the last session (one when there is one), with their moved times."""
    sessions = list(programme.sessions.order_by("starts_at", "number"))
    chosen = sessions[:1] + sessions[1:][-1:]
    zone = programme.zone
    return [
        MovedSession(s, moved(s.starts_at, days, zone), moved(s.ends_at, days, zone))
        for s in chosen
    ]
