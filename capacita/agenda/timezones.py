"""Showing programme times in the viewer's time zone, with the programme's zone beside them."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils.translation import gettext as _

from capacita.programmes.models import Country
from capacita.shared.page_cache import kept
from capacita.shared.zones import offset_label, zone_name, zone_or_none, zone_place


def viewer_zone(requested: str | None, user, programme) -> tuple[zoneinfo.ZoneInfo, str | None]:
    """The zone to show times in, and a message when the requested zone is unknown.

    Order: the zone asked for in the address (`?tz=`), then the person's own zone (their
    choice, else their country's), then the programme's zone.
    """
    default = _own_zone(user) if user.is_authenticated else None
    default = default or programme.zone
    if not requested:
        return default, None
    zone = zone_or_none(requested.strip())
    if zone:
        return zone, None
    message = _(
        "“%(zone)s” is not a time zone we know. Use a name such as America/Mexico_City "
        "or America/Santo_Domingo. Times are shown in %(fallback)s."
    ) % {"zone": requested, "fallback": zone_name(default)}
    return default, message


def reader_zone(request, programme) -> zoneinfo.ZoneInfo:
    """The zone a page of `programme` shows times in for this request, as `viewer_zone`
    decides it (an unknown `?tz=` falls back quietly: the agenda's pages say so)."""
    return viewer_zone(request.GET.get("tz"), request.user, programme)[0]


def _own_zone(user) -> zoneinfo.ZoneInfo | None:
    """The person's own choice, else their country's zone (`User.preferred_time_zone`),
    without reading the country on every page: the countries' zones are kept a while."""
    if user.time_zone or not user.country_id:
        return zone_or_none(user.time_zone)
    zones = kept("country-zones", lambda: dict(Country.objects.values_list("pk", "time_zone")))
    return zone_or_none(zones.get(user.country_id, ""))


def utc_offset_label(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """`UTC−05:00` for the offset in force in `zone` at `moment`."""
    return offset_label(moment.astimezone(zone).utcoffset())


@dataclass(frozen=True)
class TimeLabels:
    """What the agenda's two times are called: the viewer's ("your time, Tegucigalpa")
    first, the programme's ("programme time, Mexico City") beside it; when both zones are
    one, a single time named by its zone ("Mexico City Time") and `differ` false."""

    viewer: str
    programme: str
    differ: bool


def time_labels(viewer: zoneinfo.ZoneInfo, programme_zone: zoneinfo.ZoneInfo) -> TimeLabels:
    if viewer.key == programme_zone.key:
        name = zone_name(viewer)
        return TimeLabels(viewer=name, programme=name, differ=False)
    return TimeLabels(
        viewer=_("your time, %(place)s") % {"place": zone_place(viewer)},
        programme=_("programme time, %(place)s") % {"place": zone_place(programme_zone)},
        differ=True,
    )


def zone_choices(
    programme, current: zoneinfo.ZoneInfo | None = None, members=None
) -> list[tuple[str, str]]:
    """The zones a picker offers, as (key, label): the programme's first, then its member
    countries' zones, each once, labelled with its name and the countries that use it
    ("Santo Domingo Time — Dominican Republic"), then UTC, then `current` if it is none of
    these. The values stay keys (`?tz=`, the form's value); the labels name places.
    `members`: the programme's MemberCountry rows with their countries, when already read."""
    if members is None:
        members = programme.member_countries.select_related("country")
    countries: dict[str, list[str]] = {}
    for member in members:
        if member.country.time_zone:
            countries.setdefault(member.country.time_zone, []).append(str(member.country.name))
    programme_label = _("%(zone)s (the programme's zone)") % {
        "zone": zone_name(programme.time_zone)
    }
    others = [
        (key, _with_countries(zone_name(key), names))
        for key, names in countries.items()
        if key != programme.time_zone
    ]
    choices = [
        (programme.time_zone, _with_countries(programme_label, countries.get(programme.time_zone))),
        *sorted(others, key=lambda choice: choice[1]),
    ]
    for key in ("UTC", current.key if current else None):
        if key and key not in dict(choices):
            choices.append((key, zone_name(key)))
    return choices


def _with_countries(label: str, countries: list[str] | None) -> str:
    return f"{label} — {', '.join(sorted(countries))}" if countries else label
