"""The programme's sessions as an iCalendar file: /<lang>/programmes/<slug>/calendar.ics."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from icalendar import Calendar

from capacita.agenda.programme_file import load_programme, read_programme_file
from capacita.development.demo import DEMO_PROGRAMME_FILE

UTC = dt.UTC
MEXICO_CITY = zoneinfo.ZoneInfo("America/Mexico_City")


def download(client, lang="es"):
    response = client.get(f"/{lang}/programmes/crm-2021/calendar.ics")
    assert response.status_code == 200
    return response


def events(response):
    return Calendar.from_ical(response.content).walk("VEVENT")


def unfolded(response) -> str:
    return response.content.decode().replace("\r\n ", "")


def test_the_calendar_is_served_as_text_calendar(client, programme):
    response = download(client)
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="crm-2021-es.ics"'
    assert response.content.startswith(b"BEGIN:VCALENDAR")


def test_the_calendar_has_one_event_per_session(client, programme):
    found = events(download(client))
    assert len(found) == 3
    assert sorted(str(event["UID"]) for event in found) == [
        "crm-2021-session-1@capacita",
        "crm-2021-session-2@capacita",
        "crm-2021-session-3@capacita",
    ]


def test_the_event_uids_are_the_same_in_two_downloads(client, programme):
    first = [str(event["UID"]) for event in events(download(client))]
    second = [str(event["UID"]) for event in events(download(client, "en"))]
    assert first == second
    assert len(set(first)) == 3


def test_the_event_uids_survive_a_reload_of_the_programme_file(client, programme):
    before = [str(event["UID"]) for event in events(download(client))]
    load_programme(read_programme_file(DEMO_PROGRAMME_FILE))
    after = [str(event["UID"]) for event in events(download(client))]
    assert after == before


def test_the_first_session_starts_at_19_00_utc_written_in_mexico_city_time(client, programme):
    first = next(
        e for e in events(download(client)) if str(e["UID"]).endswith("session-1@capacita")
    )
    assert first["DTSTART"].params["TZID"] == "America/Mexico_City"
    assert first["DTEND"].params["TZID"] == "America/Mexico_City"
    start = first.decoded("DTSTART")
    assert start == dt.datetime(2021, 10, 26, 19, 0, tzinfo=UTC)
    assert start.astimezone(MEXICO_CITY).hour == 14
    assert first.decoded("DTEND") == dt.datetime(2021, 10, 26, 21, 0, tzinfo=UTC)
    assert "DTSTART;TZID=America/Mexico_City:20211026T140000" in unfolded(download(client))


def test_the_calendar_carries_the_mexico_city_time_zone_of_2021(client, programme):
    calendar = Calendar.from_ical(download(client).content)
    [vtimezone] = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "America/Mexico_City"
    zone = vtimezone.to_tz()
    # As the file says it, daylight saving time was in force on 26 Oct 2021 and over on 2 Nov.
    assert dt.datetime(2021, 10, 26, 14, 0, tzinfo=zone).utcoffset() == dt.timedelta(hours=-5)
    assert dt.datetime(2021, 11, 2, 14, 0, tzinfo=zone).utcoffset() == dt.timedelta(hours=-6)


def test_the_spanish_calendar_describes_the_agenda_in_spanish(client, programme):
    first, *_rest = sorted(events(download(client, "es")), key=lambda e: str(e["UID"]))
    description = str(first["DESCRIPTION"])
    assert "14:00–14:10  Indicaciones generales" in description
    assert "Luis Alonso Serrano (Secretario Ejecutivo, CRM)" in description
    assert "Rodrigo Ramírez Quintana" in description
    assert "General instructions" not in description
    assert "Migración laboral y consejerías de empleo" in str(first["SUMMARY"])


def test_the_english_calendar_describes_the_agenda_in_english(client, programme):
    first, *_rest = sorted(events(download(client, "en")), key=lambda e: str(e["UID"]))
    description = str(first["DESCRIPTION"])
    assert "14:00–14:10  General instructions" in description
    assert "Luis Alonso Serrano (Executive Secretary, RCM)" in description
    assert "Indicaciones generales" not in description
    assert "Labour migration and employment counselling services" in str(first["SUMMARY"])


def test_the_calendar_description_marks_people_to_be_confirmed(client, programme):
    by_uid = {str(e["UID"]): e for e in events(download(client, "en"))}
    session_2 = str(by_uid["crm-2021-session-2@capacita"]["DESCRIPTION"])
    assert "Roberto Cancel (Regional Thematic Specialist" in session_2
    assert "Buenos Aires) [to be confirmed]" in session_2
    assert "16:00  Closing of the session" in session_2
    assert "Interpretation: es, en" in session_2


def test_the_spanish_calendar_labels_are_in_spanish(client, programme):
    first, *_rest = sorted(events(download(client, "es")), key=lambda e: str(e["UID"]))
    description = str(first["DESCRIPTION"])
    assert "Persona facilitadora: Luis Alonso Serrano" in description
    assert "Facilitator:" not in description
    assert "Agenda (times in" not in description


def test_the_calendar_never_holds_a_meeting_link(client, programme):
    assert programme.sessions.exclude(meeting_url="").count() == 3
    for lang in ("es", "en"):
        response = download(client, lang)
        assert "meet.example.org" not in unfolded(response)
        for event in events(response):
            assert "meet.example.org" not in str(event.get("DESCRIPTION"))
            assert "meet.example.org" not in str(event.get("URL"))
            assert "meet.example.org" not in str(event.get("LOCATION", ""))


def test_the_calendar_links_to_the_public_page_in_its_language(client, programme):
    for lang in ("es", "en"):
        for event in events(download(client, lang)):
            assert str(event["URL"]) == f"http://testserver/{lang}/programmes/crm-2021/"


def test_the_calendar_of_an_unknown_programme_is_404(client, db):
    response = client.get("/es/programmes/no-such-programme/calendar.ics")
    assert response.status_code == 404
