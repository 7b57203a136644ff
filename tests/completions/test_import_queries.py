"""An import reads the report's people once: each row changed costs its own writes (the
completion, its audit record), never a read of its person."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capacita.completions.services import import_completion_report

from .reports import HEADER_EN, report, row, some_participants

pytestmark = pytest.mark.usefixtures("english")


def queries_to_import(course, people, manager) -> int:
    content = report(
        HEADER_EN,
        *[
            row(number, person.get_full_name(), person.email, "03/11/21, 10:22")
            for number, person in enumerate(people, start=1)
        ],
    )
    with CaptureQueriesContext(connection) as captured:
        import_completion_report(course, f"{len(people)}.csv", content, "dmy", actor=manager)
    return len(captured)


def test_each_row_changed_costs_two_writes_and_no_read(course, users):
    people = some_participants(course.programme, 5)
    one = queries_to_import(course, people[:1], users["manager"])
    # Three more people: three completions written and three audit records, nothing else.
    four = queries_to_import(course, people[1:5], users["manager"])
    assert four - one == 2 * 3
