"""The programme file: reading, checking and loading it (docs/programme-file.md)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import zoneinfo

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation

from capacita.agenda.models import AgendaItem, AgendaParticipant, VirtualSession
from capacita.agenda.programme_file import (
    ProgrammeFileError,
    check_programme,
    load_programme,
    read_programme_file,
)
from capacita.development.demo import DEMO_PROGRAMME_FILE, demo_programme_data
from capacita.programmes.models import (
    Country,
    Course,
    MemberCountry,
    Organiser,
    Person,
    Profile,
    Programme,
    SpecificObjective,
    StructureRow,
)

MEXICO_CITY = zoneinfo.ZoneInfo("America/Mexico_City")
UTC = dt.UTC
MODELS = (
    Programme,
    Country,
    MemberCountry,
    Organiser,
    Profile,
    Person,
    Course,
    SpecificObjective,
    StructureRow,
    VirtualSession,
    AgendaItem,
    AgendaParticipant,
)


@pytest.fixture(autouse=True)
def _english():
    # The loader's messages are translatable; the tests read them in English.
    with translation.override("en"):
        yield


@pytest.fixture
def empty_db(db):
    """No programme at all (the shared demo is removed inside the rolled-back transaction)."""
    Programme.objects.all().delete()
    get_user_model().objects.all().delete()
    Country.objects.all().delete()


@pytest.fixture
def file_data():
    """The 2021 file as a dict, to modify and write back as a copy."""
    return yaml.safe_load(DEMO_PROGRAMME_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def write_copy(tmp_path):
    def write(data, name="programme.yaml"):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        return path

    return write


def snapshot():
    """Every row of every table a programme file touches."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


@pytest.fixture
def mistakes(programme, file_data, write_copy):
    """`mistakes(change)` loads a copy of the file changed by `change`; returns the errors.

    It also checks that nothing at all was saved by the failed load.
    """

    def load_with(change):
        data = copy.deepcopy(file_data)
        data["title"]["en"] = "A title that must not be saved"
        change(data)
        before = snapshot()
        with pytest.raises(ProgrammeFileError) as raised:
            load_programme(read_programme_file(write_copy(data)))
        assert snapshot() == before
        assert raised.value.errors
        assert str(raised.value) == "\n".join(raised.value.errors)
        return raised.value.errors

    return load_with


def item(programme, session_number, position):
    return AgendaItem.objects.get(
        session__programme=programme, session__number=session_number, position=position
    )


def parts(agenda_item, role):
    return [
        (part.person.name_es, part.to_be_confirmed)
        for part in agenda_item.participants.filter(role=role).order_by("position")
    ]


# --- the 2021 file ------------------------------------------------------------------------


def test_the_2021_file_loads_as_programme_crm_2021(programme):
    assert programme.slug == "crm-2021"
    assert programme.time_zone == "America/Mexico_City"
    assert programme.start_date == dt.date(2021, 10, 26)
    assert programme.end_date == dt.date(2021, 10, 29)
    assert programme.interpretation_languages == ["es", "en"]
    assert Programme.objects.count() == 1


def test_the_2021_programme_has_eleven_member_countries_with_quota_ten(programme):
    members = programme.member_countries.select_related("country")
    assert sorted(member.country.code for member in members) == sorted(
        ["BZ", "CA", "CR", "SV", "GT", "HN", "MX", "NI", "PA", "DO", "US"]
    )
    assert {member.quota for member in members} == {10}
    assert Country.objects.get(code="DO").time_zone == "America/Santo_Domingo"
    assert Country.objects.get(code="MX").name_es == "México"


def test_the_2021_programme_has_five_recommended_profiles(programme):
    assert list(programme.profiles.values_list("code", flat=True)) == [
        "employment-counsellor",
        "labour-inspector",
        "employer-liaison",
        "vocational-training",
        "qualifications-recognition",
    ]


