"""The audit record as CSV or XLSX: the events the page's filters select, all of them."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from capacita.audit.models import AuditEvent
from capacita.shared.sheets import csv_file, text_workbook

from .details import DetailReader
from .selectors import concerned

# Events are read a few thousand at a time; the persons they concern all at once, by record
# type: the number of queries does not grow with the events.
CHUNK = 2_000


def audit_header(programme) -> list[str]:
    return [
        _("When (UTC)"),
        _("When (%(zone)s)") % {"zone": programme.zone.key},
        _("Who"),
        _("Action code"),
        _("Action"),
        _("Record type"),
        _("Record"),
        _("Person concerned"),
        _("Why"),
        _("Details"),
        _("Details as recorded"),
    ]


def audit_lines(programme, events):
    """One list of texts per event, newest first, as on the page."""
    # The people who took the decisions and those they concern: read once for the file.
    people = {
        user.pk: user
        for user in get_user_model().objects.filter(
            Q(pk__in=events.order_by().exclude(actor=None).values("actor_id"))
            | Q(pk__in=events.order_by().exclude(person=None).values("person_id"))
        )
    }
    chunk = []
    for event in events.iterator(chunk_size=CHUNK):
        chunk.append(event)
        if len(chunk) == CHUNK:
            yield from _lines(programme, chunk, people)
            chunk = []
    yield from _lines(programme, chunk, people)


def _action_names() -> dict[str, str]:
    """Each action's name in the active language, as `get_action_display` gives it: asked
    of every event, Django turns every choice's lazy name into text each time (4 s for
    10,000 events), so they are turned once for the file."""
    field = AuditEvent._meta.get_field("action")
    return {value: str(name) for value, name in field.flatchoices}


def _lines(programme, events, people):
    # The people, courses and countries the details name: read once for the chunk.
    reader = DetailReader(events, programme=programme)
    actions = _action_names()
    for event in events:
        # The event's accounts from those read once, instead of a query per event.
        event.person = people.get(event.person_id)
        concerned_person = concerned(event)
        actor = people.get(event.actor_id)
        yield [
            event.created_at.astimezone(dt.UTC).isoformat(),
            event.created_at.astimezone(programme.zone).isoformat(),
            (actor.get_full_name() or actor.email) if actor else _("the system"),
            event.action,
            actions.get(event.action, event.action),
            event.subject_type,
            event.subject_id,
            str(concerned_person) if concerned_person else "",
            event.reason,
            reader.text(event),
            json.dumps(event.details, ensure_ascii=False, sort_keys=True),
        ]


def audit_csv(programme, events) -> bytes:
    return csv_file(audit_header(programme), audit_lines(programme, events))


def audit_xlsx(programme, events) -> bytes:
    return text_workbook(_("Audit log"), audit_header(programme), audit_lines(programme, events))
