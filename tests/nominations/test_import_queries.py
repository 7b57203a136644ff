"""The import's queries do not grow with the list: a country of 10,000 nominees is checked and
saved in as many queries as one of ten, but for the INSERT batches the database's limit on
parameters imposes (bench/bench_nominations_import.py measures the time)."""

from __future__ import annotations

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capacita.audit.models import AuditEvent
from capacita.nominations.models import Nomination
from capacita.nominations.selectors import places_taken
from capacita.nominations.services import FormRow, import_nominations
from capacita.nominations.verdicts import RowVerdict

from .lists import country, set_quota


def rows(count: int, code: str) -> list[FormRow]:
    return [
        FormRow(
            {
                "first_name": "Persona",
                "last_name": f"Ficticia {n:05d}",
                "position": "Consejera de empleo",
                "institution": "Ministerio de Trabajo",
                "email": f"nominee.{n:05d}.{code.lower()}@example.org",
                "profile": "employment-counsellor" if n % 3 else "Otro: analista",
                "gender": ("Mujer", "Hombre", "")[n % 3],
                "language": ("es", "English", "")[n % 3],
            },
            number=n + 1,
        )
        for n in range(1, count + 1)
    ]


def free_places(programme, code: str, count: int) -> None:
    set_quota(programme, code, places_taken(programme, country(code)) + count)


def insert_batches(model, count: int) -> int:
    """The INSERTs bulk_create makes for `count` new objects of `model` on this database
    (SQLite allows 999 parameters a statement; PostgreSQL takes them all in one)."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    size = max(connection.ops.bulk_batch_size(fields, [None] * count), 1)
    return math.ceil(count / size)


def import_capturing(programme, code: str, count: int, actor):
    free_places(programme, code, count // 2)  # half submitted, half to the reserve list
    with CaptureQueriesContext(connection) as captured:
        result = import_nominations(programme, country(code), rows(count, code), actor=actor)
    assert result.saved
    assert len(result.created) == count
    statements = [query["sql"].lstrip().upper() for query in captured.captured_queries]
    inserts = {
        model: sum(
            1
            for sql in statements
            if sql.startswith(f'INSERT INTO "{model._meta.db_table}"'.upper())
        )
        for model in (Nomination, AuditEvent)
    }
    others = [sql for sql in statements if not sql.startswith("INSERT")]
    return inserts, others


def test_the_import_makes_as_many_queries_for_100_rows_as_for_10(programme, users):
    small_inserts, small_others = import_capturing(programme, "CR", 10, users["manager"])
    large_inserts, large_others = import_capturing(programme, "GT", 100, users["manager"])

    assert len(large_others) == len(small_others)
    for count, inserts in ((10, small_inserts), (100, large_inserts)):
        # The audit records are made by the database from the nominations, in one INSERT.
        assert inserts == {Nomination: insert_batches(Nomination, count), AuditEvent: 1}


@pytest.mark.parametrize("role", ["manager", None], ids=["from-the-upload", "from-the-command"])
def test_each_saved_nomination_has_its_audit_record(programme, users, role):
    actor = users[role] if role else None
    free_places(programme, "CR", 2)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    result = import_nominations(programme, country("CR"), rows(4, "CR"), actor=actor)

    assert [verdict.outcome for verdict in result.verdicts] == [
        RowVerdict.NEW,
        RowVerdict.NEW,
        RowVerdict.RESERVE,
        RowVerdict.RESERVE,
    ]
    events = list(AuditEvent.objects.filter(id__gt=last).order_by("id"))
    assert [
        (event.action, event.actor, event.programme, event.subject_type, event.subject_id)
        for event in events
    ] == [
        (
            AuditEvent.Action.NOMINATION_SUBMITTED,
            actor,
            programme,
            "nominations.nomination",
            str(nomination.pk),
        )
        for nomination in result.created
    ]
    assert [(event.reason, event.details) for event in events] == [
        ("", {"status": "submitted", "via": "import"}),
        ("", {"status": "submitted", "via": "import"}),
        ("", {"status": "reserve", "via": "import"}),
        ("", {"status": "reserve", "via": "import"}),
    ]
    assert all(event.created_at for event in events)