def test_the_2021_programme_has_two_required_courses_and_one_optional(programme):
    courses = {course.code: course for course in programme.courses.all()}
    assert list(courses) == ["corporate-responsibility", "migration-trends", "vulnerable-migrants"]
    assert courses["corporate-responsibility"].is_required
    assert courses["migration-trends"].is_required
    assert not courses["vulnerable-migrants"].is_required


def test_the_course_links_are_the_e_campus_links_of_the_concept_note(programme):
    assert dict(programme.courses.values_list("code", "url")) == {
        "corporate-responsibility": "https://www.ecampus.iom.int/course/view.php?id=261",
        "migration-trends": "https://www.ecampus.iom.int/enrol/index.php?id=197",
        "vulnerable-migrants": "https://www.ecampus.iom.int/enrol/index.php?id=525",
    }


def test_the_course_deadline_is_the_end_of_5_november_2021_in_mexico_city(programme):
    end_of_day = dt.datetime(2021, 11, 5, 23, 59, 59, tzinfo=MEXICO_CITY)
    for course in programme.courses.all():
        assert course.deadline == end_of_day
        # Daylight saving time had ended on 31 October: Mexico City was UTC−6.
        assert course.deadline == dt.datetime(2021, 11, 6, 5, 59, 59, tzinfo=UTC)


def test_the_three_sessions_are_on_26_28_and_29_october_from_14_to_16_mexico_city_time(
    programme,
):
    sessions = list(programme.sessions.order_by("number"))
    assert [session.number for session in sessions] == [1, 2, 3]
    for session, day in zip(sessions, (26, 28, 29), strict=True):
        assert session.starts_at.astimezone(MEXICO_CITY) == dt.datetime(
            2021, 10, day, 14, 0, tzinfo=MEXICO_CITY
        )
        assert session.ends_at.astimezone(MEXICO_CITY) == dt.datetime(
            2021, 10, day, 16, 0, tzinfo=MEXICO_CITY
        )


def test_the_session_times_use_the_daylight_saving_time_of_october_2021(programme):
    # 14:00 in Mexico City was 19:00 UTC then; today's rules (no DST since 2022) give 20:00.
    sessions = list(programme.sessions.order_by("number"))
    assert [(s.starts_at, s.ends_at) for s in sessions] == [
        (
            dt.datetime(2021, 10, day, 19, 0, tzinfo=UTC),
            dt.datetime(2021, 10, day, 21, 0, tzinfo=UTC),
        )
        for day in (26, 28, 29)
    ]
    first_item = item(programme, 1, 1)
    assert first_item.starts_at == dt.datetime(2021, 10, 26, 19, 0, tzinfo=UTC)


def test_the_sessions_have_their_agenda_items_in_order(programme):
    counts = {
        session.number: session.items.count() for session in programme.sessions.order_by("number")
    }
    assert counts == {1: 9, 2: 8, 3: 8}
    titles = list(
        AgendaItem.objects.filter(session__programme=programme, session__number=1)
        .order_by("position")
        .values_list("title_es", flat=True)
    )
    assert titles[0] == "Indicaciones generales"
    assert titles[1] == "Palabras de bienvenida"
    assert titles[-1] == "Cierre de sesión"


def test_every_text_of_the_2021_programme_has_spanish_and_english(programme):
    required = [
        (programme, ("title", "subtitle", "description", "general_objective")),
        (programme, ("methodology", "participation")),
        *[(row, ("text",)) for row in programme.specific_objectives.all()],
        *[(row, ("activity", "content")) for row in programme.structure.all()],
        *[(row, ("name", "acronym", "role")) for row in programme.organisers.all()],
        *[(row, ("name",)) for row in programme.profiles.all()],
        *[(row, ("name",)) for row in programme.countries.all()],
        *[(row, ("name",)) for row in programme.people.all()],
        *[(row, ("title", "provider", "description")) for row in programme.courses.all()],
        *[(row, ("title",)) for row in programme.sessions.all()],
        *[(row, ("title",)) for row in AgendaItem.objects.filter(session__programme=programme)],
    ]
    assert len(required) > 60
    for obj, fields in required:
        for name in fields:
            assert getattr(obj, f"{name}_es").strip(), (obj, name)
            assert getattr(obj, f"{name}_en").strip(), (obj, name)
    optional = [
        *[(row, ("position", "organisation")) for row in programme.people.all()],
        *[
            (row, ("description",))
            for row in AgendaItem.objects.filter(session__programme=programme)
        ],
    ]
    for obj, fields in optional:
        for name in fields:
            assert bool(getattr(obj, f"{name}_es")) == bool(getattr(obj, f"{name}_en")), (
                obj,
                name,
            )
    assert programme.title_es != programme.title_en


