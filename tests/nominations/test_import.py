"""Importing a country's list from real XLSX and CSV files through `import_nominations`:
every row gets a verdict before anything is saved, quotas hold, nothing is half-saved and
the same file twice creates nothing new."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from capacita.audit.models import AuditEvent
from capacita.nominations.models import Nomination
from capacita.nominations.services import NominationError, import_nominations, nominate
from capacita.nominations.spreadsheets import read_nomination_sheet
from capacita.nominations.verdicts import RowVerdict

from .lists import (
    A_DATE,
    COUNSELLOR_ES,
    HEADER_EN,
    HEADER_ES,
    country,
    csv_bytes,
    import_file,
    outcomes,
    person,
    reasons_of,
    set_quota,
    snapshot,
    statuses,
    xlsx,
)

NEW, RESERVE, UNCHANGED, REFUSED = (
    RowVerdict.NEW,
    RowVerdict.RESERVE,
    RowVerdict.UNCHANGED,
    RowVerdict.REFUSED,
)


@pytest.fixture(autouse=True)
def in_english():
    # The reasons are compared with their English wording.
    with translation.override("en"):
        yield


def nominations_of(programme, code):
    return Nomination.objects.filter(programme=programme, country__code=code)


# --- real files ----------------------------------------------------------------------------


def test_it_imports_an_xlsx_list_with_a_date_numbers_and_empty_rows(programme, users):
    content = xlsx(
        ["Lista de Costa Rica"],
        [],
        ["No.", *HEADER_ES[:6], "Fecha de envío"],
        [
            1,
            "José Luis",
            "Ñúñez Peña",
            "Orientador laboral",
            "Ministerio de Trabajo y Seguridad Social",
            "jose.nunez@example.org",
            COUNSELLOR_ES,
            A_DATE,
        ],
        [None] * 8,
        [None, None, None, None, None, None, None, None],
        [
            2,
            "María José",
            "Ibáñez Güell",
            "Inspectora",
            "Instituto Nacional de Aprendizaje",
            "maria.ibanez@example.org",
            "labour-inspector",
            A_DATE,
        ],
    )
    sheet = read_nomination_sheet("lista.xlsx", content)
    assert sheet.ignored_columns == ["No.", "Fecha de envío"]

    result = import_nominations(programme, country("CR"), sheet.rows, actor=users["focal_point"])

    assert result.saved
    assert outcomes(result) == [(4, NEW), (7, NEW)]
    saved = {n.email: n for n in nominations_of(programme, "CR").filter(status="submitted")}
    jose, maria = saved["jose.nunez@example.org"], saved["maria.ibanez@example.org"]
    assert (jose.first_name, jose.last_name) == ("José Luis", "Ñúñez Peña")
    assert jose.institution == "Ministerio de Trabajo y Seguridad Social"
    assert jose.profile.code == "employment-counsellor"
    assert (maria.first_name, maria.last_name) == ("María José", "Ibáñez Güell")
    assert maria.profile.code == "labour-inspector"


CSV_FLAVOURS = [
    pytest.param("utf-8", ",", id="utf-8-comma"),
    pytest.param("utf-8", ";", id="utf-8-semicolon"),
    pytest.param("utf-8-sig", ",", id="utf-8-bom-comma"),
    pytest.param("utf-8-sig", ";", id="utf-8-bom-semicolon"),
    pytest.param("cp1252", ",", id="windows-1252-comma"),
    pytest.param("cp1252", ";", id="windows-1252-semicolon"),
]


@pytest.mark.parametrize(("encoding", "separator"), CSV_FLAVOURS)
def test_it_keeps_accents_and_enye_from_a_csv_list(programme, encoding, separator):
    content = csv_bytes(
        HEADER_ES[:5],
        [
            "Camila",
            "Peña Ibáñez",
            "Técnica de formación",
            "Instituto Nacional de Aprendizaje, INA",
            "camila.pena@example.org",
        ],
        [
            "Joaquín",
            "Núñez",
            "Consejero; enlace con empleadores",
            "Ministerio de Trabajo",
            "joaquin.nunez@example.org",
        ],
        separator=separator,
        encoding=encoding,
    )
    if encoding == "utf-8-sig":
        assert content.startswith(b"\xef\xbb\xbf")

    result = import_file(programme, country("CR"), content)

    assert result.saved, [v.reasons for v in result.verdicts]
    assert outcomes(result) == [(2, NEW), (3, NEW)]
    camila = Nomination.objects.get(programme=programme, email="camila.pena@example.org")
    assert (camila.first_name, camila.last_name) == ("Camila", "Peña Ibáñez")
    assert camila.position == "Técnica de formación"
    assert camila.institution == "Instituto Nacional de Aprendizaje, INA"
    joaquin = Nomination.objects.get(programme=programme, email="joaquin.nunez@example.org")
    assert (joaquin.first_name, joaquin.last_name) == ("Joaquín", "Núñez")
    assert joaquin.position == "Consejero; enlace con empleadores"


def test_it_reads_english_headers_and_the_optional_columns(programme):
    content = csv_bytes(
        HEADER_EN,
        person(
            1, first_name="Kendra", profile="Labour inspectors", gender="Female", language="English"
        ),
        person(2, profile="Personas inspectoras laborales", gender="Hombre", language="Español"),
    )
    result = import_file(programme, country("CR"), content)
    assert result.saved
    first, second = result.created
    assert (first.first_name, first.gender, first.language) == ("Kendra", "woman", "en")
    assert first.profile.code == "labour-inspector"
    assert (second.gender, second.language) == ("man", "es")
    assert second.profile.code == "labour-inspector"


def test_it_trims_the_spaces_around_every_value(programme):
    content = csv_bytes(
        HEADER_ES[:5],
        [
            "  Ana  María ",
            "  Pérez\u00a0",
            " Consejera de empleo ",
            "\tMinisterio de Trabajo ",
            "  ANA.PEREZ@Example.ORG  ",
        ],
    )
    result = import_file(programme, country("CR"), content)
    assert result.saved
    [ana] = result.created
    assert ana.first_name == "Ana María"
    assert ana.last_name == "Pérez"
    assert ana.position == "Consejera de empleo"
    assert ana.institution == "Ministerio de Trabajo"
    assert ana.email == "ana.perez@example.org"


# --- refusals, with their reasons ----------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "label"),
    [
        (0, "first name(s)"),
        (1, "surname(s)"),
        (2, "position"),
        (3, "institution"),
        (4, "e-mail"),
    ],
)
def test_it_refuses_a_row_with_a_missing_field_naming_the_field(programme, index, label):
    broken = person(2)
    broken[index] = "   "
    content = csv_bytes(HEADER_ES, person(1), broken)
    before = snapshot(programme)

    result = import_file(programme, country("CR"), content)

    assert not result.saved
    assert outcomes(result) == [(2, NEW), (3, REFUSED)]
    assert reasons_of(result, 3) == [f"{label} is missing"]
    assert snapshot(programme) == before


@pytest.mark.parametrize(
    "email", ["ana.example.org", "ana@", "ana@@example.org", "ana pérez@example.org", "@x.org"]
)
def test_it_refuses_an_invalid_email(programme, email):
    result = import_file(programme, country("CR"), csv_bytes(HEADER_ES, person(1, email=email)))
    assert not result.saved
    assert outcomes(result) == [(2, REFUSED)]
    assert reasons_of(result, 2) == [f"“{email.lower()}” is not a valid e-mail address"]


def test_it_refuses_an_email_twice_in_the_file_whatever_its_case(programme):
    content = csv_bytes(
        HEADER_ES,
        person(1, email="Ana.Perez@Example.org"),
        person(2),
        person(3, email="ana.perez@example.ORG"),
    )
    before = snapshot(programme)

    result = import_file(programme, country("CR"), content)

    assert outcomes(result) == [(2, REFUSED), (3, NEW), (4, REFUSED)]
    # Each names the other row.
    [reason_2] = reasons_of(result, 2)
    [reason_4] = reasons_of(result, 4)
    assert "same e-mail" in reason_2 and re.search(r"\b4\b", reason_2)
    assert "same e-mail" in reason_4 and re.search(r"\b2\b", reason_4)
    assert not result.saved
    assert snapshot(programme) == before


@pytest.mark.parametrize(
    "email",
    ["nominee.mx.01@example.org", "NOMINEE.MX.01@EXAMPLE.ORG", "Nominee.Gt.02@example.org"],
)
def test_it_refuses_an_email_already_nominated_in_the_programme_by_another_country(
    programme, email
):
    result = import_file(programme, country("CR"), csv_bytes(HEADER_ES, person(1, email=email)))
    assert outcomes(result) == [(2, REFUSED)]
    assert reasons_of(result, 2) == ["this e-mail is already nominated in this programme"]
    assert not result.saved
    assert nominations_of(programme, "CR").filter(email__iexact=email).count() == 0


def test_it_refuses_an_email_already_on_the_list_with_other_details(programme):
    existing = nominations_of(programme, "GT").first()
    row = person(1, "gt", email=existing.email.upper(), first_name="Otra persona")
    result = import_file(programme, country("GT"), csv_bytes(HEADER_ES, row))
    assert outcomes(result) == [(2, REFUSED)]
    assert reasons_of(result, 2) == ["this e-mail is already nominated in this programme"]
    existing.refresh_from_db()
    assert existing.first_name != "Otra persona"


def test_it_refuses_an_unknown_profile(programme):
    result = import_file(
        programme, country("CR"), csv_bytes(HEADER_ES, person(1, profile="Astronauta"))
    )
    assert outcomes(result) == [(2, REFUSED)]
    [reason] = reasons_of(result, 2)
    assert reason.startswith("“Astronauta” is not one of the programme's profiles")


def test_it_gives_every_reason_for_a_refused_row(programme):
    row = person(1, position="", email="no-es-un-correo", profile="Astronauta")
    result = import_file(programme, country("CR"), csv_bytes(HEADER_ES, row))
    reasons = reasons_of(result, 2)
    assert len(reasons) == 3
    assert "position is missing" in reasons
    assert "“no-es-un-correo” is not a valid e-mail address" in reasons
    assert any(reason.startswith("“Astronauta”") for reason in reasons)


def in_spanish(msgid: str) -> str:
    with translation.override("es"):
        return translation.gettext(msgid)


def test_the_reasons_are_in_the_uploaders_language(programme):
    content = csv_bytes(HEADER_ES, person(1, email=""))
    with translation.override("es"):
        result = import_file(programme, country("CR"), content)
    expected = in_spanish("%(field)s is missing") % {"field": in_spanish("e-mail")}
    assert reasons_of(result, 2) == [expected]
    assert expected != "e-mail is missing"


# --- profiles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "Personas inspectoras laborales",
        "personas INSPECTORAS laborales",
        "Labour inspectors",
        "labour-inspector",
        "  Labour   Inspectors ",
    ],
)
def test_it_finds_a_profile_by_its_name_in_spanish_or_english_or_its_code(programme, written):
    result = import_file(programme, country("CR"), csv_bytes(HEADER_ES, person(1, profile=written)))
    assert result.saved
    [nomination] = result.created
    assert nomination.profile.code == "labour-inspector"
    assert nomination.profile_other == ""


@pytest.mark.parametrize(
    ("written", "other"),
    [
        ("Otro: analista del mercado laboral", "analista del mercado laboral"),
        ("Other: labour market analyst", "labour market analyst"),
        ("Otra: orientadora vocacional", "orientadora vocacional"),
    ],
)
def test_it_keeps_another_profile_written_as_otro_or_other(programme, written, other):
    result = import_file(programme, country("CR"), csv_bytes(HEADER_ES, person(1, profile=written)))
    assert outcomes(result) == [(2, NEW)], reasons_of(result, 2)
    [nomination] = result.created
    assert nomination.profile is None
    assert nomination.profile_other == other


@pytest.mark.parametrize("written", ["Otro:", "Other", "Otra -"])
def test_it_refuses_otro_without_the_profile(programme, written):
    result = import_file(programme, country("CR"), csv_bytes(HEADER_ES, person(1, profile=written)))
    assert outcomes(result) == [(2, REFUSED)]
    [reason] = reasons_of(result, 2)
    assert reason.startswith(f"“{written}”")


# --- the quota and the reserve list --------------------------------------------------------


def test_it_sends_rows_over_the_quota_to_the_reserve_list(programme):
    # Costa Rica has 3 accepted for 10 places: 7 are free.
    assert statuses(programme, "CR") == {"accepted": 3}
    content = xlsx(HEADER_ES, *[person(n) for n in range(1, 10)])

    result = import_file(programme, country("CR"), content, filename="cr.xlsx")

    assert result.saved
    assert outcomes(result) == [(n + 1, NEW) for n in range(1, 8)] + [(9, RESERVE), (10, RESERVE)]
    assert statuses(programme, "CR") == {"accepted": 3, "submitted": 7, "reserve": 2}
    reserve = nominations_of(programme, "CR").filter(status="reserve")
    assert sorted(n.email for n in reserve) == [
        "persona.8.cr@example.org",
        "persona.9.cr@example.org",
    ]


def test_it_counts_the_quota_set_for_the_country(programme):
    set_quota(programme, "PA", 2)
    content = csv_bytes(HEADER_ES, *[person(n, "pa") for n in range(1, 4)], separator=";")
    result = import_file(programme, country("PA"), content)
    assert outcomes(result) == [(2, NEW), (3, NEW), (4, RESERVE)]
    assert statuses(programme, "PA") == {"submitted": 2, "reserve": 1}


def test_a_full_country_nominates_only_to_the_reserve_list(programme):
    # Mexico: 6 accepted and 4 submitted take its 10 places.
    assert statuses(programme, "MX") == {"accepted": 6, "submitted": 4, "reserve": 2}
    result = import_file(programme, country("MX"), csv_bytes(HEADER_ES, person(1, "mx")))
    assert outcomes(result) == [(2, RESERVE)]
    assert statuses(programme, "MX") == {"accepted": 6, "submitted": 4, "reserve": 3}


def test_a_single_nomination_over_the_quota_goes_to_the_reserve_list(programme, users):
    names = ["first_name", "last_name", "position", "institution", "email"]
    values = dict(zip(names, person(1, "mx")[:5], strict=True))
    nomination = nominate(programme, country("MX"), values, actor=users["focal_point"])
    assert nomination.status == Nomination.Status.RESERVE


# --- every row gets a verdict before anything is saved; all or nothing ----------------------


def test_every_row_gets_a_verdict_and_a_dry_run_saves_nothing(programme):
    set_quota(programme, "PA", 2)
    content = csv_bytes(
        HEADER_ES, *[person(n, "pa") for n in range(1, 4)], person(4, "pa", email="x")
    )
    before = snapshot(programme)

    result = import_file(programme, country("PA"), content, dry_run=True)

    assert outcomes(result) == [(2, NEW), (3, NEW), (4, RESERVE), (5, REFUSED)]
    assert not result.saved
    assert result.created == []
    assert snapshot(programme) == before


def test_it_saves_nothing_when_one_row_is_refused(programme):
    rows = [person(n) for n in range(1, 9)]
    rows[5][4] = "not-an-email"
    events_before = AuditEvent.objects.count()
    before = snapshot(programme)

    result = import_file(programme, country("CR"), xlsx(HEADER_ES, *rows), filename="cr.xlsx")

    assert not result.saved
    assert [outcome for _number, outcome in outcomes(result)].count(REFUSED) == 1
    assert [outcome for _number, outcome in outcomes(result)].count(NEW) == 7
    assert snapshot(programme) == before
    assert statuses(programme, "CR") == {"accepted": 3}
    assert AuditEvent.objects.count() == events_before


def test_a_saved_list_is_recorded_row_by_row(programme, users):
    result = import_file(
        programme, country("CR"), csv_bytes(HEADER_ES, person(1), person(2)), actor=users["manager"]
    )
    for nomination in result.created:
        assert nomination.submitted_by == users["manager"]
        [event] = AuditEvent.objects.filter(
            subject_type="nominations.nomination", subject_id=str(nomination.pk)
        )
        assert event.action == AuditEvent.Action.NOMINATION_SUBMITTED
        assert event.actor == users["manager"]
        assert event.details == {"status": "submitted", "via": "import"}


# --- the same file twice -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "filename"),
    [
        (lambda rows: xlsx(HEADER_ES, *rows), "cr.xlsx"),
        (lambda rows: csv_bytes(HEADER_ES, *rows, separator=";", encoding="cp1252"), "cr.csv"),
    ],
    ids=["xlsx", "csv"],
)
def test_the_same_file_twice_creates_nothing_new(programme, make, filename):
    set_quota(programme, "CR", 5)
    content = make([person(n, first_name=f"Íñigo {n}") for n in range(1, 5)])
    first = import_file(programme, country("CR"), content, filename=filename)
    assert first.saved
    assert [outcome for _n, outcome in outcomes(first)] == [NEW, NEW, RESERVE, RESERVE]
    before = snapshot(programme)
    events_before = AuditEvent.objects.count()

    second = import_file(programme, country("CR"), content, filename=filename)

    assert [outcome for _n, outcome in outcomes(second)] == [UNCHANGED] * 4
    assert second.created == []
    assert snapshot(programme) == before
    assert AuditEvent.objects.count() == events_before


def test_the_same_people_with_capitalised_emails_are_unchanged(programme):
    import_file(programme, country("CR"), csv_bytes(HEADER_ES, person(1), person(2)))
    again = csv_bytes(
        HEADER_ES,
        person(1, email="PERSONA.1.CR@EXAMPLE.ORG"),
        person(2, email=" Persona.2.cr@Example.org "),
    )
    result = import_file(programme, country("CR"), again)
    assert outcomes(result) == [(2, UNCHANGED), (3, UNCHANGED)]
    assert result.created == []


def test_the_same_file_after_the_secretariat_decided_changes_nothing(programme, users):
    from capacita.nominations.services import accept_nominations, reject_nominations

    content = csv_bytes(HEADER_ES, person(1), person(2))
    first = import_file(programme, country("CR"), content)
    accept_nominations([first.created[0]], actor=users["manager"])
    reject_nominations([first.created[1]], actor=users["manager"], reason="Perfil no adecuado")
    before = snapshot(programme)

    second = import_file(programme, country("CR"), content)

    assert outcomes(second) == [(2, UNCHANGED), (3, UNCHANGED)]
    assert snapshot(programme) == before


def test_a_file_adding_people_to_one_already_saved_creates_only_the_new_ones(programme):
    import_file(programme, country("CR"), csv_bytes(HEADER_ES, person(1), person(2)))
    result = import_file(
        programme, country("CR"), csv_bytes(HEADER_ES, person(1), person(2), person(3))
    )
    assert outcomes(result) == [(2, UNCHANGED), (3, UNCHANGED), (4, NEW)]
    assert [n.email for n in result.created] == ["persona.3.cr@example.org"]
    assert statuses(programme, "CR") == {"accepted": 3, "submitted": 3}


def test_the_same_file_twice_from_the_other_interface_language_is_unchanged(programme):
    content = csv_bytes(HEADER_ES[:5], person(1)[:5], person(2)[:5])
    import_file(programme, country("CR"), content, default_language="es")
    result = import_file(programme, country("CR"), content, default_language="en")
    assert outcomes(result) == [(2, UNCHANGED), (3, UNCHANGED)]


def test_the_same_people_without_the_optional_columns_are_unchanged(programme):
    full = [
        person(n, profile="Labour inspectors", gender="Mujer", language="English") for n in (1, 2)
    ]
    import_file(programme, country("CR"), csv_bytes(HEADER_ES, *full))
    before = snapshot(programme)

    again = csv_bytes(HEADER_ES[:5], *[row[:5] for row in full])
    result = import_file(programme, country("CR"), again, default_language="es")

    assert outcomes(result) == [(2, UNCHANGED), (3, UNCHANGED)]
    assert snapshot(programme) == before
    saved = Nomination.objects.get(email="persona.1.cr@example.org")
    assert (saved.profile.code, saved.gender, saved.language) == ("labour-inspector", "woman", "en")


def test_import_refuses_a_country_that_is_not_a_member(programme):
    from capacita.programmes.models import Country

    argentina = Country.objects.create(
        code="AR", name_es="Argentina", name_en="Argentina", time_zone="America/Buenos_Aires"
    )
    with pytest.raises(NominationError):
        import_file(programme, argentina, csv_bytes(HEADER_ES, person(1, "ar")))
    assert not Nomination.objects.filter(country=argentina).exists()
