"""Time zones are named as people say them, in the reader's language ("hora de Ciudad de
México", "Mexico City Time"), never by their tz database key, which stays in `?tz=` and in
the pickers' values; the agenda's two times each say whose they are (capacita/shared/zones.py,
capacita/agenda/timezones.py)."""

from __future__ import annotations

import re
import zoneinfo

import pytest
from django.utils import translation

from capacita.agenda.timezones import time_labels, zone_choices
from capacita.programmes.models import Country
from capacita.shared.zones import known_zone_names, zone_name, zone_place

MEXICO_CITY = zoneinfo.ZoneInfo("America/Mexico_City")
TEGUCIGALPA = zoneinfo.ZoneInfo("America/Tegucigalpa")
DETAIL = "/{lang}/programmes/crm-2021/"
KEY = re.compile(r"\b[A-Z][A-Za-z_]+/[A-Z][A-Za-z_]+")


# --- naming a zone ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "language", "name"),
    [
        ("America/Mexico_City", "es", "hora de Ciudad de México"),
        ("America/Mexico_City", "en", "Mexico City Time"),
        ("America/Tegucigalpa", "es", "hora de Tegucigalpa"),
        ("America/Santo_Domingo", "en", "Santo Domingo Time"),
        ("America/New_York", "es", "hora de Nueva York"),
        ("Asia/Tokyo", "es", "hora de Tokio"),
        ("UTC", "es", "UTC"),
        ("Etc/GMT+5", "en", "UTC−05:00"),
    ],
)
def test_a_zone_is_named_by_its_place_in_the_readers_language(zone, language, name):
    with translation.override(language):
        assert zone_name(zone) == name
        assert zone_name(zoneinfo.ZoneInfo(zone)) == name
    assert zone_name(zone, language) == name


def test_the_place_alone_names_the_viewers_time():
    assert zone_place("America/Mexico_City", "es") == "Ciudad de México"
    assert zone_place(TEGUCIGALPA, "en") == "Tegucigalpa"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
def test_every_zone_the_project_offers_has_a_name_of_people(programme, language):
    offered = {"UTC", programme.time_zone, *Country.objects.values_list("time_zone", flat=True)}
    with translation.override(language):
        for key in offered:
            name = zone_name(key)
            assert name and "/" not in name and "_" not in name, key
            assert "Unknown" not in name and "desconocid" not in name, (key, name)


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_zone_of_the_tz_database_gets_a_name_without_its_key(language):
    for key in sorted(known_zone_names()):
        name = zone_name(key, language)
        assert name and "/" not in name, (key, name)
        assert not re.search(r"Unknown Region|Región desconocida", name), (key, name)


# --- the pickers --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pickers_label_places_and_keep_keys_as_values(programme):
    with translation.override("en"):
        choices = zone_choices(programme, current=zoneinfo.ZoneInfo("Asia/Tokyo"))
    values = [value for value, _label in choices]
    labels = dict(choices)
    assert values[0] == "America/Mexico_City"
    assert labels["America/Mexico_City"] == "Mexico City Time (the programme's zone) — Mexico"
    assert labels["America/Santo_Domingo"] == "Santo Domingo Time — Dominican Republic"
    assert labels["UTC"] == "UTC" and labels["Asia/Tokyo"] == "Tokyo Time"
    assert len(values) == len(set(values))
    assert not any(KEY.search(label) for label in labels.values())


@pytest.mark.django_db
def test_the_programme_pages_picker_shows_places(client, programme):
    content = client.get(DETAIL.format(lang="es") + "?tz=America/Tegucigalpa").content.decode()
    select = re.search(r'<select name="tz".*?</select>', content, re.S).group(0)
    assert '<option value="America/Tegucigalpa" selected>hora de Tegucigalpa — Honduras<' in select
    assert not KEY.search(re.sub(r'value="[^"]*"', "", select))


@pytest.mark.django_db
def test_the_attendance_upload_names_the_zones_too(client_as, programme):
    content = client_as("manager").get("/en/programmes/crm-2021/sessions/1/attendance/")
    select = re.search(r'<select name="time_zone".*?</select>', content.content.decode(), re.S)
    assert ">Mexico City Time (the programme&#x27;s zone) — Mexico<" in select.group(0)
    assert not KEY.search(re.sub(r'value="[^"]*"', "", select.group(0)))


# --- the agenda's two times ---------------------------------------------------------------


def test_the_viewers_time_comes_first_named_and_the_programmes_beside_it():
    with translation.override("en"):
        labels = time_labels(TEGUCIGALPA, MEXICO_CITY)
    assert (labels.viewer, labels.programme, labels.differ) == (
        "your time, Tegucigalpa",
        "programme time, Mexico City",
        True,
    )


def test_one_time_named_by_its_zone_when_both_are_the_same():
    with translation.override("en"):
        labels = time_labels(MEXICO_CITY, MEXICO_CITY)
    assert (labels.viewer, labels.differ) == ("Mexico City Time", False)


def test_the_labels_in_spanish():
    # Passes once var/po/times.po is merged into the Spanish catalogue.
    with translation.override("es"):
        labels = time_labels(TEGUCIGALPA, MEXICO_CITY)
    assert labels.viewer == "su hora, Tegucigalpa"
    assert labels.programme == "hora del programa, Ciudad de México"


def item_rows(content: str) -> list[str]:
    return re.findall(r'<tr class="item kind-[^"]*">(.*?)</tr>', content, re.S)


@pytest.mark.django_db
def test_each_agenda_line_names_both_times_for_a_counsellor_in_honduras(client, programme):
    content = client.get(DETAIL.format(lang="en") + "?tz=America/Tegucigalpa").content.decode()
    rows = item_rows(content)
    assert rows
    for row in rows:
        viewer, programme_time = re.findall(
            r"<td class=\"(?:viewer|programme)-time\">.*?</td>", row
        )
        # Theirs first, named; the programme's beside it, named.
        assert '<span class="time-label">your time, Tegucigalpa</span>' in viewer
        assert '<span class="time-label">programme time, Mexico City</span>' in programme_time
    assert "13:00–13:10" in rows[0] and "14:00–14:10" in rows[0]
    assert '<th scope="col">Your time, Tegucigalpa</th>' in content
    assert "(your time, Tegucigalpa · UTC−06:00)" in content
    assert "(programme time, Mexico City · UTC−05:00)" in content


@pytest.mark.django_db
def test_only_one_time_when_the_viewer_is_in_the_programmes_zone(client, programme):
    content = client.get(DETAIL.format(lang="en")).content.decode()
    for row in item_rows(content):
        assert row.count('class="time-label"') == 1
        assert '<span class="time-label">Mexico City Time</span>' in row
        assert 'class="programme-time"' not in row


@pytest.mark.django_db
def test_the_participants_own_page_labels_the_two_times(client, programme):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email="participant.mx@example.org")
    user.time_zone = "America/Tegucigalpa"
    user.save(update_fields=["time_zone"])
    client.force_login(user)
    content = client.get("/en/programmes/crm-2021/me/").content.decode()
    session = re.search(r'id="my-session-1">(.*?)</li>', content, re.S).group(1)
    assert "13:00–15:00</time> (your time, Tegucigalpa · UTC−06:00)" in session
    assert "14:00–16:00 (programme time, Mexico City · UTC−05:00)" in session
    assert "America/" not in re.sub(r'(href|value)="[^"]*"', "", content)
