"""Audit events ready to show: each with the person it concerns, found without a query per row."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from capacita.nominations.models import Nomination

from .models import AuditEvent


@dataclass
class Concerned:
    """The person a record is about, as far as it can still be found."""

    name: str
    email: str = ""

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.email else self.name


@dataclass
class AuditRow:
    event: AuditEvent
    concerned: Concerned | None
    record_type: str
    details: list[tuple[str, str]] = field(default_factory=list)  # (label, value), readable

    @property
    def who(self) -> str:
        actor = self.event.actor
        if actor is None:
            return _("the system")
        return actor.get_full_name() or actor.email

    @property
    def subject(self) -> str:
        """The person concerned, else the kind of record and its number."""
        if self.concerned:
            return self.concerned.name
        return f"{self.record_type} #{self.event.subject_id}"

    @property
    def details_text(self) -> str:
        """The details in one line: "label: value; label: value"."""
        return "; ".join(f"{label}: {value}" for label, value in self.details)


def _keyed(queryset, ids):
    """`queryset` narrowed to the records whose key is in `ids`: a list of keys, or a query of
    `subject_id` texts (then compared as text, so that one query serves any number)."""
    if isinstance(ids, QuerySet):
        return queryset.annotate(key_text=Cast("pk", CharField())).filter(key_text__in=ids)
    return queryset.filter(pk__in=ids)


def _users_of(model, path: str = "user"):
    """How to fetch a record type's people: select the user along with the record."""

    def fetch(ids):
        records = _keyed(model.objects.all(), ids).select_related(path)
        return {str(record.pk): _person(getattr(record, path)) for record in records}

    return fetch


def _person(user) -> Concerned | None:
    if user is None:
        return None
    return Concerned(user.get_full_name() or user.email, user.email)


def _nominees(ids):
    # The nominee as nominated: the name the country sent, with or without an account.
    records = _keyed(Nomination.objects.all(), ids).only("pk", "first_name", "last_name", "email")
    return {str(record.pk): Concerned(record.full_name, record.email) for record in records}


def _accounts(ids):
    User = get_user_model()
    return {str(user.pk): _person(user) for user in _keyed(User.objects.all(), ids)}


def _resolver(subject_type: str):
    """How to find, in one query for a page's worth, whom records of a type concern.

    A nomination names its nominee; an account is the person; any other record with a
    `user` (attendance record, course completion, certificate, response, membership,
    removal request) concerns that user. Other types concern no one person."""
    User = get_user_model()
    try:
        model = apps.get_model(subject_type)
    except (LookupError, ValueError):
        return None
    if model is Nomination:
        return _nominees
    if model is User:
        return _accounts
    try:
        field = model._meta.get_field("user")
    except FieldDoesNotExist:
        return None
    if field.is_relation and field.related_model is User:
        return _users_of(model)
    return None


def _integer_ids(ids) -> list[int]:
    # `subject_id` is text; a record type with another kind of key never resolves.
    return [int(value) for value in ids if str(value).isdigit()]


def record_type_label(subject_type: str) -> str:
    try:
        model = apps.get_model(subject_type)
    except (LookupError, ValueError):
        return subject_type
    return str(model._meta.verbose_name)


def audit_rows(events, *, programme=None, zone=None) -> list[AuditRow]:
    """`events` (a page of them) with their persons (one query per record type present) and
    their details in the reader's language, moments in `zone` (see `details`)."""
    from .details import DetailReader

    events = list(events)
    reader = DetailReader(events, programme=programme, zone=zone)
    wanted: dict[str, set] = {}
    for event in events:
        wanted.setdefault(event.subject_type, set()).add(event.subject_id)
    found: dict[str, dict] = {}
    for subject_type, ids in wanted.items():
        fetch = _resolver(subject_type)
        ids = _integer_ids(ids)
        found[subject_type] = fetch(ids) if fetch and ids else {}
    return [
        AuditRow(
            event=event,
            concerned=found[event.subject_type].get(event.subject_id),
            record_type=record_type_label(event.subject_type),
            details=reader.lines(event),
        )
        for event in events
    ]


def persons_concerned(events) -> dict[tuple[str, str], Concerned]:
    """Whom each of `events` (a query, of any size) concerns, by (record type, record): one
    query per record type present, however many events."""
    found = {}
    for subject_type in events.order_by().values_list("subject_type", flat=True).distinct():
        fetch = _resolver(subject_type)
        if fetch is None:
            continue
        ids = events.filter(subject_type=subject_type).order_by().values("subject_id")
        for subject_id, person in fetch(ids).items():
            found[(subject_type, subject_id)] = person
    return found
