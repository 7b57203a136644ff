"""The board of participants × activities, its filters and its XLSX and CSV exports."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capacita.attendance.models import AttendanceRecord
from capacita.certificates.kept import refresh
from capacita.completions.models import CourseCompletion
from capacita.programmes.models import Country, Membership, Role

from .conftest import PROGRAMME, attend, complete, complete_everything, participant_ids
from .pages import attribute, find_all, text, tree

BOARD = f"{PROGRAMME}/board/"
XLSX = f"{PROGRAMME}/board.xlsx"
CSV = f"{PROGRAMME}/board.csv"


def page_rows(response) -> list[tuple]:
    """(name, country, each session's and course's state, complete?) per row of the page."""
    rows = []
    for row in find_all(tree(response), "tr"):
        if not (attribute(row, "id") or "").startswith("participant-"):
            continue
        [name] = find_all(row, "th")
        rows.append((text(name), *(text(cell) for cell in find_all(row, "td"))))
    return rows


def page_user_ids(response) -> set[int]:
    return {
        int(attribute(row, "id").removeprefix("participant-"))
        for row in find_all(tree(response), "tr")
        if (attribute(row, "id") or "").startswith("participant-")
    }


def as_page_row(line: list) -> tuple:
    first, last, _email, *states, _missing = line
    return (f"{first} {last}", *states)


def xlsx_lines(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[cell.value or "" for cell in row] for row in sheet.iter_rows()]


def csv_lines(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def mixed_progress(programme, users, participant_do):
    """participant.mx has everything; participant.do attended one session; nobody else has
    anything."""
    complete_everything(programme, users["participant"])
    attend(programme, participant_do, 1)
    complete(programme, participant_do, "corporate-responsibility", late=True)


def test_a_manager_sees_every_participant(client_as, programme):
    response = client_as("manager").get(BOARD)

    assert response.status_code == 200
    assert page_user_ids(response) == participant_ids(programme)
    assert len(participant_ids(programme)) == 15
    content = response.content.decode()
    assert "Demo Participant MX" in content
    assert "Demo Participant DO" in content
    assert "Carmen Ejemplo CR-01" in content


def test_the_focal_point_of_mexico_sees_only_mexican_participants(client_as, programme):
    response = client_as("focal_point").get(BOARD)

    assert response.status_code == 200
    assert page_user_ids(response) == participant_ids(programme, "MX")
    assert {row[1] for row in page_rows(response)} == {"Mexico"}
    content = response.content.decode()
    assert "Demo Participant MX" in content
    assert "Demo Participant DO" not in content
    assert "DO-01" not in content
    assert "CR-01" not in content


@pytest.mark.parametrize("country", ["DO", "do", "CR", "GT"])
def test_the_focal_point_of_mexico_gets_403_for_another_country(client_as, programme, country):
    client = client_as("focal_point")

    for path in (BOARD, XLSX, CSV):
        response = client.get(path, {"country": country})
        assert response.status_code == 403, path
        assert b"Demo Participant DO" not in response.content


def test_the_focal_point_of_mexico_may_filter_on_mexico(client_as, programme):
    response = client_as("focal_point").get(BOARD, {"country": "MX"})

    assert response.status_code == 200
    assert page_user_ids(response) == participant_ids(programme, "MX")


def test_a_manager_filters_by_country(client_as, programme):
    response = client_as("manager").get(BOARD, {"country": "DO"})

    assert page_user_ids(response) == participant_ids(programme, "DO")


@pytest.mark.usefixtures("mixed_progress")
def test_the_board_filters_by_status(client_as, users, participant_do, programme):
    client = client_as("manager")

    complete = client.get(BOARD, {"status": "complete"})
    incomplete = client.get(BOARD, {"status": "incomplete"})
    everyone = client.get(BOARD, {"status": "whatever"})

    assert page_user_ids(complete) == {users["participant"].pk}
    assert page_user_ids(incomplete) == participant_ids(programme) - {users["participant"].pk}
    assert page_user_ids(everyone) == participant_ids(programme)
    [row] = page_rows(complete)
    assert row == (
        "Demo Participant MX",
        "Mexico",
        "attended",
        "attended",
        "attended",
        "completed",
        "completed",
        "not completed",
        "yes",
    )
    do_row = next(row for row in page_rows(incomplete) if row[0] == "Demo Participant DO")
    assert do_row[1:] == (
        "Dominican Republic",
        "attended",
        "not yet recorded",
        "not yet recorded",
        "completed after the deadline",
        "not completed",
        "not completed",
        "no",
    )


@pytest.mark.usefixtures("mixed_progress")
def test_the_focal_point_filters_by_status_within_their_country(client_as, users, programme):
    response = client_as("focal_point").get(BOARD, {"status": "incomplete"})

    assert page_user_ids(response) == participant_ids(programme, "MX") - {users["participant"].pk}


def test_an_unknown_export_format_is_404(client_as, programme):
    assert client_as("manager").get(f"{PROGRAMME}/board.pdf").status_code == 404


@pytest.mark.usefixtures("mixed_progress")
@pytest.mark.parametrize(
    ("role", "query"),
    [
        ("manager", {}),
        ("manager", {"country": "MX", "status": "incomplete"}),
        ("manager", {"status": "complete"}),
        ("focal_point", {}),
    ],
)
def test_the_xlsx_export_has_the_same_rows_as_the_page(client_as, programme, role, query):
    client = client_as(role)
    page = client.get(BOARD, query)

    response = client.get(XLSX, query)

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="crm-2021-board.xlsx"' in response["Content-Disposition"]
    header, *lines = xlsx_lines(response)
    assert header[:4] == ["First name(s)", "Surname(s)", "E-mail", "Country"]
    assert header[-2:] == ["All requirements met", "Missing"]
    assert [as_page_row(line) for line in lines] == page_rows(page)
    assert page_rows(page)


@pytest.mark.usefixtures("mixed_progress")
@pytest.mark.parametrize(
    ("role", "query"),
    [
        ("manager", {}),
        ("manager", {"country": "DO", "status": "incomplete"}),
        ("focal_point", {"status": "complete"}),
    ],
)
def test_the_csv_export_has_the_same_rows_as_the_page(client_as, programme, role, query):
    client = client_as(role)
    page = client.get(BOARD, query)

    response = client.get(CSV, query)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    header, *lines = csv_lines(response)
    assert header[:4] == ["First name(s)", "Surname(s)", "E-mail", "Country"]
    assert [as_page_row(line) for line in lines] == page_rows(page)
    assert page_rows(page)


@pytest.mark.usefixtures("mixed_progress")
def test_the_exports_carry_each_participants_email_and_what_is_missing(
    client_as, participant_do, programme
):
    client = client_as("manager")
    query = {"country": "DO"}

    for lines in (xlsx_lines(client.get(XLSX, query))[1:], csv_lines(client.get(CSV, query))[1:]):
        [line] = [line for line in lines if line[2] == participant_do.email]
        # Completed after its deadline: the programme does not let late completions count.
        assert line[-1] == (
            "attend virtual session 2 (not yet recorded); "
            "attend virtual session 3 (not yet recorded); "
            "complete the course “Course on Corporate Responsibility and Labour Migration” by its "
            "deadline (completed after the deadline); "
            "complete the course “Course on Migration Trends in Latin America and the Caribbean” "
            "by its deadline (not completed)"
        )
        assert {line[2] for line in lines} == set(
            get_user_model()
            .objects.filter(pk__in=participant_ids(programme, "DO"))
            .values_list("email", flat=True)
        )


@pytest.fixture
def formula_names(users):
    participant = users["participant"]
    participant.first_name = '=HYPERLINK("http://evil.example","click")'
    participant.last_name = "@SUM(1+1)"
    participant.save()
    return participant


def test_a_name_that_looks_like_a_formula_is_text_in_the_xlsx(client_as, formula_names):
    response = client_as("manager").get(XLSX, {"country": "MX"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    [row] = [row for row in sheet.iter_rows(min_row=2) if row[2].value == formula_names.email]
    assert row[0].data_type == "s"
    assert row[0].value == '=HYPERLINK("http://evil.example","click")'
    assert row[1].data_type == "s"
    assert row[1].value == "@SUM(1+1)"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        for name in sheets:
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_a_name_that_looks_like_a_formula_is_prefixed_in_the_csv(client_as, formula_names):
    response = client_as("manager").get(CSV, {"country": "MX"})

    [line] = [line for line in csv_lines(response)[1:] if line[2] == formula_names.email]
    assert line[0] == '\'=HYPERLINK("http://evil.example","click")'
    assert line[1] == "'@SUM(1+1)"
    # Ordinary cells are left alone.
    assert line[3] == "Mexico"


def add_participants(programme, count: int, start: int) -> None:
    """`count` more accepted participants in Mexico and Costa Rica, with some progress."""
    User = get_user_model()
    countries = [Country.objects.get(code="MX"), Country.objects.get(code="CR")]
    people = User.objects.bulk_create(
        User(
            email=f"generated.{start + i:04d}@example.org",
            first_name="Generada",
            last_name=f"Persona {start + i:04d}",
            country=countries[i % 2],
            password="!",
        )
        for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(programme=programme, user=user, role=Role.PARTICIPANT, country=user.country)
        for user in people
    )
    session = programme.sessions.get(number=1)
    course = programme.courses.get(code="corporate-responsibility")
    AttendanceRecord.objects.bulk_create(
        AttendanceRecord(session=session, user=user, status="present", imported_minutes=100)
        for user in people
    )
    CourseCompletion.objects.bulk_create(
        CourseCompletion(course=course, user=user, completed=True, source="hand")
        for user in people[::2]
    )
    refresh(programme)


def queries_for(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("manager", BOARD),
        ("focal_point", BOARD),
        ("manager", XLSX),
        ("manager", CSV),
        ("manager", f"{BOARD}?status=incomplete&country=CR"),
    ],
)
def test_the_board_takes_as_many_queries_for_200_participants_as_for_20(
    client_as, programme, role, path
):
    client = client_as(role)
    add_participants(programme, 20 - len(participant_ids(programme)), start=0)
    assert len(participant_ids(programme)) == 20
    client.get(path)  # anything cached once per process is cached now
    with_20 = queries_for(client, path)

    add_participants(programme, 180, start=100)
    assert len(participant_ids(programme)) == 200
    with_200 = queries_for(client, path)

    assert with_200 == with_20, (with_20, with_200)
    if path == BOARD and role == "manager":
        # A hundred to a page; the pages hold everyone once, and say how many in all.
        first, second = client.get(path), client.get(path, {"page": 2})
        assert len(page_user_ids(first)) == len(page_user_ids(second)) == 100
        assert page_user_ids(first) | page_user_ids(second) == participant_ids(programme)
        assert "200 participants" in first.content.decode()
        assert 'rel="next"' in first.content.decode()
        assert 'rel="prev"' in second.content.decode()


def test_a_name_with_a_control_character_does_not_break_the_xlsx(client_as, users):
    participant = users["participant"]
    participant.first_name = "Ana\x0bMaría"
    participant.save()
    client = client_as("manager")
    client.raise_request_exception = False

    response = client.get(XLSX, {"country": "MX"})

    assert response.status_code == 200
    [line] = [line for line in xlsx_lines(response)[1:] if line[2] == participant.email]
    assert line[0].startswith("Ana") and line[0].endswith("María")


def test_the_courses_are_headed_by_their_titles_in_the_reader_s_language(client_as, programme):
    client = client_as("manager")
    titles = list(programme.courses.values_list("title_es", flat=True))
    spanish = PROGRAMME.replace("/en/", "/es/")

    page = client.get(f"{spanish}/board/")

    headings = [
        text(cell) for cell in find_all(tree(page), "th") if attribute(cell, "scope") == "col"
    ]
    assert headings[2 + programme.sessions.count() : -1] == titles
    content = page.content.decode()
    for code in programme.courses.values_list("code", flat=True):
        assert code not in " ".join(headings)
        assert f">{code}<" not in content
    for lines in (
        xlsx_lines(client.get(f"{spanish}/board.xlsx")),
        csv_lines(client.get(f"{spanish}/board.csv")),
    ):
        header = lines[0]
        assert header[4 + programme.sessions.count() : -2] == titles
    # In English, the English titles.
    english = csv_lines(client.get(CSV))[0]
    assert "Course on Corporate Responsibility and Labour Migration" in english
