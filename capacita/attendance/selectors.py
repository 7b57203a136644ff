"""Reading attendance for the managers' pages: a fixed number of queries, however many
people a programme has."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Sum

from capacita.programmes.models import Country, Membership, Role

from .matching import COUNTED_ROLES
from .models import AttendanceRecord, JoinInterval, MeetingReport, NameMatch
from .services import scheduled_seconds, unmatched_groups

ROLE_ORDER = {Role.PARTICIPANT: 0, Role.OBSERVER: 1, Role.FACILITATOR: 2}


@dataclass
class PersonLine:
    """One person on a session's page: who, in what role, and their record (None before
    any report and any hand marking)."""

    user: object
    roles: list[str] = field(default_factory=list)
    country: object = None
    record: AttendanceRecord | None = None

    @property
    def role_labels(self) -> str:
        return ", ".join(str(Role(role).label) for role in self.roles)

    @property
    def sort_key(self):
        first_role = min((ROLE_ORDER.get(role, 9) for role in self.roles), default=9)
        country = self.country.code if self.country else "~"
        return (first_role, country, self.user.last_name.casefold(), self.user.first_name)


def people_lines(session) -> list[PersonLine]:
    """Everyone whose attendance the programme counts, with their record for `session`,
    plus anyone else who has a record (a role withdrawn since)."""
    lines: dict[int, PersonLine] = {}
    memberships = (
        Membership.objects.filter(programme_id=session.programme_id, role__in=COUNTED_ROLES)
        .select_related("user")
        .order_by("id")
    )
    # One object per country, not one per person: a programme of thousands has a dozen.
    countries = {
        country.pk: country
        for country in Country.objects.filter(pk__in=memberships.values("country_id"))
    }
    for membership in memberships:
        line = lines.setdefault(membership.user_id, PersonLine(membership.user))
        line.roles.append(membership.role)
        line.country = line.country or countries.get(membership.country_id)
    records = AttendanceRecord.objects.filter(session=session).select_related("corrected_by")
    others = []
    for record in records:
        line = lines.get(record.user_id)
        if line is None:
            others.append(record)  # a role withdrawn since: their account read below
        else:
            line.record = record
    if others:
        users = get_user_model().objects.in_bulk([record.user_id for record in others])
        for record in others:
            lines.setdefault(record.user_id, PersonLine(users[record.user_id])).record = record
    return sorted(lines.values(), key=lambda line: line.sort_key)


def person_choices(lines: list[PersonLine]) -> list[tuple[int, str]]:
    """The registered people to match rows to, by name."""
    counted = [line for line in lines if line.roles]
    counted.sort(key=lambda line: (line.user.get_full_name().casefold(), line.user.email))
    return [(line.user.pk, f"{line.user.get_full_name()} <{line.user.email}>") for line in counted]


def hand_matches(session) -> list[NameMatch]:
    """The programme's matches made by hand that give rows of `session` to someone."""
    given = set(
        JoinInterval.objects.filter(session=session, user__isnull=False)
        .values_list("name", "email", "user_id")
        .distinct()
    )
    matches = NameMatch.objects.filter(programme_id=session.programme_id).select_related(
        "user", "created_by"
    )
    return [
        match
        for match in matches.order_by("meeting_name", "meeting_email")
        if (match.meeting_name, match.meeting_email, match.user_id) in given
    ]


def session_reports(session):
    return MeetingReport.objects.filter(session=session).select_related("uploaded_by")


@dataclass
class SessionSheet:
    session: object
    people: list[PersonLine]
    unmatched: list
    matched_by_hand: list
    reports: list
    choices: list[tuple[int, str]]

    @property
    def scheduled_minutes(self) -> int:
        return scheduled_seconds(self.session) // 60

    @property
    def threshold_minutes(self) -> float:
        minutes = self.scheduled_minutes * self.session.programme.attendance_threshold / 100
        return int(minutes) if minutes == int(minutes) else round(minutes, 1)

    def count(self, status: str) -> int:
        return sum(1 for line in self.people if line.record and line.record.status == status)

    @property
    def present(self) -> int:
        return self.count(AttendanceRecord.Status.PRESENT)

    @property
    def absent(self) -> int:
        return self.count(AttendanceRecord.Status.ABSENT)

    @property
    def excused(self) -> int:
        return self.count(AttendanceRecord.Status.EXCUSED)

    @property
    def without_status(self) -> int:
        return sum(1 for line in self.people if line.record is None)


def session_sheet(session) -> SessionSheet:
    people = people_lines(session)
    return SessionSheet(
        session=session,
        people=people,
        unmatched=unmatched_groups(session),
        matched_by_hand=hand_matches(session),
        reports=list(session_reports(session)),
        choices=person_choices(people),
    )


@dataclass
class SessionCounts:
    session: object
    reports: int = 0
    statuses: Counter = field(default_factory=Counter)
    unmatched_rows: int = 0

    @property
    def present(self) -> int:
        return self.statuses[AttendanceRecord.Status.PRESENT]

    @property
    def absent(self) -> int:
        return self.statuses[AttendanceRecord.Status.ABSENT]

    @property
    def excused(self) -> int:
        return self.statuses[AttendanceRecord.Status.EXCUSED]


def programme_counts(programme) -> list[SessionCounts]:
    """Each session of `programme` with its reports, statuses and unmatched rows (four
    queries)."""
    rows = {session.pk: SessionCounts(session) for session in programme.sessions.all()}
    for session_id, status, count in (
        AttendanceRecord.objects.filter(session__programme=programme)
        .values_list("session_id", "status")
        .annotate(count=Count("id"))
        .order_by()
    ):
        rows[session_id].statuses[status] = count
    for session_id, count in (
        MeetingReport.objects.filter(session__programme=programme)
        .values_list("session_id")
        .annotate(count=Count("id"))
        .order_by()
    ):
        rows[session_id].reports = count
    for session_id, count in (
        JoinInterval.objects.filter(session__programme=programme, user__isnull=True)
        .values_list("session_id")
        .annotate(count=Sum("row_count"))
        .order_by()
    ):
        rows[session_id].unmatched_rows = count or 0
    return list(rows.values())


def user_by_pk(pk):
    return get_user_model().objects.filter(pk=pk).first()
