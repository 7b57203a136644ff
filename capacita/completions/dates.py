"""Dates as Moodle writes them in its reports: the site's short format in a given order, ISO
dates, and the long forms in English or Spanish. Pure Python."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext as _

from capacita.shared.errors import UserError
from capacita.shared.typed_text import without_accents

DATE_ORDERS = ("dmy", "mdy", "ymd")


def order_label(order: str) -> str:
    return {
        "dmy": _("day/month/year"),
        "mdy": _("month/day/year"),
        "ymd": _("year/month/day"),
    }[order]


def clean_text(text: str) -> str:
    """A cell's text: NFC, no control or invisible characters, single spaces, trimmed."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(
        " " if unicodedata.category(char) == "Cc" else char
        for char in text
        if unicodedata.category(char) != "Cf"
    )
    return " ".join(text.split())


class DateError(UserError, ValueError):
    """A date that cannot be read; `message` says so in the active language."""


MONTHS = {
    "january": 1, "jan": 1, "enero": 1, "ene": 1,
    "february": 2, "feb": 2, "febrero": 2,
    "march": 3, "mar": 3, "marzo": 3,
    "april": 4, "apr": 4, "abril": 4, "abr": 4,
    "may": 5, "mayo": 5,
    "june": 6, "jun": 6, "junio": 6,
    "july": 7, "jul": 7, "julio": 7,
    "august": 8, "aug": 8, "agosto": 8, "ago": 8,
    "september": 9, "sep": 9, "sept": 9, "septiembre": 9, "setiembre": 9, "set": 9,
    "october": 10, "oct": 10, "octubre": 10,
    "november": 11, "nov": 11, "noviembre": 11,
    "december": 12, "dec": 12, "diciembre": 12, "dic": 12,
}  # fmt: skip
# Words a long date may carry besides its day, month and year: weekdays, "de", "at", ordinals.
IGNORED_WORDS = frozenset(
    {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
        "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
        "de", "del", "at", "a", "las", "la", "el", "on", "the", "of", "y", "and",
        "st", "nd", "rd", "th", "hrs", "h", "dia",
    }
)  # fmt: skip
TIME = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?!\d)\s*(am|pm)?(?![a-z])")
ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:z|[+-]\d{2}:?\d{2})?$"
)


def parse_moodle_date(text: str, order: str = "dmy") -> dt.datetime:
    """A date as Moodle writes it, as a datetime: naive (in the site's zone), or aware when
    the text names its offset (ISO 8601).

    Reads the short format in the given order (`03/11/21, 10:22`, `3/11/2021`, `03.11.2021
    10:22`, `11/3/21, 10:22 AM` with "mdy"), ISO dates (`2021-11-03 10:22`), and the long
    forms in English or Spanish (`Wednesday, 3 November 2021, 10:22 AM`, `miércoles, 3 de
    noviembre de 2021, 10:22`). Two-digit years are of this century. Raises DateError.
    """
    original = clean_text(text)
    lowered = without_accents(original).lower()
    lowered = re.sub(r"\b([ap])\.?\s*m\.?(?![a-z])", r"\1m", lowered)
    if ISO.match(lowered):
        try:
            return dt.datetime.fromisoformat(lowered.upper().replace("Z", "+00:00"))
        except ValueError as error:
            raise _unreadable(original, order) from error

    hour = minute = second = 0
    time = TIME.search(lowered)
    if time:
        hour, minute = int(time[1]), int(time[2])
        second = int(time[3] or 0)
        meridiem = time[4]
        if meridiem and not 1 <= hour <= 12:
            raise _unreadable(original, order)
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        lowered = lowered[: time.start()] + " " + lowered[time.end() :]

    numbers: list[str] = []
    month = None
    for token in re.findall(r"[a-z]+|\d+", lowered):
        if token.isdigit():
            numbers.append(token)
        elif token in MONTHS and month is None:
            month = MONTHS[token]
        elif token not in IGNORED_WORDS:
            raise _unreadable(original, order)
    try:
        if month is not None:
            if len(numbers) != 2:
                raise ValueError(original)
            # The year has four digits, or comes last ("3 Nov 21", "Nov 3, 21").
            if len(numbers[0]) == 4:
                year, day = numbers
            else:
                day, year = numbers
        else:
            if len(numbers) != 3:
                raise ValueError(original)
            if len(numbers[0]) == 4 or order == "ymd":
                year, month, day = numbers
            elif order == "mdy":
                month, day, year = numbers
            else:
                day, month, year = numbers
        year = int(year)
        if year < 100:
            year += 2000
        return dt.datetime(year, int(month), int(day), hour, minute, second)
    except ValueError as error:
        raise _unreadable(original, order) from error


def _unreadable(text: str, order: str) -> DateError:
    return DateError(
        _("The date “%(text)s” cannot be read as %(order)s.")
        % {"text": text, "order": order_label(order)}
    )
