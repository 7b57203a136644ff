"""Property-based tests of every import: arbitrary bytes, and arbitrary rows of arbitrary
cells (formulas, unicode, empty, huge), never make a reader raise anything but its own
error, never make an upload page answer 500, and save nothing unless the whole file is
accepted."""

from __future__ import annotations

import csv
import io
import os
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capacita.attendance import zoom
from capacita.attendance.models import AttendanceRecord, MeetingReport
from capacita.completions import moodle
from capacita.completions.models import CompletionReport, CourseCompletion
from capacita.evaluation.models import Answer, Response
from capacita.evaluation.services import EvaluationError, import_responses, read_response_file
from capacita.nominations.models import Nomination, NominationUpload
from capacita.nominations.spreadsheets import SheetError, read_nomination_sheet

from .files import xlsx

pytestmark = pytest.mark.fuzz

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "=1+1",
            '=HYPERLINK("http://x")',
            "@SUM(A1)",
            "+1",
            "-1",
            "\x00",
            "é ñ 漢字 🙂",
            "ana@example.org",
            "10/26/2021 02:03:00 PM",
            "Completado",
            "Yes",
            "\ufeff",
            "x" * 5000,
        ]
    ),
)
HEADERS = {
    "nominations": ["First name", "Surname", "Position", "Institution", "Email", "Gender"],
    "zoom": ["Name (Original Name)", "User Email", "Join Time", "Leave Time", "In Waiting Room"],
    "completions": ["Email address", "Course complete", "Completion date"],
    "responses": ["email", "q1", "q2"],
}


def rows_of(name: str):
    header = st.one_of(st.just(HEADERS[name]), st.lists(cells, max_size=6))
    return st.tuples(header, st.lists(st.lists(cells, max_size=7), max_size=12))


def as_csv(header, rows, separator=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def as_xlsx(header, rows) -> bytes:
    clean = [[cell.replace("\x00", "") for cell in row] for row in [header, *rows]]
    try:
        return xlsx(*clean)
    except Exception:  # openpyxl refuses some control characters: those cells left empty
        return xlsx(*[[c if c.isprintable() else "" for c in row] for row in clean])


files = st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda b: b"PK\x03\x04" + b, st.binary(max_size=500)),
)


def contents(name: str):
    return st.one_of(
        files,
        rows_of(name).map(lambda table: as_csv(*table)),
        rows_of(name).map(lambda table: as_csv(*table, separator=";")),
        rows_of(name).map(lambda table: as_xlsx(*table)),
    )


def flash(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Readers -------------------------------------------------------------------------------


@FUZZ
@given(content=contents("nominations"))
def test_the_nominations_reader_raises_only_its_own_error(content):
    try:
        read_nomination_sheet("x", content)
    except SheetError as error:
        assert error.message


@FUZZ
@given(content=contents("zoom"))
def test_the_zoom_reader_raises_only_its_own_error(content):
    try:
        zoom.parse_report(content, zoneinfo.ZoneInfo("America/Mexico_City"))
    except zoom.ReportError as error:
        assert error.message


@FUZZ
@given(content=contents("completions"), order=st.sampled_from(["dmy", "mdy", "ymd"]))
def test_the_completions_reader_raises_only_its_own_error(content, order):
    try:
        moodle.read_completion_report(content, order)
    except moodle.ReportError as error:
        assert error.message


# --- Pages and services: 200 or a message, all or nothing ----------------------------------


def uploaded(name: str, content: bytes) -> SimpleUploadedFile:
    """The file as a browser's upload reaches the view: Django's request parser keeps only the
    last part of the name it is sent (and refuses, like the test client, a name with none)."""
    last = os.path.basename(name.replace("\\", "/"))
    return SimpleUploadedFile(last if last not in {"", ".", ".."} else "x", content)


@pytest.mark.django_db
@FUZZ
@given(content=contents("nominations"), name=st.text(max_size=30))
def test_the_nominations_upload_never_fails_and_saves_all_or_nothing(
    client_as, demo, content, name
):
    client = client_as("focal_point")
    before = Nomination.objects.count()
    uploads_before = NominationUpload.objects.count()
    response = client.post(
        "/en/programmes/crm-2021/nominations/mx/upload/",
        {"file": uploaded(name, content)},
    )
    assert response.status_code == 302
    if NominationUpload.objects.count() == uploads_before:
        return  # refused at the upload, with a message
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    confirmed = client.post(response["Location"])
    assert confirmed.status_code in (200, 302)
    stored = NominationUpload.objects.latest("pk")
    if stored.confirmed_at is None:
        assert Nomination.objects.count() == before


@pytest.mark.django_db
@FUZZ
@given(content=contents("zoom"), name=st.text(max_size=30))
def test_the_zoom_upload_never_fails_and_saves_all_or_nothing(client_as, demo, content, name):
    client = client_as("manager")
    before = (MeetingReport.objects.count(), AttendanceRecord.objects.count())
    response = client.post(
        "/en/programmes/crm-2021/sessions/1/attendance/upload/",
        {"file": uploaded(name, content), "time_zone": "America/Mexico_City"},
        follow=True,
    )
    assert response.status_code == 200
    messages = flash(response)
    assert messages
    if not any(
        message.startswith(("Report imported", "This report was already")) for message in messages
    ):
        assert (MeetingReport.objects.count(), AttendanceRecord.objects.count()) == before


@pytest.mark.django_db
@FUZZ
@given(content=contents("completions"), name=st.text(max_size=30))
def test_the_completions_upload_never_fails_and_saves_all_or_nothing(
    client_as, demo, content, name
):
    client = client_as("manager")
    before = (CompletionReport.objects.count(), CourseCompletion.objects.count())
    response = client.post(
        "/en/programmes/crm-2021/courses/migration-trends/upload/",
        {"file": uploaded(name, content), "date_order": "dmy"},
        follow=True,
    )
    assert response.status_code == 200
    messages = flash(response)
    assert messages
    if not any(
        message.startswith(("Report imported", "This report was already")) for message in messages
    ):
        assert (CompletionReport.objects.count(), CourseCompletion.objects.count()) == before


@pytest.mark.django_db
@FUZZ
@given(content=contents("responses"), kind=st.sampled_from(["pre", "post"]))
def test_the_responses_import_never_fails_and_saves_all_or_nothing(demo, users, content, kind):
    before = (Response.objects.count(), Answer.objects.count())
    try:
        columns, rows = read_response_file("x.xlsx", content)
        outcome = import_responses(demo, kind, rows, actor=None, columns=columns)
    except EvaluationError as error:
        assert error.message
        assert (Response.objects.count(), Answer.objects.count()) == before
        return
    if not outcome.ok:
        assert outcome.saved == 0
        assert (Response.objects.count(), Answer.objects.count()) == before
