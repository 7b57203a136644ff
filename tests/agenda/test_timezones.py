"""Times in the viewer's zone, the programme's zone beside them (capacita/agenda)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from capacita.agenda.models import AgendaItem, AgendaParticipant, VirtualSession
from capacita.agenda.selectors import ItemView, Moment, agenda_for_viewer
from capacita.agenda.timezones import utc_offset_label, viewer_zone
from tests.factories import CountryFactory, ProgrammeFactory, UserFactory

MEXICO_CITY = zoneinfo.ZoneInfo("America/Mexico_City")
SANTO_DOMINGO = zoneinfo.ZoneInfo("America/Santo_Domingo")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
UTC = dt.UTC


@pytest.fixture
def person(db):
    """`person(time_zone=…, country_zone=…)`: an account with a zone of its own and/or a
    country in `country_zone`."""

    def make(time_zone="", country_zone=None):
        country = CountryFactory(time_zone=country_zone) if country_zone else None
        return UserFactory(time_zone=time_zone, country=country)

    return make


@pytest.fixture
def programme_mx(db):
    """A programme whose agenda is written in Mexico City's zone, as the 2021 programme's."""
    return ProgrammeFactory(time_zone="America/Mexico_City")


# --- viewer_zone --------------------------------------------------------------------------


def test_the_zone_asked_for_in_the_address_comes_first(programme_mx, person):
    user = person(time_zone="Asia/Tokyo", country_zone="America/Santo_Domingo")
    zone, message = viewer_zone("America/Guatemala", user, programme_mx)
    assert zone.key == "America/Guatemala"
    assert message is None


def test_the_zone_asked_for_is_read_without_surrounding_spaces(programme_mx):
    zone, message = viewer_zone(" Asia/Tokyo ", AnonymousUser(), programme_mx)
    assert zone.key == "Asia/Tokyo"
    assert message is None


def test_the_persons_own_zone_comes_before_their_countrys(programme_mx, person):
    user = person(time_zone="Europe/Madrid", country_zone="America/Santo_Domingo")
    zone, message = viewer_zone(None, user, programme_mx)
    assert zone.key == "Europe/Madrid"
    assert message is None


def test_the_persons_country_zone_comes_when_they_chose_none(programme_mx, person):
    zone, message = viewer_zone(None, person(country_zone="America/Santo_Domingo"), programme_mx)
    assert zone.key == "America/Santo_Domingo"
    assert message is None
    zone, _message = viewer_zone("", person(country_zone="America/Toronto"), programme_mx)
    assert zone.key == "America/Toronto"


def test_the_programmes_zone_comes_last(programme_mx, person):
    assert viewer_zone(None, person(), programme_mx) == (MEXICO_CITY, None)
    assert viewer_zone(None, AnonymousUser(), programme_mx) == (MEXICO_CITY, None)


def test_an_unknown_zone_falls_back_to_the_programmes_with_a_message_naming_it(programme_mx):
    with translation.override("en"):
        zone, message = viewer_zone("Not/AZone", AnonymousUser(), programme_mx)
    assert zone.key == "America/Mexico_City"
    assert "“Not/AZone”" in message
    assert "is not a time zone we know" in message
    assert "Times are shown in Mexico City Time." in message


def test_an_unknown_zone_falls_back_to_the_persons_own_zone(programme_mx, person):
    with translation.override("en"):
        zone, message = viewer_zone(
            "Mars/Olympus_Mons", person(country_zone="America/Santo_Domingo"), programme_mx
        )
    assert zone.key == "America/Santo_Domingo"
    assert "Mars/Olympus_Mons" in message
    assert "Times are shown in Santo Domingo Time." in message


def test_a_zone_name_is_case_sensitive(programme_mx):
    zone, message = viewer_zone("america/santo_domingo", AnonymousUser(), programme_mx)
    assert zone.key == "America/Mexico_City"
    assert "america/santo_domingo" in message


# --- utc_offset_label ---------------------------------------------------------------------


def test_the_offset_label_of_mexico_city_is_minus_five_on_26_october_2021():
    moment = dt.datetime(2021, 10, 26, 19, 0, tzinfo=UTC)
    assert utc_offset_label(moment, MEXICO_CITY) == "UTC−05:00"


def test_the_offset_label_of_mexico_city_is_minus_six_on_2_november_2021():
    moment = dt.datetime(2021, 11, 2, 20, 0, tzinfo=UTC)
    assert utc_offset_label(moment, MEXICO_CITY) == "UTC−06:00"


def test_the_offset_label_uses_a_true_minus_sign_and_a_plus_sign_east_of_greenwich():
    moment = dt.datetime(2021, 10, 26, 19, 0, tzinfo=UTC)
    assert utc_offset_label(moment, SANTO_DOMINGO) == "UTC−04:00"
    assert utc_offset_label(moment, TOKYO) == "UTC+09:00"
    assert utc_offset_label(moment, zoneinfo.ZoneInfo("UTC")) == "UTC+00:00"


def test_the_offset_label_keeps_half_hours():
    moment = dt.datetime(2021, 11, 2, 20, 0, tzinfo=UTC)
    assert utc_offset_label(moment, zoneinfo.ZoneInfo("Asia/Kolkata")) == "UTC+05:30"
    newfoundland = zoneinfo.ZoneInfo("America/St_Johns")
    assert utc_offset_label(moment, newfoundland) == "UTC−02:30"  # summer time until 7 Nov
    winter = dt.datetime(2021, 12, 1, 20, 0, tzinfo=UTC)
    assert utc_offset_label(winter, newfoundland) == "UTC−03:30"


# --- agenda_for_viewer --------------------------------------------------------------------


def test_santo_domingo_sees_session_1_at_15_00(programme):
    agenda = agenda_for_viewer(programme, SANTO_DOMINGO)
    first = agenda[0]
    assert first.session.number == 1
    assert first.start.viewer == dt.datetime(2021, 10, 26, 15, 0, tzinfo=SANTO_DOMINGO)
    assert (first.start.viewer.hour, first.start.viewer.minute) == (15, 0)
    assert (first.end.viewer.hour, first.end.viewer.minute) == (17, 0)
    assert (first.start.programme.hour, first.start.programme.minute) == (14, 0)
    assert first.start.programme.tzinfo == MEXICO_CITY
    assert first.viewer_offset == "UTC−04:00"
    assert first.programme_offset == "UTC−05:00"
    assert [entry.start.viewer.strftime("%H:%M") for entry in first.items][:3] == [
        "15:00",
        "15:00",
        "15:10",
    ]
    assert not any(entry.other_day for entry in first.items)


def test_tokyo_sees_session_1_at_04_00_on_27_october(programme):
    agenda = agenda_for_viewer(programme, TOKYO)
    first = agenda[0]
    assert first.start.viewer == dt.datetime(2021, 10, 27, 4, 0, tzinfo=TOKYO)
    assert first.start.viewer.date() == dt.date(2021, 10, 27)
    assert first.start.programme.date() == dt.date(2021, 10, 26)
    assert first.start.other_day
    assert first.viewer_offset == "UTC+09:00"
    for view in agenda:
        assert view.items
        assert all(entry.other_day for entry in view.items)


def test_mexico_city_sees_the_programmes_own_times_on_the_same_day(programme):
    agenda = agenda_for_viewer(programme, MEXICO_CITY)
    assert [view.session.number for view in agenda] == [1, 2, 3]
    assert [view.start.viewer.strftime("%d %H:%M") for view in agenda] == [
        "26 14:00",
        "28 14:00",
        "29 14:00",
    ]
    for view in agenda:
        assert not view.start.other_day
        assert not any(entry.other_day for entry in view.items)
        assert view.viewer_offset == view.programme_offset == "UTC−05:00"


def test_an_item_without_an_end_has_no_end_moment(programme):
    agenda = agenda_for_viewer(programme, SANTO_DOMINGO)
    closing = agenda[0].items[-1]
    assert closing.item.kind == "closing"
    assert closing.end is None
    assert closing.start.viewer.strftime("%H:%M") == "17:00"
    assert agenda[0].items[0].end.viewer.strftime("%H:%M") == "15:10"


def test_an_item_ending_on_another_day_is_marked_other_day():
    def moment(value):
        return Moment(
            utc=value, viewer=value.astimezone(TOKYO), programme=value.astimezone(MEXICO_CITY)
        )

    start = moment(dt.datetime(2021, 10, 26, 14, 0, tzinfo=UTC))  # 23:00 Tokyo, same day
    end = moment(dt.datetime(2021, 10, 26, 16, 0, tzinfo=UTC))  # 01:00 Tokyo, next day
    assert not start.other_day
    assert ItemView(item=None, start=start, end=end).other_day
    assert not ItemView(item=None, start=start, end=None).other_day


def _touch(agenda):
    """Read everything a page shows of the agenda."""
    for view in agenda:
        for entry in view.items:
            for part in [*entry.item.speakers, *entry.item.facilitators]:
                assert part.person.name


def _add_items(programme, count):
    session = programme.sessions.get(number=2)
    person = programme.people.get(key="luis-alonso-serrano")
    other = programme.people.get(key="fabio-jimenez")
    start = session.items.order_by("-position").first()
    for n in range(count):
        item = AgendaItem.objects.create(
            session=session,
            position=100 + n,
            starts_at=start.starts_at,
            kind="questions",
            title_es=f"Extra {n}",
            title_en=f"Extra {n}",
        )
        AgendaParticipant.objects.create(item=item, person=person, role="facilitator")
        AgendaParticipant.objects.create(item=item, person=other, role="speaker")
    VirtualSession.objects.create(
        programme=programme,
        number=4,
        title_es="Sesión extra",
        title_en="Extra session",
        starts_at=session.starts_at + dt.timedelta(days=7),
        ends_at=session.ends_at + dt.timedelta(days=7),
    )


def test_agenda_for_viewer_takes_three_queries(programme, django_assert_num_queries):
    with django_assert_num_queries(3):
        _touch(agenda_for_viewer(programme, TOKYO))


def test_agenda_for_viewer_takes_as_many_queries_with_more_items_and_sessions(
    programme, django_assert_num_queries
):
    _add_items(programme, 12)
    with django_assert_num_queries(3):
        agenda = agenda_for_viewer(programme, SANTO_DOMINGO)
        _touch(agenda)
    assert len(agenda) == 4
    assert len(agenda[1].items) == 8 + 12
