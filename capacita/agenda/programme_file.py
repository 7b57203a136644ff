"""Reading, checking and loading a programme file (see docs/programme-file.md).

`read_programme_file` turns YAML text into a checked `ProgrammeSpec` or raises
`ProgrammeFileError` listing every mistake with its place in the file;
`load_programme` saves a checked spec in one transaction, creating or updating the
programme found by its slug.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from capacita.programmes.events import progress_changed
from capacita.programmes.models import (
    Country,
    Programme,
)
from capacita.shared.bilingual import LANGUAGE_CODES
from capacita.shared.errors import UserError
from capacita.shared.formats import clock
from capacita.shared.zones import known_zone_names

from .models import AgendaItem, AgendaParticipant, VirtualSession

CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
ITEM_KINDS = (
    "welcome",
    "presentation",
    "questions",
    "panel",
    "group_work",
    "plenary",
    "test",
    "closing",
)


class ProgrammeFileError(UserError):
    """The file cannot be loaded; `errors` (and `problems`) list each mistake as
    “place: message”."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors), errors)
        self.errors = errors


@dataclass
class ProgrammeSpec:
    """A programme file that passed every check, with its times already in UTC."""

    data: dict[str, Any]
    zone: zoneinfo.ZoneInfo
    sessions: list[dict[str, Any]] = field(default_factory=list)


