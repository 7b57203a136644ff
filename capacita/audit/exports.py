"""The audit record as CSV or XLSX: the events the page's filters select, all of them."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from capacita.shared.sheets import csv_file, text_workbook

from .details import DetailReader
from .selectors import persons_concerned

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
    persons = persons_concerned(events)
    actors = {
        user.pk: user
        for user in get_user_model().objects.filter(
            pk__in=events.order_by().exclude(actor=None).values("actor_id")
        )
    }
    chunk = []
    for event in events.iterator(chunk_size=CHUNK):
        chunk.append(event)
        if len(chunk) == CHUNK:
            yield from _lines(programme, chunk, persons, actors)
            chunk = []
    yield from _lines(programme, chunk, persons, actors)


def _lines(programme, events, persons, actors):
    # The people, courses and countries the details name: read once for the chunk.
    reader = DetailReader(events, programme=programme)
    for event in events:
        concerned = persons.get((event.subject_type, event.subject_id))
        actor = actors.get(event.actor_id)
        yield [
            event.created_at.astimezone(dt.UTC).isoformat(),
            event.created_at.astimezone(programme.zone).isoformat(),
            (actor.get_full_name() or actor.email) if actor else _("the system"),
            event.action,
            event.get_action_display(),
            event.subject_type,
            event.subject_id,
            str(concerned) if concerned else "",
            event.reason,
            reader.text(event),
            json.dumps(event.details, ensure_ascii=False, sort_keys=True),
        ]


def audit_csv(programme, events) -> bytes:
    return csv_file(audit_header(programme), audit_lines(programme, events))


def audit_xlsx(programme, events) -> bytes:
    return text_workbook(_("Audit log"), audit_header(programme), audit_lines(programme, events))
