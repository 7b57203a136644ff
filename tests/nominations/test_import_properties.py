"""Property-based: whatever a list holds, and whatever a file is, reading and importing it
raises nothing but SheetError or NominationError, and never leaves a partial save."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from capacita.audit.models import AuditEvent
from capacita.nominations.models import Nomination
from capacita.nominations.selectors import places_taken, quota_of
from capacita.nominations.services import NominationError, import_nominations
from capacita.nominations.spreadsheets import SheetError, read_nomination_sheet
from capacita.nominations.verdicts import RowVerdict

from .lists import COUNSELLOR_ES, HEADER_EN, HEADER_ES, country, csv_bytes, person, xlsx

pytestmark = pytest.mark.fuzz

FUZZ = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Values that make rows interesting: known and unknown profiles, choices, e-mails already
# nominated (in any case), e-mails repeated within the list, blanks and spaces.
EMAILS = st.one_of(
    st.builds(
        lambda n, shout: f"p{n}@example.org".upper() if shout else f"p{n}@example.org",
        st.integers(0, 25),
        st.booleans(),
    ),
    st.sampled_from(
        [
            "nominee.mx.01@example.org",
            "NOMINEE.GT.02@EXAMPLE.ORG",
            " nominee.cr.03@example.org ",
            "no-es-correo",
            "a@b",
            "",
        ]
    ),
    st.emails(),
)
PROFILES = st.sampled_from(
    [
        "",
        "labour-inspector",
        "Labour inspectors",
        COUNSELLOR_ES,
        "Otro: analista",
        "Other",
        "Astronauta",
    ]
)
CHOICES = st.sampled_from(["", "Mujer", "man", "X", "es", "English", "Klingon", "n/a"])
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
NAMES = st.one_of(TEXT, st.sampled_from(["Ana", "  José  Ñúñez ", "Peña", "Ibáñez", "", " "]))
CELL = st.one_of(TEXT, EMAILS, PROFILES, CHOICES, st.none(), st.integers(), st.floats())

STRUCTURED_ROW = st.tuples(NAMES, NAMES, NAMES, NAMES, EMAILS, PROFILES, CHOICES, CHOICES).map(list)
ARBITRARY_ROW = st.lists(CELL, max_size=10)
ROWS = st.lists(st.one_of(STRUCTURED_ROW, ARBITRARY_ROW), max_size=14)
HEADERS = st.sampled_from([HEADER_ES, HEADER_EN, ["No.", *HEADER_ES], HEADER_EN[:5]])
FORMATS = st.sampled_from(["xlsx", "utf-8", "utf-8-sig", "cp1252"])
COUNTRIES = st.sampled_from(["MX", "GT", "CR", "DO", "PA"])


def as_text(value) -> str:
    return "" if value is None else str(value)


def make_file(header, rows, file_format) -> tuple[str, bytes]:
    if file_format == "xlsx":
        # openpyxl cannot write control characters: a spreadsheet cannot hold them either.
        clean = [
            [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
            for row in rows
        ]
        return "lista.xlsx", xlsx(header, *clean)
    text_rows = [header, *[[as_text(value) for value in row] for row in rows]]
    output = io.StringIO(newline="")
    separator = ";" if file_format == "cp1252" else ","
    csv.writer(output, delimiter=separator, lineterminator="\r\n").writerows(text_rows)
    return "lista.csv", output.getvalue().encode(file_format, errors="replace")


def check_import(programme, code, filename, content, actor, dry_run=False):
    """Read and import inside a savepoint rolled back afterwards, checking that nothing but
    SheetError/NominationError escapes and that the save is all or nothing."""
    member_country = country(code)
    with transaction.atomic():
        nominations_before = Nomination.objects.count()
        events_before = AuditEvent.objects.count()
        taken_before = places_taken(programme, member_country)
        emails_before = set(Nomination.objects.values_list("email", flat=True))
        try:
            sheet = read_nomination_sheet(filename, content)
            result = import_nominations(
                programme, member_country, sheet.rows, actor=actor, dry_run=dry_run
            )
        except (SheetError, NominationError) as error:
            event(f"raised {type(error).__name__}")
            assert error.message
            assert Nomination.objects.count() == nominations_before
            assert AuditEvent.objects.count() == events_before
        else:
            assert len(result.verdicts) == len(sheet.rows)
            for verdict in result.verdicts:
                assert verdict.outcome in (
                    RowVerdict.NEW,
                    RowVerdict.RESERVE,
                    RowVerdict.UNCHANGED,
                    RowVerdict.REFUSED,
                )
                assert bool(verdict.reasons) == verdict.refused
            grown = Nomination.objects.count() - nominations_before
            event("saved" if result.saved else "refused or dry run")
            if result.saved:
                assert not result.refused and not dry_run
                new = result.count(RowVerdict.NEW)
                reserve = result.count(RowVerdict.RESERVE)
                assert grown == new + reserve == len(result.created)
                created = set(Nomination.objects.values_list("email", flat=True)) - emails_before
                assert created == {
                    verdict.candidate.email
                    for verdict in result.verdicts
                    if verdict.outcome in (RowVerdict.NEW, RowVerdict.RESERVE)
                }
                assert places_taken(programme, member_country) == taken_before + new
                assert places_taken(programme, member_country) <= max(
                    quota_of(programme, member_country), taken_before
                )
                assert AuditEvent.objects.count() == events_before + grown
            else:
                assert result.refused or dry_run
                assert grown == 0
                assert AuditEvent.objects.count() == events_before
        transaction.set_rollback(True)


@pytest.fixture
def focal_point(users):
    return users["focal_point"]


@FUZZ
@given(header=HEADERS, rows=ROWS, file_format=FORMATS, code=COUNTRIES, dry_run=st.booleans())
def test_any_list_is_saved_whole_or_not_at_all(
    programme, focal_point, header, rows, file_format, code, dry_run
):
    filename, content = make_file(header, rows, file_format)
    check_import(programme, code, filename, content, focal_point, dry_run)


GOOD_NAMES = st.sampled_from(["Ana", "  José  Ñúñez ", "Peña", "Ibáñez", "O'Brien", "Zoë"])
GOOD_ROW = st.tuples(
    GOOD_NAMES,
    GOOD_NAMES,
    GOOD_NAMES,
    GOOD_NAMES,
    st.builds(
        lambda n, shout: f" Q{n}@Example.org " if shout else f"q{n}@example.org",
        st.integers(0, 200),
        st.booleans(),
    ),
    st.sampled_from(["", "labour-inspector", "Labour inspectors", COUNSELLOR_ES]),
    st.sampled_from(["", "Mujer", "man", "n/a"]),
    st.sampled_from(["", "es", "English"]),
).map(list)


@FUZZ
@given(
    rows=st.tuples(
        st.lists(GOOD_ROW, min_size=1, max_size=14), st.lists(STRUCTURED_ROW, max_size=1)
    ).map(lambda parts: parts[0] + parts[1]),
    code=COUNTRIES,
    file_format=FORMATS,
)
def test_a_list_of_plausible_rows_is_saved_whole_or_not_at_all(
    programme, focal_point, rows, code, file_format
):
    filename, content = make_file(HEADER_ES, rows, file_format)
    check_import(programme, code, filename, content, focal_point)


VALID_XLSX = xlsx(HEADER_ES, person(1), person(2), person(3, email="P3@EXAMPLE.ORG"))
VALID_CSV = csv_bytes(HEADER_ES, person(1), person(2), separator=";")


@st.composite
def broken_files(draw) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["random", "truncated", "mutated", "text"]))
    if kind == "random":
        content = draw(st.binary(max_size=3000))
    elif kind == "text":
        content = draw(TEXT).encode(
            draw(st.sampled_from(["utf-8", "utf-16", "latin-1"])), "replace"
        )
        if draw(st.booleans()):
            content = VALID_CSV + content
    else:
        original = draw(st.sampled_from([VALID_XLSX, VALID_CSV]))
        if kind == "truncated":
            content = original[: draw(st.integers(0, len(original)))]
        else:
            mutable = bytearray(original)
            for _ in range(draw(st.integers(1, 12))):
                position = draw(st.integers(0, len(mutable) - 1))
                mutable[position] = draw(st.integers(0, 255))
            content = bytes(mutable)
    return draw(st.sampled_from(["lista.xlsx", "lista.csv", "lista"])), content


@FUZZ
@given(file=broken_files(), code=COUNTRIES)
def test_a_broken_file_raises_only_a_sheet_error_and_saves_nothing_partial(
    programme, focal_point, file, code
):
    filename, content = file
    check_import(programme, code, filename, content, focal_point)
