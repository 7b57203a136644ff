"""Showing programme times in the viewer's time zone, with the programme's zone beside them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils.translation import gettext as _

from capacita.page_cache import kept
from capacita.programmes.models import Country
from capacita.zones import zone_or_none


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
    ) % {"zone": requested, "fallback": default.key}
    return default, message


def _own_zone(user) -> zoneinfo.ZoneInfo | None:
    """The person's own choice, else their country's zone (`User.preferred_time_zone`),
    without reading the country on every page: the countries' zones are kept a while."""
    if user.time_zone or not user.country_id:
        return zone_or_none(user.time_zone)
    zones = kept("country-zones", lambda: dict(Country.objects.values_list("pk", "time_zone")))
    return zone_or_none(zones.get(user.country_id, ""))


def utc_offset_label(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """`UTC−05:00` for the offset in force in `zone` at `moment`."""
    offset = moment.astimezone(zone).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
