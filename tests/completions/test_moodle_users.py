"""The accepted participants as the CSV of Moodle's "Upload users" tool: the page, the command
`capacita export_moodle_users <programme> [-o <file>]` and the file itself."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from capacita.completions.moodle import moodle_users_csv
from capacita.completions.selectors import participants
from capacita.programmes.models import Country, Membership, Role
from capacita.shared.sheets import csv_text as without_formula

User = get_user_model()
URL = "/en/programmes/crm-2021/courses/moodle-users.csv"
COURSES = ["corporate-responsibility", "migration-trends", "vulnerable-migrants"]
HEADER = "username,firstname,lastname,email,course1,course2,course3"


def rows_of(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def add_participant(programme, email, first_name, last_name, country="MX"):
    user = User.objects.create_user(email, None, first_name=first_name, last_name=last_name)
    Membership.objects.create(
        programme=programme,
        user=user,
        role=Role.PARTICIPANT,
        country=Country.objects.get(code=country),
    )
    return user


def test_the_header_names_one_course_column_per_course(programme):
    content = moodle_users_csv(programme)

    assert content.decode("utf-8").split("\r\n", 1)[0] == HEADER
    assert not content.startswith(b"\xef\xbb\xbf")  # no BOM: Moodle reads the first header


def test_one_row_per_accepted_participant_with_every_course_short_name(programme):
    rows = rows_of(moodle_users_csv(programme))

    expected = set(participants(programme).values_list("email", flat=True))
    assert {row["email"] for row in rows} == expected
    assert len(rows) == len(expected) == 15  # 6 MX + 4 DO + 3 CR accepted, and two demo accounts
    for row in rows:
        assert [row["course1"], row["course2"], row["course3"]] == COURSES
        assert row["username"] == row["email"].lower()
    by_email = {row["email"]: row for row in rows}
    assert by_email["participant.do@example.org"]["firstname"] == "Demo"
    assert by_email["participant.do@example.org"]["lastname"] == "Participant DO"


def test_only_participants_nobody_else(programme, users):
    emails = {row["email"] for row in rows_of(moodle_users_csv(programme))}

    for role in ("manager", "focal_point", "facilitator", "observer", "outsider"):
        assert users[role].email not in emails
    # Nominees not (or not yet) accepted are not participants.
    assert "nominee.gt.01@example.org" not in emails


def test_sorted_by_last_name(programme):
    add_participant(programme, "zz@example.org", "Zoe", "Álvarez")
    add_participant(programme, "aa@example.org", "Abel", "Zúñiga")

    rows = rows_of(moodle_users_csv(programme))

    last_names = [row["lastname"] for row in rows]
    assert last_names[0] == "Álvarez"  # accents do not send a name to the end
    assert last_names[-1] == "Zúñiga"


def test_usernames_are_the_email_in_lower_case(programme):
    user = add_participant(programme, "ana@example.org", "Ana", "Prueba")
    User.objects.filter(pk=user.pk).update(email="Ana.Prueba@Example.ORG")

    (row,) = [r for r in rows_of(moodle_users_csv(programme)) if r["lastname"] == "Prueba"]

    assert row["username"] == "ana.prueba@example.org"
    assert row["email"] == "Ana.Prueba@Example.ORG"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)"])
def test_names_are_never_written_as_formulas(programme, name):
    add_participant(programme, "formula@example.org", name, name)

    (row,) = [
        r for r in rows_of(moodle_users_csv(programme)) if r["email"] == "formula@example.org"
    ]

    assert row["firstname"] == row["lastname"] == "'" + name


def test_ordinary_names_are_written_as_they_are():
    assert without_formula("Ana") == "Ana"
    assert without_formula("María-José") == "María-José"


def test_a_comma_in_a_name_stays_in_its_column(programme):
    add_participant(programme, "comma@example.org", 'Ana "la" María', "Prueba, Ejemplo")

    (row,) = [r for r in rows_of(moodle_users_csv(programme)) if r["email"] == "comma@example.org"]

    assert (row["firstname"], row["lastname"]) == ('Ana "la" María', "Prueba, Ejemplo")


def test_the_manager_downloads_it(client_as, programme):
    response = client_as("manager").get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="crm-2021-moodle-users.csv"' in response["Content-Disposition"]
    assert response.content == moodle_users_csv(programme)


def test_the_command_writes_the_same_to_a_file(programme, tmp_path):
    target = tmp_path / "users.csv"
    out = io.StringIO()

    call_command("export_moodle_users", "crm-2021", "-o", str(target), stdout=out)

    assert target.read_bytes() == moodle_users_csv(programme)
    assert out.getvalue().strip() == f"15 participants written to {target}."


def test_the_command_writes_to_standard_output_without_o(programme):
    out = io.StringIO()

    call_command("export_moodle_users", "crm-2021", stdout=out)

    assert out.getvalue().encode("utf-8") == moodle_users_csv(programme)


def test_the_command_refuses_an_unknown_programme(programme):
    with pytest.raises(CommandError, match="No programme “nope”") as error:
        call_command("export_moodle_users", "nope")
    assert error.value.returncode == 1
