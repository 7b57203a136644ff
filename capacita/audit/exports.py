"""The audit record as CSV or XLSX: the events the page's filters select, all of them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from django.core.paginator import Paginator
from django.utils.translation import gettext as _

from capacita.progress.exports import safe_text, text_workbook

from .selectors import audit_rows

# Persons are resolved a chunk at a time: a bounded number of queries per chunk, and never
# more keys in one query than a database accepts.
CHUNK = 500


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
    ]


def audit_lines(programme, events):
    """One list of texts per event, newest first, as on the page."""
    chunks = Paginator(events, CHUNK)
    for number in chunks.page_range:
        page = chunks.page(number)
        for row in audit_rows(page.object_list):
            event = row.event
            yield [
                event.created_at.astimezone(dt.UTC).isoformat(),
                event.created_at.astimezone(programme.zone).isoformat(),
                row.who,
                event.action,
                event.get_action_display(),
                event.subject_type,
                event.subject_id,
                str(row.concerned) if row.concerned else "",
                event.reason,
                json.dumps(event.details, ensure_ascii=False, sort_keys=True),
            ]


def audit_csv(programme, events) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(audit_header(programme))
    for line in audit_lines(programme, events):
        writer.writerow([safe_text(value) for value in line])
    # A BOM lets spreadsheet programs read the accents right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def audit_xlsx(programme, events) -> bytes:
    return text_workbook(_("Audit log"), audit_header(programme), audit_lines(programme, events))
