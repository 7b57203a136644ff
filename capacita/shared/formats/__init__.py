"""The one way dates and times are written, in each language, across the platform: pages,
e-mails, PDFs, the calendar's text and the administration site.

English "Tuesday 26 October 2021, 15:00", Spanish "martes 26 de octubre de 2021, 15:00": the
weekday, the day, the month's name, the year, and a 24-hour clock. The patterns are Django's
DATE_FORMAT, DATETIME_FORMAT and TIME_FORMAT of `capacita/shared/formats/<language>/formats.py`
(FORMAT_MODULE_PATH), so that whatever Django writes by itself (the administration site's
lists and read-only fields) says it the same way. Templates use the filters of the same names
(`{% load capacita %}`: `{{ value|when }}`, `{{ value|day:zone }}`, `{{ value|clock }}`).

Machine-readable dates (the `datetime` attribute of `<time>`, CSV, workbooks, JSON, the
calendar's DTSTART) stay in ISO 8601.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone
from django.utils.formats import date_format, time_format


def when(value, zone=None, *, convert: bool = True) -> str:
    """A moment with its date and time ("Tuesday 26 October 2021, 15:00"), a date alone
    ("Tuesday 26 October 2021"); "" for None.

    An aware datetime is shown in `zone` (a ZoneInfo or a key), else in the active zone;
    `convert=False` shows it in its own (the template filters, whose value Django has
    already brought to the zone the template asks for)."""
    return _written(value, zone, convert, "DATETIME_FORMAT")


def day(value, zone=None, *, convert: bool = True) -> str:
    """The date of a moment (in `zone`, as `when` reads it) or a date: "Tuesday 26 October
    2021"; "" for None."""
    return _written(value, zone, convert, "DATE_FORMAT")


def clock(value, zone=None, *, convert: bool = True) -> str:
    """The time of a moment (in `zone`, as `when` reads it) or a time, on a 24-hour clock:
    "15:00"; "" for None."""
    return _written(value, zone, convert, "TIME_FORMAT")


def _written(value, zone, convert: bool, moment_format: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return date_format(_in_zone(value, zone, convert), moment_format)
    if isinstance(value, dt.time):
        return time_format(value, "TIME_FORMAT")
    return date_format(value, "DATE_FORMAT")


def _in_zone(value: dt.datetime, zone, convert: bool) -> dt.datetime:
    if timezone.is_naive(value):
        return value
    if zone:
        return value.astimezone(zone if isinstance(zone, dt.tzinfo) else zoneinfo.ZoneInfo(zone))
    return timezone.localtime(value) if convert else value
