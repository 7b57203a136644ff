"""The details of recorded decisions in the reader's language.

Each service writes its own details (`audit_record(details=…)`) with keys meant for
programs: `by_hand`, `placed`, `completed_at`. The audit log's page and its exports show
each of them with a label in the reader's language and a readable value: yes or no, a
person's name for their account's number or address, a course's title for its code, a
country's name for its code, a moment in the reader's zone. A key no label is known for
is shown in words all the same ("waiting_room_rows" → "Waiting room rows").

The people, courses and countries the details name are read in one query each, whatever
the number of events (`DetailReader` is built over all of them first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capacita.attendance.models import AttendanceRecord
from capacita.completions.models import CourseCompletion
from capacita.jobs.kinds import kind_of
from capacita.nominations.models import Nomination
from capacita.programmes.models import Country, Course, Role
from capacita.shared import formats
from capacita.shared.zones import zone_name, zone_or_none

LABELS = {
    # Several services
    "work": gettext_lazy("work asked for"),
    "language": gettext_lazy("language"),
    "session": gettext_lazy("session"),
    "sessions": gettext_lazy("sessions"),
    "user": gettext_lazy("person"),
    "email": gettext_lazy("e-mail"),
    "country": gettext_lazy("country"),
    "course": gettext_lazy("course"),
    "status": gettext_lazy("status"),
    "rows": gettext_lazy("rows"),
    "file": gettext_lazy("file"),
    "filename": gettext_lazy("file"),
    "sha256": gettext_lazy("file fingerprint"),
    "time_zone": gettext_lazy("time zone of the report"),
    "before": gettext_lazy("before"),
    "after": gettext_lazy("after"),
    # Personal access tokens
    "token_name": gettext_lazy("token's name"),
    "valid_days": gettext_lazy("valid for (days)"),
    # Certificates
    "code": gettext_lazy("certificate code"),
    "by_hand": gettext_lazy("issued by hand"),
    "replaces": gettext_lazy("replaces the certificate"),
    # Attendance
    "matched_rows": gettext_lazy("rows matched"),
    "unmatched_rows": gettext_lazy("rows matched to nobody"),
    "waiting_room_rows": gettext_lazy("waiting room rows"),
    "replaced_reports": gettext_lazy("earlier reports of the meeting replaced"),
    "present": gettext_lazy("people present"),
    "absent": gettext_lazy("people absent"),
    "excused": gettext_lazy("people excused"),
    "meeting": gettext_lazy("meeting"),
    "meeting_name": gettext_lazy("name in the meeting"),
    "meeting_email": gettext_lazy("e-mail in the meeting"),
    "imported_minutes": gettext_lazy("minutes in the reports"),
    "imported_status": gettext_lazy("status from the reports"),
    "previous_status": gettext_lazy("previous status"),
    "previous_reason": gettext_lazy("previous reason"),
    "withdrawn_status": gettext_lazy("status taken back"),
    "withdrawn_reason": gettext_lazy("reason taken back"),
    # Tests
    "kind": gettext_lazy("test"),
    # Nominations
    "changed": gettext_lazy("changes"),
    "via": gettext_lazy("how it was sent"),
    "over_quota": gettext_lazy("accepted over the quota"),
    # Course completion
    "matched": gettext_lazy("rows matched to participants"),
    "changed_count": gettext_lazy("records changed"),
    "unmatched": gettext_lazy("rows matched to nobody"),
    "problems": gettext_lazy("rows that could not be read"),
    "report": gettext_lazy("completion report number"),
    "row": gettext_lazy("row of the report"),
    "kept_by_hand": gettext_lazy("hand mark kept"),
    "completed": gettext_lazy("completed"),
    "completed_at": gettext_lazy("completed on"),
    "is_late": gettext_lazy("after the deadline"),
    "source": gettext_lazy("source"),
    "imported": gettext_lazy("figure from the learning site"),
    "imported_completed": gettext_lazy("completed (learning site)"),
    "imported_completed_at": gettext_lazy("completed on (learning site)"),
    # Enrolment on the learning site
    "participants": gettext_lazy("participants"),
    "courses": gettext_lazy("courses"),
    "unnamed_courses": gettext_lazy("courses naming no course of the learning site"),
    "accounts_created": gettext_lazy("accounts created"),
    "enrolments_made": gettext_lazy("enrolments made"),
    "already_enrolled": gettext_lazy("enrolments already there"),
    # Group work
    "placed": gettext_lazy("people placed in a group"),
    "unplaced": gettext_lazy("people in no group yet"),
    "group": gettext_lazy("group"),
    # Roles
    "role": gettext_lazy("role"),
    # A new edition made from a programme; a test opened or closed by hand
    "new_edition_of": gettext_lazy("made from"),
    "days_moved": gettext_lazy("days moved"),
    # A programme's settings changed in its page
    "fields": gettext_lazy("settings changed"),
    # Countries' quotas changed: each country's places before and after
    "quotas": gettext_lazy("quotas"),
    # A part of a programme edited in the console: which part, which item, what was done
    "part": gettext_lazy("part of the programme"),
    "item": gettext_lazy("item"),
    "change": gettext_lazy("change"),
    "questions": gettext_lazy("questions copied"),
    # A login lockout lifted
    "failures": gettext_lazy("failed logins"),
    # A person of the agenda linked to an account
    "person": gettext_lazy("person of the agenda"),
    "state": gettext_lazy("open or closed"),
    "organisation": gettext_lazy("organisation"),
    # Personal data
    "scope": gettext_lazy("anonymised"),
    "everywhere": gettext_lazy("people anonymised everywhere"),
    "in_programme": gettext_lazy("people anonymised in this programme only"),
    "nominations": gettext_lazy("nominations cleared"),
}

BOOLEAN_KEYS = frozenset(
    {"by_hand", "over_quota", "kept_by_hand", "completed", "is_late", "imported_completed"}
)

MOMENT_KEYS = frozenset({"completed_at", "imported_completed_at"})
ATTENDANCE_STATUS_KEYS = frozenset({"imported_status", "previous_status", "withdrawn_status"})
PEOPLE_KEYS = frozenset({"user"})


# Details are shown in the order of LABELS, whatever order the database returns them in
# (PostgreSQL's jsonb keeps no order); keys without a label come last, alphabetically.
ORDER = {key: position for position, key in enumerate(LABELS)}


def in_order(details: dict) -> list[tuple[str, object]]:
    return sorted(details.items(), key=lambda pair: (ORDER.get(pair[0], len(ORDER)), pair[0]))


def label_of(key: str) -> str:
    """The label of a key of the details, in the active language; an unknown key in words."""
    label = LABELS.get(key)
    if label is None:
        return capfirst(str(key).replace("_", " ").strip())
    return capfirst(str(label))


def yes_no(value) -> str:
    return _("Yes") if value else _("No")


class DetailReader:
    """Reads the details of `events` (an iterable of AuditEvent) for showing: the people,
    courses and countries they name are fetched once, when first needed."""

    def __init__(self, events: Iterable, *, programme=None, zone=None):
        self.events = list(events)
        self.programme = programme
        self.zone = zone if zone is not None else (programme.zone if programme else dt.UTC)
        self._people = None
        self._courses = None
        self._countries = None

    # --- What the details name, read once --------------------------------------------------

    def _named(self, key: str) -> set:
        values = set()
        for event in self.events:
            details = event.details if isinstance(event.details, dict) else {}
            value = details.get(key)
            if isinstance(value, int | str) and not isinstance(value, bool) and value != "":
                values.add(value)
        return values

    def people(self) -> dict:
        if self._people is None:
            named = set().union(*(self._named(key) for key in PEOPLE_KEYS))
            ids = {value for value in named if isinstance(value, int)}
            emails = {value.lower() for value in named if isinstance(value, str) and "@" in value}
            self._people = {}
            if ids or emails:
                users = get_user_model().objects.annotate(email_lower=Lower("email"))
                for user in users.filter(Q(pk__in=ids) | Q(email_lower__in=emails)):
                    name = user.get_full_name() or user.email
                    self._people[user.pk] = name
                    self._people[user.email.lower()] = name
        return self._people

    def courses(self) -> dict:
        if self._courses is None:
            codes = {str(value) for value in self._named("course")}
            courses = Course.objects.filter(code__in=codes)
            if self.programme is not None:
                courses = courses.filter(programme=self.programme)
            self._courses = {course.code: course.title for course in courses} if codes else {}
        return self._courses

    def countries(self) -> dict:
        if self._countries is None:
            codes = {str(value) for value in self._named("country")}
            self._countries = (
                {country.code: country.name for country in Country.objects.filter(code__in=codes)}
                if codes
                else {}
            )
        return self._countries

    # --- Each event's details --------------------------------------------------------------

    def lines(self, event) -> list[tuple[str, str]]:
        """(label, value) for each detail of `event`, in the order of LABELS."""
        details = event.details
        if not details:
            return []
        if not isinstance(details, dict):
            return [(label_of("details"), self.value("", details, event.action))]
        return [
            (label_of(self._key(key, event.action)), self.value(key, value, event.action))
            for key, value in in_order(details)
        ]

    def text(self, event) -> str:
        """The details in one line: "label: value; label: value"."""
        return "; ".join(f"{label}: {value}" for label, value in self.lines(event))

    def _key(self, key: str, action: str) -> str:
        # A completion report's "changed" counts records; a nomination's lists its changes.
        if key == "changed" and action.startswith("completion."):
            return "changed_count"
        return key

    def value(self, key: str, value, action: str = "") -> str:
        if value is None or value == "":
            return "—"
        if key in BOOLEAN_KEYS and isinstance(value, bool | str):
            if isinstance(value, str):
                if value not in ("True", "False"):
                    return value
                value = value == "True"
            return yes_no(value)
        if isinstance(value, bool):
            return yes_no(value)
        if key in PEOPLE_KEYS:
            return self._person(value)
        if key == "course":
            return self.courses().get(str(value), str(value))
        if key == "country":
            return self.countries().get(str(value), str(value))
        if key in MOMENT_KEYS:
            return self._moment(value)
        if (key == "status" and action.startswith("attendance.")) or key in ATTENDANCE_STATUS_KEYS:
            return _choice("attendance", value)
        if key == "status" and action.startswith("nomination."):
            return _choice("nomination", value)
        if key == "source":
            return _choice("completion_source", value)
        if key == "kind":
            return {"pre": _("pre-test"), "post": _("post-test")}.get(value, str(value))
        if key == "role":
            return _choice("role", value)
        if key == "work":
            kind = kind_of(str(value))
            return str(kind.title) if kind else str(value)
        if key == "language":
            return {"es": _("Spanish"), "en": _("English")}.get(value, str(value))
        if key == "scope":
            return {
                "everything": _("everywhere"),
                "programme": _("in this programme only"),
            }.get(value, str(value))
        if key == "via":
            return {"import": _("in a list (file)"), "form": _("one by one")}.get(value, str(value))
        if key == "time_zone":
            zone = zone_or_none(str(value))
            return zone_name(zone) if zone else str(value)
        if key == "sha256" and isinstance(value, str):
            return value[:12] + "…" if len(value) > 12 else value
        if key == "changed" and isinstance(value, dict):
            return self._changes(value)
        if isinstance(value, dict):
            return (
                "("
                + ", ".join(
                    f"{label_of(inner)}: {self.value(inner, item, action)}"
                    for inner, item in in_order(value)
                )
                + ")"
            )
        if isinstance(value, list):
            return ", ".join(self.value(key, item, action) for item in value)
        return str(value)

    def _person(self, value) -> str:
        people = self.people()
        found = people.get(value.lower() if isinstance(value, str) else value)
        if found:
            return found
        if isinstance(value, int):
            return _("account no. %(number)s") % {"number": value}
        return str(value)

    def _moment(self, value) -> str:
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return formats.when(moment, self.zone)

    def _changes(self, changes: dict) -> str:
        parts = []
        for name, pair in sorted(changes.items()):
            try:
                field = Nomination._meta.get_field(name)
                label = capfirst(str(field.verbose_name))
                choices = dict(field.choices or [])
            except FieldDoesNotExist:  # a field no longer on the model
                label, choices = label_of(name), {}
            if isinstance(pair, list | tuple) and len(pair) == 2:
                before, after = (str(choices.get(item, item)) or "—" for item in pair)
                parts.append(f"{label}: {before} → {after}")
            else:
                parts.append(f"{label}: {pair}")
        return ", ".join(parts)


def _choice(kind: str, value) -> str:
    """A stored choice's label in the active language (the value itself if unknown)."""
    choices = {
        "attendance": AttendanceRecord.Status,
        "nomination": Nomination.Status,
        "completion_source": CourseCompletion.Source,
        "role": Role,
    }[kind]
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)