class _Checker:
    def __init__(self):
        self.errors: list[str] = []

    def error(self, place: str, message: str) -> None:
        self.errors.append(f"{place}: {message}" if place else message)

    def mapping(self, value, place) -> dict | None:
        if not isinstance(value, dict):
            self.error(place, _("expected a mapping of keys to values"))
            return None
        return value

    def items(self, data: dict, key: str, place: str, required=True) -> list:
        value = data.get(key)
        if value is None:
            if required:
                self.error(place + key, _("a list is required"))
            return []
        if not isinstance(value, list):
            self.error(place + key, _("expected a list"))
            return []
        return value

    def text(
        self, data: dict, key: str, place: str, required=True, max_length: int | None = None
    ) -> dict[str, str] | None:
        result = self._text(data, key, place, required)
        if result and max_length:
            for code, part in result.items():
                if len(part) > max_length:
                    self.too_long(f"{place}{key}.{code}", max_length)
        return result

    def too_long(self, where: str, max_length: int) -> None:
        self.error(where, _("too long: at most %(count)s characters") % {"count": max_length})

    def _text(self, data: dict, key: str, place: str, required: bool) -> dict[str, str] | None:
        value = data.get(key)
        where = place + key
        if value is None or value == "":
            if required:
                self.error(where, _("a text in Spanish and English is required"))
            return dict.fromkeys(LANGUAGE_CODES, "") if not required else None
        if isinstance(value, str | int | float):
            return {code: str(value).strip() for code in LANGUAGE_CODES}
        if not isinstance(value, dict):
            self.error(where, _("expected a text such as {es: “…”, en: “…”}"))
            return None
        result = {}
        for code in LANGUAGE_CODES:
            part = value.get(code)
            if not isinstance(part, str) or not part.strip():
                self.error(f"{where}.{code}", _("the text is missing in this language"))
            else:
                result[code] = part.strip()
        unknown = sorted(set(value) - set(LANGUAGE_CODES))
        if unknown:
            self.error(
                where,
                _("unknown languages: %(codes)s (use es and en)") % {"codes": ", ".join(unknown)},
            )
        return result if len(result) == len(LANGUAGE_CODES) else None

    def string(
        self, data: dict, key: str, place: str, required=True, max_length: int | None = None
    ) -> str | None:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(place + key, _("a value is required"))
            return None
        if not isinstance(value, str):
            self.error(place + key, _("expected text"))
            return None
        if max_length and len(value.strip()) > max_length:
            self.too_long(place + key, max_length)
            return None
        return value.strip()

    def code(self, data: dict, key: str, place: str, max_length: int = 60) -> str | None:
        value = self.string(data, key, place, max_length=max_length)
        if value is not None and not CODE_RE.match(value):
            self.error(
                place + key,
                _("“%(value)s” is not a code: use lower-case words joined by hyphens")
                % {"value": value},
            )
            return None
        return value

    def date(self, data: dict, key: str, place: str, required=True) -> dt.date | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(place + key, _("a date (YYYY-MM-DD) is required"))
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value.strip())
        if not isinstance(value, dt.date):
            self.error(place + key, _("“%(value)s” is not a date (YYYY-MM-DD)") % {"value": value})
            return None
        return value

    def time(self, data: dict, key: str, place: str, required=True) -> dt.time | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(place + key, _("a time (HH:MM) is required"))
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads an unquoted 14:00 as the sexagesimal number 840.
            value = f"{value // 60:02d}:{value % 60:02d}"
        match = TIME_RE.match(str(value).strip())
        if not match:
            self.error(
                place + key, _("“%(value)s” is not a time of day (HH:MM)") % {"value": value}
            )
            return None
        return dt.time(int(match[1]), int(match[2]))

    def boolean(self, data: dict, key: str, place: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error(place + key, _("expected true or false"))
            return default
        return value

    def url(self, data: dict, key: str, place: str, required=False, max_length=500) -> str:
        value = self.string(data, key, place, required=required, max_length=max_length)
        if value is None:
            return ""
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            self.error(place + key, _("“%(value)s” is not a web address") % {"value": value})
            return ""
        return value

    def email(self, data: dict, key: str, place: str, max_length=254) -> str:
        value = self.string(data, key, place, required=False, max_length=max_length)
        if value is None:
            return ""
        try:
            validate_email(value)
        except ValidationError:
            self.error(place + key, _("“%(value)s” is not an e-mail address") % {"value": value})
            return ""
        return value

    def zone(self, data: dict, key: str, place: str) -> zoneinfo.ZoneInfo | None:
        value = self.string(data, key, place)
        if value is None:
            return None
        if value not in known_zone_names():
            self.error(
                place + key,
                _("“%(value)s” is not a time zone name such as America/Mexico_City")
                % {"value": value},
            )
            return None
        return zoneinfo.ZoneInfo(value)

    def languages(self, data: dict, key: str, place: str) -> list[str] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or any(code not in LANGUAGE_CODES for code in value):
            self.error(place + key, _("expected a list of language codes: es, en"))
            return None
        return list(value)

    def unique(self, values: list, place: str, what: str) -> None:
        seen = set()
        for value in values:
            if value is None:
                continue
            if value in seen:
                self.error(
                    place, _("%(what)s “%(value)s” appears twice") % {"what": what, "value": value}
                )
            seen.add(value)


def _exists(day: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> bool:
    """False for a wall-clock time skipped when the clocks went forward."""
    wall = dt.datetime.combine(day, time)
    back = wall.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    return back == wall


def _in_zone(day: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """A wall-clock time in the programme's zone, as an aware UTC datetime."""
    return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)


def check_programme(data: Any) -> ProgrammeSpec:
    """Check a parsed programme file; raise ProgrammeFileError with every mistake found."""
    c = _Checker()
    if c.mapping(data, "") is None:
        raise ProgrammeFileError(c.errors)

    slug = c.code(data, "slug", "", max_length=60)
    zone = c.zone(data, "time_zone", "")
    start_date = c.date(data, "start_date", "")
    end_date = c.date(data, "end_date", "")
    if start_date and end_date and end_date < start_date:
        c.error("end_date", _("the programme cannot end before it starts"))
    c.text(data, "title", "", max_length=300)
    for key in ("description", "general_objective", "methodology", "participation"):
        c.text(data, key, "")
    c.text(data, "subtitle", "", required=False, max_length=300)
    c.languages(data, "interpretation", "")
    c.email(data, "contact_email", "")

    objectives = c.items(data, "specific_objectives", "")
    for i, objective in enumerate(objectives):
        if not isinstance(objective, dict | str):
            c.error(f"specific_objectives[{i + 1}]", _("expected a text"))
        else:
            c.text({"text": objective}, "text", f"specific_objectives[{i + 1}].")

    for list_key, required_texts in (
        ("organisers", {"name": 200}),
        ("profiles", {"name": 300}),
        ("structure", {"activity": 300, "content": None}),
    ):
        codes = []
        for i, entry in enumerate(c.items(data, list_key, "")):
            place = f"{list_key}[{i + 1}]."
            if c.mapping(entry, place[:-1]) is None:
                continue
            if list_key != "structure":
                codes.append(c.code(entry, "code", place, max_length=40))
            for key, max_length in required_texts.items():
                c.text(entry, key, place, max_length=max_length)
            if list_key == "organisers":
                c.text(entry, "acronym", place, required=False, max_length=20)
                c.text(entry, "role", place, required=False)
                c.url(entry, "url", place, max_length=200)
        c.unique(codes, list_key, _("the code"))

    country_codes = []
    for i, entry in enumerate(c.items(data, "countries", "")):
        place = f"countries[{i + 1}]."
        if c.mapping(entry, place[:-1]) is None:
            continue
        code = c.string(entry, "code", place)
        if code is not None and not re.match(r"^[A-Z]{2}$", code):
            c.error(
                place + "code",
                _("“%(value)s” is not an ISO country code (two capital letters)") % {"value": code},
            )
        country_codes.append(code)
        c.text(entry, "name", place, max_length=100)
        c.zone(entry, "time_zone", place)
        quota = entry.get("quota")
        if not isinstance(quota, int) or isinstance(quota, bool) or quota < 0:
            c.error(place + "quota", _("expected a whole number, zero or more"))
    c.unique(country_codes, "countries", _("the country"))

    person_keys = []
    for i, entry in enumerate(c.items(data, "people", "")):
        place = f"people[{i + 1}]."
        if c.mapping(entry, place[:-1]) is None:
            continue
        person_keys.append(c.code(entry, "key", place, max_length=80))
        c.text(entry, "name", place, max_length=300)
        c.text(entry, "position", place, required=False, max_length=300)
        c.text(entry, "organisation", place, required=False, max_length=300)
    c.unique(person_keys, "people", _("the key"))
    known_people = {key for key in person_keys if key}

    course_codes = []
    for i, entry in enumerate(c.items(data, "courses", "")):
        place = f"courses[{i + 1}]."
        if c.mapping(entry, place[:-1]) is None:
            continue
        course_codes.append(c.code(entry, "code", place))
        c.text(entry, "title", place, max_length=300)
        c.text(entry, "provider", place, max_length=200)
        c.text(entry, "description", place, required=False)
        c.url(entry, "url", place, required=True)
        c.boolean(entry, "required", place, default=True)
        c.date(entry, "deadline", place, required=False)
    c.unique(course_codes, "courses", _("the code"))

    sessions = []
    numbers = []
    for i, entry in enumerate(c.items(data, "sessions", "")):
        place = f"sessions[{i + 1}]."
        if c.mapping(entry, place[:-1]) is None:
            continue
        number = entry.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            c.error(place + "number", _("expected a whole number, 1 or more"))
            number = None
        numbers.append(number)
        c.text(entry, "title", place, max_length=300)
        day = c.date(entry, "date", place)
        start = c.time(entry, "start", place)
        end = c.time(entry, "end", place)
        if start and end and end <= start:
            c.error(place + "end", _("a session must end after it starts"))
        if day and zone:
            for key, value in (("start", start), ("end", end)):
                if value and not _exists(day, value, zone):
                    c.error(
                        place + key,
                        _("%(time)s does not exist in %(zone)s on that day: the clocks changed")
                        % {"time": clock(value), "zone": zone.key},
                    )
        c.url(entry, "meeting_url", place)
        c.url(entry, "recording_url", place)
        c.languages(entry, "interpretation", place)
        items = []
        for j, item in enumerate(c.items(entry, "items", place, required=False)):
            item_place = f"{place}items[{j + 1}]."
            if c.mapping(item, item_place[:-1]) is None:
                continue
            item_start = c.time(item, "start", item_place)
            item_end = c.time(item, "end", item_place, required=False)
            if item_start and item_end and item_end < item_start:
                c.error(item_place + "end", _("an agenda item cannot end before it starts"))
            if start and end and start < end:
                for key, value in (("start", item_start), ("end", item_end)):
                    if value and not start <= value <= end:
                        c.error(
                            item_place + key,
                            _("%(time)s is outside the session's times (%(start)s–%(end)s)")
                            % {
                                "time": clock(value),
                                "start": clock(start),
                                "end": clock(end),
                            },
                        )
            if item.get("kind") not in ITEM_KINDS:
                c.error(
                    item_place + "kind",
                    _("“%(value)s” is not one of: %(kinds)s")
                    % {"value": item.get("kind"), "kinds": ", ".join(ITEM_KINDS)},
                )
            c.text(item, "title", item_place, max_length=500)
            c.text(item, "description", item_place, required=False)
            c.boolean(item, "to_be_confirmed", item_place, default=False)
            parts = {}
            for role in ("facilitators", "speakers"):
                parts[role] = []
                for k, part in enumerate(c.items(item, role, item_place, required=False)):
                    part_place = f"{item_place}{role}[{k + 1}]"
                    if isinstance(part, dict):
                        key = part.get("person")
                        tbc = part.get("to_be_confirmed", False)
                        if not isinstance(tbc, bool):
                            c.error(part_place + ".to_be_confirmed", _("expected true or false"))
                    else:
                        key, tbc = part, False
                    if not isinstance(key, str) or key not in known_people:
                        c.error(
                            part_place,
                            _("“%(value)s” is not the key of any entry under people")
                            % {"value": key},
                        )
                        continue
                    if key in [known for known, _tbc in parts[role]]:
                        c.error(part_place, _("“%(value)s” is listed twice") % {"value": key})
                        continue
                    parts[role].append((key, tbc is True))
            if day and zone and item_start:
                items.append(
                    {
                        "data": item,
                        "starts_at": _in_zone(day, item_start, zone),
                        "ends_at": _in_zone(day, item_end, zone) if item_end else None,
                        "parts": parts,
                    }
                )
        if day and zone and start and end:
            sessions.append(
                {
                    "data": entry,
                    "number": number,
                    "starts_at": _in_zone(day, start, zone),
                    "ends_at": _in_zone(day, end, zone),
                    "items": items,
                }
            )
    c.unique(numbers, "sessions", _("the session number"))

    if c.errors:
        raise ProgrammeFileError(c.errors)
    # Narrows the types: a missing slug or zone is an error raised above.
    assert slug and zone  # nosec B101
    return ProgrammeSpec(data=data, zone=zone, sessions=sessions)


def read_programme_file(path: str | Path) -> ProgrammeSpec:
    """Read and check a programme file from disk."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ProgrammeFileError([_("cannot read the file: %(reason)s") % {"reason": exc}]) from exc
    except UnicodeDecodeError as exc:
        raise ProgrammeFileError([_("the file is not UTF-8 text")]) from exc
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        message = _("this is not valid YAML (%(problem)s)") % {
            "problem": getattr(exc, "problem", None) or exc
        }
        if mark:
            message = _("line %(line)s") % {"line": mark.line + 1} + ": " + message
        raise ProgrammeFileError([message]) from exc
    return check_programme(data)


def _text(entry: dict, key: str, field_name: str | None = None) -> dict[str, str]:
    """Model keyword arguments for a bilingual text: `{name_es: …, name_en: …}`."""
    value = entry.get(key) or ""
    field_name = field_name or key
    if isinstance(value, dict):
        return {f"{field_name}_{code}": str(value.get(code, "")).strip() for code in LANGUAGE_CODES}
    return {f"{field_name}_{code}": str(value).strip() for code in LANGUAGE_CODES}


def _sync(queryset, key_field: str, wanted: dict[Any, dict]) -> None:
    """Make the rows of `queryset` exactly `wanted` (key → field values): update, add, remove."""
    existing = {getattr(obj, key_field): obj for obj in queryset}
    for key, values in wanted.items():
        obj = existing.pop(key, None)
        if obj is None:
            queryset.model.objects.create(**{key_field: key}, **values)
        else:
            for name, value in values.items():
                setattr(obj, name, value)
            obj.save()
    for obj in existing.values():
        obj.delete()


@transaction.atomic
def load_programme(spec: ProgrammeSpec) -> Programme:
    """Create or update the programme a checked file describes, all in one transaction.

    Rows the file no longer lists (countries, profiles, courses, sessions, items) are removed
    from the programme; countries themselves stay, as other programmes may use them.
    """
    data = spec.data
    zone = spec.zone
    programme = Programme.objects.filter(slug=data["slug"]).first() or Programme(slug=data["slug"])
    for key in (
        "title",
        "subtitle",
        "description",
        "general_objective",
        "methodology",
        "participation",
    ):
        for name, value in _text(data, key).items():
            setattr(programme, name, value)
    programme.time_zone = data["time_zone"]
    programme.start_date = data["start_date"]
    programme.end_date = data["end_date"]
    programme.interpretation = ",".join(data.get("interpretation") or [])
    programme.contact_email = (data.get("contact_email") or "").strip()
    programme.full_clean()
    programme.save()

    _sync(
        programme.specific_objectives.all(),
        "position",
        {
            i + 1: {"programme": programme, **_text({"t": text}, "t", "text")}
            for i, text in enumerate(data["specific_objectives"])
        },
    )
    _sync(
        programme.structure.all(),
        "position",
        {
            i + 1: {
                "programme": programme,
                **_text(row, "activity"),
                **_text(row, "content"),
            }
            for i, row in enumerate(data["structure"])
        },
    )
    _sync(
        programme.organisers.all(),
        "code",
        {
            row["code"]: {
                "programme": programme,
                "position": i + 1,
                "url": row.get("url") or "",
                **_text(row, "name"),
                **_text(row, "acronym"),
                **_text(row, "role"),
            }
            for i, row in enumerate(data["organisers"])
        },
    )
    kept_profiles = {row["code"] for row in data["profiles"]}
    in_use = sorted(
        programme.profiles.exclude(code__in=kept_profiles)
        .filter(nomination__isnull=False)
        .values_list("code", flat=True)
        .distinct()
    )
    if programme.pk and in_use:
        raise ProgrammeFileError(
            [
                "profiles: "
                + _("%(codes)s cannot be removed: nominations name them")
                % {"codes": ", ".join(in_use)}
            ]
        )
    _sync(
        programme.profiles.all(),
        "code",
        {
            row["code"]: {"programme": programme, "position": i + 1, **_text(row, "name")}
            for i, row in enumerate(data["profiles"])
        },
    )

    countries = {}
    for row in data["countries"]:
        country, _created = Country.objects.update_or_create(
            code=row["code"], defaults={"time_zone": row["time_zone"], **_text(row, "name")}
        )
        countries[row["code"]] = country
    _sync(
        programme.member_countries.all(),
        "country_id",
        {
            countries[row["code"]].pk: {"programme": programme, "quota": row["quota"]}
            for row in data["countries"]
        },
    )

    _sync(
        programme.people.all(),
        "key",
        {
            row["key"]: {
                "programme": programme,
                **_text(row, "name"),
                **_text(row, "position"),
                **_text(row, "organisation"),
            }
            for row in data["people"]
        },
    )
    people = {person.key: person for person in programme.people.all()}

    _sync(
        programme.courses.all(),
        "code",
        {
            row["code"]: {
                "programme": programme,
                "position": i + 1,
                "url": row["url"],
                "is_required": row.get("required", True),
                "deadline": _in_zone(_as_date(row["deadline"]), dt.time(23, 59, 59), zone)
                if row.get("deadline")
                else None,
                **_text(row, "title"),
                **_text(row, "provider"),
                **_text(row, "description"),
            }
            for i, row in enumerate(data["courses"])
        },
    )

    default_interpretation = ",".join(data.get("interpretation") or [])
    _sync(
        programme.sessions.all(),
        "number",
        {
            session["number"]: {
                "programme": programme,
                "starts_at": session["starts_at"],
                "ends_at": session["ends_at"],
                "meeting_url": session["data"].get("meeting_url") or "",
                "recording_url": session["data"].get("recording_url") or "",
                "interpretation": ",".join(session["data"]["interpretation"])
                if session["data"].get("interpretation") is not None
                else default_interpretation,
                **_text(session["data"], "title"),
            }
            for session in spec.sessions
        },
    )
    sessions = {session.number: session for session in programme.sessions.all()}
    for session in spec.sessions:
        record: VirtualSession = sessions[session["number"]]
        record.items.all().delete()
        for position, item in enumerate(session["items"], start=1):
            agenda_item = AgendaItem.objects.create(
                session=record,
                position=position,
                starts_at=item["starts_at"],
                ends_at=item["ends_at"],
                kind=item["data"]["kind"],
                to_be_confirmed=item["data"].get("to_be_confirmed", False),
                **_text(item["data"], "title"),
                **_text(item["data"], "description"),
            )
            AgendaParticipant.objects.bulk_create(
                AgendaParticipant(
                    item=agenda_item,
                    person=people[key],
                    role=role.rstrip("s"),
                    position=order,
                    to_be_confirmed=tbc,
                )
                for role, parts in item["parts"].items()
                for order, (key, tbc) in enumerate(parts)
            )
    # Sessions, courses and the rule may have changed: every participant's standing with it.
    progress_changed(programme)
    return programme


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