def test_the_people_of_the_concept_note_are_named(programme):
    names = set(programme.people.values_list("name_es", flat=True))
    assert {
        "Luis Alonso Serrano",
        "Michelle Klein-Solomon",
        "Fiorella Vargas",
        "Raul Soto",
        "Juan Guilarte",
        "Ana Catalina Picad",
        "Roberto Cancel",
        "Fabio Jiménez",
        "Rocío González Higuera",
        "Rodrigo Ramírez Quintana",
        "Dirección Nacional de Empleo (República Dominicana)",
    } <= names
    luis = programme.people.get(key="luis-alonso-serrano")
    assert (luis.position_es, luis.organisation_es) == ("Secretario Ejecutivo", "CRM")


def test_session_1_names_its_facilitators_and_speakers_on_the_right_items(programme):
    assert parts(item(programme, 1, 1), "facilitator") == [("Luis Alonso Serrano", False)]
    assert parts(item(programme, 1, 2), "speaker") == [
        ("Michelle Klein-Solomon", False),
        ("Rodrigo Ramírez Quintana", False),
        ("Rocío González Higuera", False),
    ]
    assert parts(item(programme, 1, 3), "facilitator") == [("Fiorella Vargas", False)]
    assert parts(item(programme, 1, 4), "facilitator") == [("Raul Soto", False)]
    assert parts(item(programme, 1, 6), "facilitator") == [("Juan Guilarte", False)]
    assert parts(item(programme, 1, 9), "facilitator") == [("Luis Alonso Serrano", False)]


def test_sessions_2_and_3_name_their_facilitators_and_speakers_on_the_right_items(programme):
    assert parts(item(programme, 2, 1), "facilitator") == [("Luis Alonso Serrano", False)]
    assert parts(item(programme, 2, 3), "facilitator") == [("Fabio Jiménez", False)]
    assert parts(item(programme, 3, 1), "speaker") == [("Ana Catalina Picad", False)]
    assert parts(item(programme, 3, 6), "facilitator") == [("Fiorella Vargas", False)]


def test_roberto_cancel_is_to_be_confirmed_in_session_2(programme):
    assert parts(item(programme, 2, 1), "speaker") == [("Roberto Cancel", True)]


def test_rodrigo_ramirez_quintana_is_to_be_confirmed_in_the_session_1_panel_only(programme):
    panel = item(programme, 1, 8)
    assert panel.kind == "panel"
    assert parts(panel, "speaker") == [
        ("Rodrigo Ramírez Quintana", True),
        ("Dirección Nacional de Empleo (República Dominicana)", False),
        ("Representante de la RROCM", False),
    ]
    # In the welcoming remarks of the same session he is confirmed.
    assert ("Rodrigo Ramírez Quintana", False) in parts(item(programme, 1, 2), "speaker")


def test_the_closing_items_at_16_00_have_no_end(programme):
    closings = AgendaItem.objects.filter(session__programme=programme, kind="closing")
    assert closings.count() == 3
    for closing in closings:
        assert closing.starts_at.astimezone(MEXICO_CITY).time() == dt.time(16, 0)
        assert closing.ends_at is None
    assert not AgendaItem.objects.filter(
        session__programme=programme, kind__in=["welcome", "panel"], ends_at=None
    ).exists()


