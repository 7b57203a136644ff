"""`capacita import_nominations <programme> <file> --country <ISO> [--dry-run]`: the same
checks as the upload page, a line per refused row, exit 0 when saved, 1 when refused."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from capacita.nominations.models import Nomination
from capacita.programmes.models import Country

from .lists import HEADER_EN, HEADER_ES, csv_bytes, person, set_quota, snapshot, statuses, xlsx

SUMMARY = re.compile(
    r"^(?P<rows>\d+) rows?: (?P<new>\d+) new, (?P<reserve>\d+) to the reserve list, "
    r"(?P<unchanged>\d+) already on the list, (?P<refused>\d+) refused\. (?P<then>.*)$"
)


def summary(lines: list[str]) -> dict:
    """The counts of the summary line, and what it says happened ("then")."""
    match = SUMMARY.match(lines[-1])
    assert match, lines
    found = match.groupdict()
    return {key: value if key == "then" else int(value) for key, value in found.items()}


def run(*args) -> tuple[list[str], int]:
    """The command's output lines and its exit code."""
    out = io.StringIO()
    with translation.override("en"):
        try:
            call_command("import_nominations", *args, stdout=out)
        except SystemExit as exit_:
            code = exit_.code
        else:
            code = 0
    return out.getvalue().splitlines(), code


@pytest.fixture
def write(tmp_path):
    def write_file(name: str, content: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return write_file


def test_it_saves_a_clean_list_and_exits_0(programme, write):
    path = write("costa-rica.xlsx", xlsx(HEADER_ES, person(1), person(2)))

    lines, code = run("crm-2021", path, "--country", "CR")

    assert code == 0
    assert summary(lines) == {
        "rows": 2,
        "new": 2,
        "reserve": 0,
        "unchanged": 0,
        "refused": 0,
        "then": "Saved.",
    }
    assert statuses(programme, "CR") == {"accepted": 3, "submitted": 2}
    saved = Nomination.objects.get(email="persona.1.cr@example.org")
    assert saved.country.code == "CR"
    assert saved.submitted_by is None


def test_it_prints_each_refused_row_with_its_number_and_reasons_and_exits_1(programme, write):
    content = csv_bytes(
        HEADER_ES,
        person(1),
        person(2, email="correo.invalido"),
        person(3, institution="", profile="Astronauta"),
        person(4, email="NOMINEE.MX.02@example.org"),
        separator=";",
        encoding="cp1252",
    )
    before = snapshot(programme)

    lines, code = run("crm-2021", write("lista.csv", content), "--country", "cr")

    assert code == 1
    refused = [line for line in lines if line.startswith("row ")]
    assert refused[0] == "row 3: refused: “correo.invalido” is not a valid e-mail address"
    assert refused[1].startswith("row 4: refused: institution is missing; “Astronauta” is not")
    assert refused[2] == "row 5: refused: this e-mail is already nominated in this programme"
    assert len(refused) == 3
    assert summary(lines) == {
        "rows": 4,
        "new": 1,
        "reserve": 0,
        "unchanged": 0,
        "refused": 3,
        "then": "Nothing was saved.",
    }
    assert snapshot(programme) == before


def test_a_dry_run_saves_nothing_and_exits_0_when_the_list_would_be_saved(programme, write):
    before = snapshot(programme)
    lines, code = run(
        "crm-2021", write("cr.csv", csv_bytes(HEADER_ES, person(1))), "--country", "CR", "--dry-run"
    )
    assert code == 0
    assert summary(lines) == {
        "rows": 1,
        "new": 1,
        "reserve": 0,
        "unchanged": 0,
        "refused": 0,
        "then": "Dry run: nothing was saved.",
    }
    assert snapshot(programme) == before


def test_a_dry_run_of_a_list_with_a_refused_row_exits_1(programme, write):
    before = snapshot(programme)
    path = write("cr.csv", csv_bytes(HEADER_ES, person(1), person(2, email="")))
    lines, code = run("crm-2021", path, "--country", "CR", "--dry-run")
    assert code == 1
    assert "row 3: refused: e-mail is missing" in lines
    assert snapshot(programme) == before


def test_it_reports_the_rows_sent_to_the_reserve_list(programme, write):
    set_quota(programme, "PA", 1)
    path = write("pa.xlsx", xlsx(HEADER_EN, person(1, "pa"), person(2, "pa")))
    lines, code = run("crm-2021", path, "--country", "PA")
    assert code == 0
    assert (summary(lines)["new"], summary(lines)["reserve"]) == (1, 1)
    assert statuses(programme, "PA") == {"submitted": 1, "reserve": 1}


def test_the_same_file_twice_creates_nothing_new(programme, write):
    path = write("cr.xlsx", xlsx(HEADER_ES, person(1), person(2)))
    run("crm-2021", path, "--country", "CR")
    before = snapshot(programme)

    lines, code = run("crm-2021", path, "--country", "CR")

    assert code == 0
    assert summary(lines) == {
        "rows": 2,
        "new": 0,
        "reserve": 0,
        "unchanged": 2,
        "refused": 0,
        "then": "Saved.",
    }
    assert snapshot(programme) == before


def test_it_names_the_columns_it_does_not_use(programme, write):
    path = write("cr.xlsx", xlsx(["No.", *HEADER_ES[:5], "Observaciones"], [1, *person(1)[:5], ""]))
    lines, code = run("crm-2021", path, "--country", "CR", "--dry-run")
    assert code == 0
    assert "Columns not used: No., Observaciones" in lines


def test_rows_without_a_language_take_the_one_given(programme, write):
    path = write("cr.csv", csv_bytes(HEADER_ES[:5], person(1)[:5]))
    run("crm-2021", path, "--country", "CR", "--language", "en")
    assert Nomination.objects.get(email="persona.1.cr@example.org").language == "en"


def test_an_unknown_programme_is_a_command_error(programme, write):
    path = write("cr.csv", csv_bytes(HEADER_ES, person(1)))
    with pytest.raises(CommandError, match="no-such-programme"):
        run("no-such-programme", path, "--country", "CR")


def test_an_unknown_country_is_a_command_error(programme, write):
    path = write("cr.csv", csv_bytes(HEADER_ES, person(1)))
    with pytest.raises(CommandError, match="XX"):
        run("crm-2021", path, "--country", "XX")


def test_a_country_outside_the_programme_is_a_command_error(programme, write):
    Country.objects.create(
        code="AR", name_es="Argentina", name_en="Argentina", time_zone="America/Buenos_Aires"
    )
    before = snapshot(programme)
    path = write("ar.csv", csv_bytes(HEADER_ES, person(1, "ar")))
    with pytest.raises(CommandError, match="not a member country"):
        run("crm-2021", path, "--country", "AR")
    assert snapshot(programme) == before


@pytest.mark.parametrize(
    "content", [b"", b"\xd0\xcf\x11\xe0" + bytes(100), b"PK\x03\x04broken", b"Nombre\nAna\n"]
)
def test_a_file_that_is_not_a_list_is_a_command_error(programme, write, content):
    before = snapshot(programme)
    with pytest.raises(CommandError):
        run("crm-2021", write("lista.xlsx", content), "--country", "CR")
    assert snapshot(programme) == before


def test_a_missing_file_is_a_command_error(programme, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("crm-2021", str(tmp_path / "nowhere.xlsx"), "--country", "CR")
