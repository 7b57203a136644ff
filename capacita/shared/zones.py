"""Time zones: which the tz database knows, checking a name given by a person, and naming a
zone for people ("hora de Ciudad de México", "Mexico City Time") in the active language.

A zone's key (`America/Mexico_City`) is for machines and for the `?tz=` of an address; every
page, e-mail, PDF and calendar text names a zone with `zone_name`, and a picker labels its
keys with it. The names come from the Unicode CLDR through Babel, not from a table of ours.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@cache
def known_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_or_none(name: str | None) -> zoneinfo.ZoneInfo | None:
    if name and name in known_zone_names():
        return zoneinfo.ZoneInfo(name)
    return None


def validate_time_zone(value: str) -> None:
    if value not in known_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as America/Mexico_City."),
            params={"value": value},
        )


def offset_label(offset: dt.timedelta | None) -> str:
    """`UTC−05:00` for an offset from UTC (a true minus sign, hours and minutes)."""
    minutes = int((offset or dt.timedelta(0)).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zone_name(zone, language: str | None = None) -> str:
    """The zone as people say it, in `language` (the active one by default): "hora de
    Ciudad de México", "Mexico City Time"; "UTC"; "UTC−05:00" for a fixed offset without a
    place (`Etc/GMT+5`). `zone`: a ZoneInfo or a key."""
    key, language = _key_and_language(zone, language)
    place = _place(key, language)
    if place is None:
        return _placeless(key)
    return _region_format(language) % place


def zone_place(zone, language: str | None = None) -> str:
    """The place that names the zone, in `language`: "Tegucigalpa", "Ciudad de México";
    for a zone without a place, as `zone_name` says it ("UTC")."""
    key, language = _key_and_language(zone, language)
    return _place(key, language) or _placeless(key)


def _key_and_language(zone, language: str | None) -> tuple[str, str]:
    key = str(getattr(zone, "key", zone) or "")
    language = (language or get_language() or settings.LANGUAGE_CODE).replace("-", "_")
    return key, language


@cache
def _place(key: str, language: str) -> str | None:
    """The CLDR's city for the zone in `language`, or None for a zone of no territory that
    keeps one offset all year (UTC, `Etc/GMT+5`)."""
    if key not in known_zone_names():
        return None
    canonical = get_global("zone_aliases").get(key, key)
    if get_global("zone_territories").get(canonical) in (None, "001", "ZZ"):
        winter, summer = _offsets(key)
        if winter == summer:
            return None
    return get_timezone_location(key, locale=language, return_city=True)


@cache
def _region_format(language: str) -> str:
    """The language's way of naming a zone by its place: "hora de %s", "%s Time"."""
    return Locale.parse(language).zone_formats["region"]


@cache
def _placeless(key: str) -> str:
    if key not in known_zone_names():
        return key
    winter, _summer = _offsets(key)
    return "UTC" if not winter else offset_label(winter)


def _offsets(key: str) -> tuple[dt.timedelta | None, dt.timedelta | None]:
    zone = zoneinfo.ZoneInfo(key)
    year = dt.date.today().year
    return (
        dt.datetime(year, 1, 1, tzinfo=zone).utcoffset(),
        dt.datetime(year, 7, 1, tzinfo=zone).utcoffset(),
    )
