"""Audit events ready to show: each with the person it concerns, as its record names them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.utils.translation import gettext as _

from capacita.audit.models import AuditEvent

from .details import DetailReader


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


def concerned(event: AuditEvent) -> Concerned | None:
    """Whom `event` concerns, as its record names them: the account as it is now (so an
    anonymised account shows anonymised), else the name and address recorded with it."""
    person = event.person
    if person is not None:
        return Concerned(person.get_full_name() or person.email, person.email)
    if event.person_name or event.person_email:
        return Concerned(event.person_name or event.person_email, event.person_email)
    return None


def record_type_label(subject_type: str) -> str:
    try:
        model = apps.get_model(subject_type)
    except (LookupError, ValueError):
        return subject_type
    return str(model._meta.verbose_name)


def audit_rows(events, *, programme=None, zone=None) -> list[AuditRow]:
    """`events` (a page of them) with their persons and their details in the reader's
    language, moments in `zone` (see `details`)."""
    events = list(events)
    reader = DetailReader(events, programme=programme, zone=zone)
    return [
        AuditRow(
            event=event,
            concerned=concerned(event),
            record_type=record_type_label(event.subject_type),
            details=reader.lines(event),
        )
        for event in events
    ]