def test_the_pre_test_and_post_test_items_are_of_kind_test(programme):
    tests = AgendaItem.objects.filter(session__programme=programme, kind="test").order_by(
        "starts_at"
    )
    assert [(t.session.number, t.starts_at.astimezone(MEXICO_CITY).time()) for t in tests] == [
        (1, dt.time(14, 10)),
        (3, dt.time(15, 40)),
    ]
    assert "pre-test" in tests[0].title_en
    assert "post-test" in tests[1].title_en


# --- loading again ------------------------------------------------------------------------


def test_loading_the_same_file_twice_changes_nothing(programme):
    counts = {model.__name__: model.objects.count() for model in MODELS}
    session_pks = list(programme.sessions.order_by("number").values_list("pk", flat=True))
    # The demo loads the file with its facilitator added to the agenda
    # (capacita/development/demo.py).
    again = load_programme(check_programme(demo_programme_data()))
    assert again.pk == programme.pk
    assert {model.__name__: model.objects.count() for model in MODELS} == counts
    assert list(again.sessions.order_by("number").values_list("pk", flat=True)) == session_pks


def test_loading_an_edited_copy_updates_the_programme_in_place(programme, file_data, write_copy):
    session_pks = list(programme.sessions.order_by("number").values_list("pk", flat=True))
    file_data["title"]["es"] = "Programa de capacitación, segunda edición"
    file_data["courses"] = [c for c in file_data["courses"] if c["code"] != "vulnerable-migrants"]
    for country in file_data["countries"]:
        if country["code"] == "MX":
            country["quota"] = 12
    file_data["sessions"][0]["items"][0]["title"]["en"] = "Housekeeping"

    updated = load_programme(read_programme_file(write_copy(file_data)))

    assert updated.pk == programme.pk
    assert Programme.objects.count() == 1
    updated.refresh_from_db()
    assert updated.title_es == "Programa de capacitación, segunda edición"
    assert list(updated.courses.values_list("code", flat=True)) == [
        "corporate-responsibility",
        "migration-trends",
    ]
    assert not Course.objects.filter(code="vulnerable-migrants").exists()
    assert updated.member_countries.get(country__code="MX").quota == 12
    assert updated.member_countries.get(country__code="GT").quota == 10
    assert item(updated, 1, 1).title_en == "Housekeeping"
    assert list(updated.sessions.order_by("number").values_list("pk", flat=True)) == session_pks


def test_loading_a_copy_without_a_session_removes_it_and_its_items(
    programme, file_data, write_copy
):
    file_data["sessions"] = file_data["sessions"][:2]
    load_programme(read_programme_file(write_copy(file_data)))
    assert list(programme.sessions.values_list("number", flat=True)) == [1, 2]
    assert AgendaItem.objects.filter(session__programme=programme).count() == 9 + 8


# --- mistakes -----------------------------------------------------------------------------


def test_it_reports_a_text_missing_in_spanish(mistakes):
    def change(data):
        del data["sessions"][1]["items"][3]["title"]["es"]

    assert mistakes(change) == [
        "sessions[2].items[4].title.es: the text is missing in this language"
    ]


def test_it_reports_a_top_level_text_missing_in_spanish(mistakes):
    def change(data):
        data["general_objective"] = {"en": "Only English"}

    assert mistakes(change) == ["general_objective.es: the text is missing in this language"]


def test_it_rejects_an_unknown_time_zone(mistakes):
    def change(data):
        data["time_zone"] = "America/Ciudad_de_Mexico"

    errors = mistakes(change)
    assert len(errors) == 1
    assert errors[0].startswith("time_zone: “America/Ciudad_de_Mexico” is not a time zone")


def test_it_rejects_an_unknown_time_zone_of_a_country(mistakes):
    def change(data):
        data["countries"][9]["time_zone"] = "Caribbean/Santo_Domingo"

    errors = mistakes(change)
    assert len(errors) == 1
    assert errors[0].startswith("countries[10].time_zone: “Caribbean/Santo_Domingo”")


def test_it_rejects_a_time_of_25_00(mistakes):
    def change(data):
        data["sessions"][0]["items"][2]["start"] = "25:00"

    assert mistakes(change) == ["sessions[1].items[3].start: “25:00” is not a time of day (HH:MM)"]


