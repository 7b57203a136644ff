"""The details of each recorded decision, in the reader's language: a label for every key a
service writes, values made readable (yes/no, people's names, course titles, moments in the
reader's zone), unknown keys in words; in the page and in its exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from capacita.audit.models import AuditEvent
from capacita.audit.services import audit_record
from capacita.certificates import services as certificates
from capacita.completions.services import mark_completion
from capacita.reports.audit_log.details import LABELS, DetailReader, label_of
from tests.factories import ProgrammeFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2] / "capacita"


def written_keys() -> set[str]:
    """Every key a service writes into an audit record's details (`details={…}`), nested
    ones included (a completion's record before and after the change)."""
    keys = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or path.parts[-2] == "audit":
            continue
        text = path.read_text(encoding="utf-8")
        if "audit_record(" not in text and "_snapshot" not in text:
            continue
        for block in re.findall(r"details\s*=\s*\{\n(.*?)\n\s*\},?\n", text, re.S):
            keys |= set(re.findall(r'"(\w+)":', block))
        for block in re.findall(r"details\s*=\s*\{([^\n]*)\}", text):
            keys |= set(re.findall(r'"(\w+)":', block))
        for block in re.findall(r"def _snapshot.*?return \{(.*?)\}", text, re.S):
            keys |= set(re.findall(r'"(\w+)":', block))
    return keys


def test_every_key_a_service_writes_has_a_label():
    keys = written_keys()
    # The search finds the services' details (a sample of what it must find).
    assert {"by_hand", "placed", "completed_at", "waiting_room_rows", "scope"} <= keys
    assert sorted(keys - set(LABELS)) == []


def test_every_label_has_spanish():
    with translation.override("en"):
        english = {key: str(label) for key, label in LABELS.items()}
    with translation.override("es"):
        spanish = {key: str(label) for key, label in LABELS.items()}
    assert [key for key in LABELS if english[key] == spanish[key]] == []


def test_an_unknown_key_is_shown_in_words():
    assert label_of("waiting_for_something") == "Waiting for something"


def page_details(client, programme) -> list[str]:
    response = client.get(reverse("audit:events", args=[programme.slug]))
    assert response.status_code == 200
    return [row.details_text for row in response.context["rows"]]


def test_the_spanish_page_shows_labels_and_readable_values(
    programme, users, participant, client_as
):
    manager = users["manager"]
    certificates.issue_by_hand(programme, participant, "Enfermedad", manager)
    audit_record(
        actor=None,
        action=AuditEvent.Action.GROUPS_ASSIGNED,
        subject=programme,
        programme=programme,
        details={"placed": 25, "unplaced": 0},
    )

    client = client_as("manager")
    response = client.get(reverse("audit:events", args=[programme.slug]).replace("/en/", "/es/"))

    html = response.content.decode()
    assert "by_hand" not in html and "placed: 25" not in html
    assert "Expedido a mano: Sí" in html
    assert "Personas ubicadas en un grupo: 25" in html


def test_people_courses_and_moments_are_named(programme, users, participant, client_as):
    course = programme.courses.get(code="migration-trends")
    mark_completion(
        course,
        participant,
        True,
        "Certificado del E-Campus",
        users["manager"],
        completed_at=dt.datetime(2021, 11, 3, 10, 22),
    )

    [details] = page_details(client_as("manager"), programme)

    assert "corporate" not in details and "migration-trends" not in details
    assert f"Person: {participant.get_full_name()}" in details
    assert f"Course: {course.title_en}" in details
    assert "Completed: Yes" in details
    # 10:22 in Mexico City, read in the manager's zone (the programme's).
    assert "Completed on: Wednesday 3 November 2021, 10:22" in details
    assert "After the deadline: No" in details
    assert "True" not in details and "False" not in details and "T16:22" not in details


def test_attendance_details_name_the_person_and_the_statuses(
    programme, users, participant, client_as
):
    from tests.progress.conftest import attend

    record = attend(programme, participant, 2)
    audit_record(
        actor=users["manager"],
        action=AuditEvent.Action.ATTENDANCE_CORRECTED,
        subject=record,
        programme=programme,
        reason="Conexión intermitente",
        details={
            "session": 2,
            "user": participant.email,
            "status": "present",
            "previous_status": "absent",
            "previous_reason": "",
            "imported_minutes": 20,
            "imported_status": "absent",
        },
    )

    [details] = page_details(client_as("manager"), programme)

    assert details == (
        f"Session: 2; Person: {participant.get_full_name()}; Status: present; "
        "Minutes in the reports: 20; Status from the reports: absent; "
        "Previous status: absent; Previous reason: —"
    )


def test_the_exports_carry_the_readable_details_and_the_recorded_ones(
    programme, users, participant, client_as
):
    certificates.issue_by_hand(programme, participant, "Enfermedad", users["manager"])

    response = client_as("manager").get(
        reverse("audit:export", args=[programme.slug, "csv"]).replace("/en/", "/es/")
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["Detalles"].startswith("Código del certificado: ")
    assert "Expedido a mano: Sí" in line["Detalles"]
    assert '"by_hand": true' in line["Detalles tal como se registraron"]


def test_the_reader_reads_the_people_once_for_any_number_of_events(
    db, django_assert_max_num_queries
):
    participant, *others = UserFactory.create_batch(3)
    events = [
        AuditEvent(
            action=AuditEvent.Action.GROUP_PLACED,
            details={"user": user.email, "group": "Group 1"},
        )
        for user in (participant, *others)
    ] * 50
    reader = DetailReader(events, programme=ProgrammeFactory())
    with django_assert_max_num_queries(1):
        texts = [reader.text(event) for event in events]
    assert texts[0] == f"Person: {participant.get_full_name()}; Group: Group 1"


@pytest.mark.parametrize(
    ("key", "value", "action", "expected"),
    [
        ("by_hand", False, "certificate.issue", "No"),
        ("over_quota", "True", "nomination.accepted", "Yes"),
        ("status", "reserve", "nomination.reserved", "reserve list"),
        ("status", "excused", "attendance.corrected", "excused"),
        ("kind", "post", "evaluation.submitted", "post-test"),
        ("role", "focal_point", "role.granted", "country focal point"),
        ("scope", "everything", "privacy.anonymised_person", "everywhere"),
        ("sessions", [1, 3], "attendance.unmatched", "1, 3"),
        ("time_zone", "America/Mexico_City", "attendance.imported", "Mexico City Time"),
        ("user", 999_999, "completion.marked", "account no. 999999"),
        ("before", None, "completion.marked", "—"),
        (
            "changed",
            {"first_name": ["Ana", "Ana María"], "gender": ["", "woman"]},
            "nomination.edited",
            "First name(s): Ana → Ana María, Sex/gender: — → Woman",
        ),
    ],
)
def test_values_are_made_readable(db, key, value, action, expected):
    programme = ProgrammeFactory()
    assert DetailReader([], programme=programme).value(key, value, action) == expected
