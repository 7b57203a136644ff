"""Time zone names: which the tz database knows, and checking a name given by a person."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
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