def test_it_rejects_a_time_that_is_not_hh_mm(mistakes):
    def change(data):
        data["sessions"][2]["end"] = "4 pm"

    assert mistakes(change) == ["sessions[3].end: “4 pm” is not a time of day (HH:MM)"]


def test_it_accepts_an_unquoted_time_that_yaml_reads_as_a_sexagesimal_number(
    programme, file_data, tmp_path
):
    file_data["title"]["en"] = "Unquoted times"
    text = yaml.safe_dump(file_data, allow_unicode=True, sort_keys=False)
    assert "start: '14:00'" in text
    text = text.replace("'14:00'", "14:00").replace("'16:00'", "16:00")
    assert yaml.safe_load(text)["sessions"][0]["start"] == 840
    path = tmp_path / "unquoted.yaml"
    path.write_text(text, "utf-8")

    load_programme(read_programme_file(path))

    programme.refresh_from_db()
    assert programme.title_en == "Unquoted times"
    session = programme.sessions.get(number=1)
    assert session.starts_at == dt.datetime(2021, 10, 26, 19, 0, tzinfo=UTC)
    assert session.ends_at == dt.datetime(2021, 10, 26, 21, 0, tzinfo=UTC)
    assert item(programme, 1, 9).starts_at == dt.datetime(2021, 10, 26, 21, 0, tzinfo=UTC)


def test_it_rejects_an_agenda_item_that_ends_before_it_starts(mistakes):
    def change(data):
        data["sessions"][0]["items"][2]["end"] = "14:05"

    assert mistakes(change) == [
        "sessions[1].items[3].end: an agenda item cannot end before it starts"
    ]


def test_it_rejects_a_session_that_ends_before_it_starts(mistakes):
    def change(data):
        data["sessions"][2]["end"] = "13:00"

    assert mistakes(change) == ["sessions[3].end: a session must end after it starts"]


def test_it_rejects_an_unknown_item_kind(mistakes):
    def change(data):
        data["sessions"][0]["items"][3]["kind"] = "keynote"

    errors = mistakes(change)
    assert len(errors) == 1
    assert errors[0].startswith("sessions[1].items[4].kind: “keynote” is not one of: welcome,")
    assert "group_work" in errors[0]


def test_it_rejects_a_speaker_who_is_not_under_people(mistakes):
    def change(data):
        data["sessions"][0]["items"][1]["speakers"][1] = "rodrigo-ramirez"

    assert mistakes(change) == [
        "sessions[1].items[2].speakers[2]: "
        "“rodrigo-ramirez” is not the key of any entry under people"
    ]


def test_it_rejects_a_to_be_confirmed_facilitator_who_is_not_under_people(mistakes):
    def change(data):
        data["sessions"][1]["items"][3]["facilitators"][0]["person"] = "nobody"

    assert mistakes(change) == [
        "sessions[2].items[4].facilitators[1]: “nobody” is not the key of any entry under people"
    ]


def test_it_reports_a_speaker_written_as_a_list(mistakes):
    def change(data):
        data["sessions"][0]["items"][1]["speakers"][0] = ["michelle-klein-solomon"]

    errors = mistakes(change)
    assert errors[0].startswith("sessions[1].items[2].speakers[1]")


def test_it_rejects_a_duplicate_course_code(mistakes):
    def change(data):
        data["courses"][2]["code"] = "corporate-responsibility"

    assert mistakes(change) == ["courses: the code “corporate-responsibility” appears twice"]


def test_it_rejects_a_country_code_that_is_not_two_capital_letters(mistakes):
    def change(data):
        data["countries"][6]["code"] = "mx"
        data["countries"][7]["code"] = "NIC"

    assert mistakes(change) == [
        "countries[7].code: “mx” is not an ISO country code (two capital letters)",
        "countries[8].code: “NIC” is not an ISO country code (two capital letters)",
    ]


def test_it_rejects_a_negative_quota(mistakes):
    def change(data):
        data["countries"][0]["quota"] = -1

    assert mistakes(change) == ["countries[1].quota: expected a whole number, zero or more"]


def test_it_rejects_a_quota_that_is_not_a_whole_number(mistakes):
    def change(data):
        data["countries"][1]["quota"] = "ten"

    assert mistakes(change) == ["countries[2].quota: expected a whole number, zero or more"]


def test_it_reports_several_mistakes_at_once(mistakes):
    def change(data):
        data["time_zone"] = "Mexico/Nowhere"
        data["countries"][0]["quota"] = -3
        data["courses"][0]["url"] = "not a link"
        data["sessions"][1]["items"][0]["kind"] = "speech"
        del data["sessions"][2]["title"]["en"]

    errors = mistakes(change)
    assert len(errors) == 5
    places = [error.split(": ", 1)[0] for error in errors]
    assert places == [
        "time_zone",
        "countries[1].quota",
        "courses[1].url",
        "sessions[2].items[1].kind",
        "sessions[3].title.en",
    ]


def test_it_rejects_a_file_that_is_not_yaml(programme, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("slug: crm-2021\ntitle: [unclosed\ntime_zone: UTC\n", "utf-8")
    before = snapshot()
    with pytest.raises(ProgrammeFileError) as raised:
        read_programme_file(path)
    assert snapshot() == before
    [error] = raised.value.errors
    assert error.startswith("line ")
    assert "this is not valid YAML" in error


def test_it_rejects_a_file_that_is_not_utf_8(programme, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(DEMO_PROGRAMME_FILE.read_text(encoding="utf-8").encode("latin-1", "replace"))
    with pytest.raises(ProgrammeFileError) as raised:
        read_programme_file(path)
    assert raised.value.errors == ["the file is not UTF-8 text"]


def test_it_rejects_a_file_that_is_a_list(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- slug: crm-2021\n- time_zone: UTC\n", "utf-8")
    with pytest.raises(ProgrammeFileError) as raised:
        read_programme_file(path)
    assert raised.value.errors == ["expected a mapping of keys to values"]


def test_it_rejects_an_empty_file(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("", "utf-8")
    with pytest.raises(ProgrammeFileError) as raised:
        read_programme_file(path)
    assert raised.value.errors == ["expected a mapping of keys to values"]


def test_it_reports_a_missing_file(tmp_path):
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(ProgrammeFileError) as raised:
        read_programme_file(path)
    [error] = raised.value.errors
    assert error.startswith("cannot read the file: ")
    assert "nowhere.yaml" in error


def test_check_programme_reports_each_missing_required_key():
    with pytest.raises(ProgrammeFileError) as raised:
        check_programme({"slug": "x"})
    places = {error.split(": ", 1)[0] for error in raised.value.errors}
    assert {
        "time_zone",
        "start_date",
        "end_date",
        "title",
        "description",
        "countries",
        "people",
        "courses",
        "sessions",
    } <= places


def test_check_programme_converts_times_to_utc_with_the_rules_of_that_date(file_data):
    spec = check_programme(file_data)
    assert spec.zone == MEXICO_CITY
    assert [session["starts_at"] for session in spec.sessions] == [
        dt.datetime(2021, 10, day, 19, 0, tzinfo=UTC) for day in (26, 28, 29)
    ]


def test_check_programme_uses_winter_time_after_daylight_saving_time_ended(file_data):
    file_data["sessions"][2]["date"] = dt.date(2021, 11, 2)
    spec = check_programme(file_data)
    assert spec.sessions[2]["starts_at"] == dt.datetime(2021, 11, 2, 20, 0, tzinfo=UTC)


# --- the command --------------------------------------------------------------------------


def test_the_load_programme_command_loads_a_file_and_says_what_it_loaded(empty_db):
    out = io.StringIO()
    call_command("load_programme", str(DEMO_PROGRAMME_FILE), stdout=out)
    assert "Loaded crm-2021: 3 sessions, 25 agenda items, 3 courses, 11 countries." in (
        out.getvalue()
    )
    assert Programme.objects.filter(slug="crm-2021").exists()
    assert AgendaItem.objects.count() == 25


def test_the_load_programme_command_saves_nothing_with_dry_run(empty_db):
    out = io.StringIO()
    call_command("load_programme", str(DEMO_PROGRAMME_FILE), "--dry-run", stdout=out)
    assert "The file is correct (nothing saved): crm-2021: 3 sessions" in out.getvalue()
    assert {model.__name__: model.objects.count() for model in MODELS} == {
        model.__name__: 0 for model in MODELS
    }


def test_the_load_programme_command_dry_run_leaves_an_existing_programme_as_it_was(
    programme, file_data, write_copy
):
    file_data["title"]["es"] = "Título que no se guarda"
    before = snapshot()
    call_command("load_programme", str(write_copy(file_data)), "--dry-run", stdout=io.StringIO())
    assert snapshot() == before


def test_the_load_programme_command_rejects_a_bad_file_and_lists_each_mistake(
    programme, file_data, write_copy
):
    file_data["title"]["es"] = "Título que no se guarda"
    file_data["countries"][0]["quota"] = -1
    file_data["sessions"][0]["items"][0]["kind"] = "speech"
    path = write_copy(file_data)
    before = snapshot()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("load_programme", str(path), stdout=out, stderr=err)
    assert "2 mistake(s) found; nothing was saved." in str(raised.value)
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}: countries[1].quota: ")
    assert lines[1].startswith(f"{path}: sessions[1].items[1].kind: “speech”")
    assert snapshot() == before


def test_it_reports_a_title_too_long_for_the_programme_as_a_mistake(
    programme, file_data, write_copy
):
    file_data["title"]["en"] = "x" * 301
    with pytest.raises(ProgrammeFileError) as raised:
        load_programme(read_programme_file(write_copy(file_data)))
    assert raised.value.errors[0].startswith("title.en")


def test_it_refuses_a_boolean_where_a_time_belongs(mistakes):
    def change(data):
        data["sessions"][0]["items"][0]["start"] = True

    assert "sessions[1].items[1].start" in " ".join(mistakes(change))


def test_it_refuses_an_agenda_item_outside_its_session(mistakes):
    def change(data):
        data["sessions"][0]["items"][1]["end"] = "16:30"

    assert mistakes(change) == [
        "sessions[1].items[2].end: 16:30 is outside the session's times (14:00–16:00)"
    ]


def test_it_refuses_a_time_skipped_when_the_clocks_went_forward(mistakes):
    def change(data):
        # Mexico City moved its clocks from 02:00 to 03:00 on 4 April 2021.
        session = data["sessions"][0]
        session.update(date="2021-04-04", start="02:30", end="04:00", items=[])

    assert mistakes(change) == [
        "sessions[1].start: 02:30 does not exist in America/Mexico_City on that day: "
        "the clocks changed"
    ]


# --- the programme's contact address ------------------------------------------------------


def test_the_2021_file_gives_a_fictitious_contact_address(programme):
    assert programme.contact_email == "capacitacion@example.org"


def test_the_contact_address_is_optional_and_loaded_from_the_file(programme, file_data, write_copy):
    file_data["contact_email"] = "  secretaria@example.org "
    assert load_programme(read_programme_file(write_copy(file_data))).contact_email == (
        "secretaria@example.org"
    )
    del file_data["contact_email"]
    assert load_programme(read_programme_file(write_copy(file_data))).contact_email == ""


def test_it_rejects_a_contact_address_that_is_not_an_e_mail(mistakes):
    def change(data):
        data["contact_email"] = "capacitacion en example.org"

    assert mistakes(change) == [
        "contact_email: “capacitacion en example.org” is not an e-mail address"
    ]


def test_the_contact_address_is_in_the_programme_s_administration_page(client_as, programme):
    page = client_as("superuser").get(f"/en/admin/programmes/programme/{programme.pk}/change/")

    assert page.status_code == 200
    assert 'name="contact_email"' in page.content.decode()
    assert 'value="capacitacion@example.org"' in page.content.decode()
