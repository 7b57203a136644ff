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


def people_keys(session) -> list[tuple[int, str, str, str]]:
    """Everyone on the session's page, in its order, as `people_page_of` reads them: each
    person's id, first name, last name and e-mail. The people whose attendance the programme
    counts (participants first, then observers, then facilitators; by country, then name),
    then anyone else who has a record for `session` (a role withdrawn since). Two values
    queries, whatever the programme's size: only the page shown loads its people."""
    order: dict[int, tuple] = {}
    for user_id, role, code, first_name, last_name, email in Membership.objects.filter(
        programme_id=session.programme_id, role__in=COUNTED_ROLES
    ).values_list(
        "user_id", "role", "country__code", "user__first_name", "user__last_name", "user__email"
    ):
        key = (ROLE_ORDER.get(role, 9), code or "~", last_name.casefold(), first_name)
        known = order.get(user_id)
        if known is None or key < known[0]:
            order[user_id] = (key, first_name, last_name, email)
    for user_id, first_name, last_name, email in (
        AttendanceRecord.objects.filter(session=session)
        .exclude(
            user_id__in=Membership.objects.filter(
                programme_id=session.programme_id, role__in=COUNTED_ROLES
            ).values("user_id")
        )
        .values_list("user_id", "user__first_name", "user__last_name", "user__email")
    ):
        order[user_id] = ((9, "~", last_name.casefold(), first_name), first_name, last_name, email)
    ranked = sorted(order.items(), key=lambda item: item[1][0])
    return [(user_id, first, last, email) for user_id, (_, first, last, email) in ranked]


def people_lines(session, user_ids) -> dict[int, PersonLine]:
    """The lines of the people `user_ids` (a page of them): each with their roles, country
    and record for `session`, by id."""
    users = get_user_model().objects.in_bulk(list(user_ids))
    lines = {pk: PersonLine(user) for pk, user in users.items()}
    memberships = Membership.objects.filter(
        programme_id=session.programme_id, role__in=COUNTED_ROLES, user_id__in=list(lines)
    ).order_by("id")
    # One object per country, not one per person.
    countries = {
        country.pk: country
        for country in Country.objects.filter(pk__in=memberships.values("country_id"))
    }
    for user_id, role, country_id in memberships.values_list("user_id", "role", "country_id"):
        line = lines[user_id]
        line.roles.append(role)
        line.country = line.country or countries.get(country_id)
    for record in AttendanceRecord.objects.filter(
        session=session, user_id__in=list(lines)
    ).select_related("corrected_by"):
        lines[record.user_id].record = record
    return lines


def person_choices(session) -> list[tuple[int, str]]:
    """The registered people to match rows to, by name (participants, observers,
    facilitators)."""
    people = set(
        Membership.objects.filter(
            programme_id=session.programme_id, role__in=COUNTED_ROLES
        ).values_list("user_id", "user__first_name", "user__last_name", "user__email")
    )
    named = [(f"{first} {last}".strip(), email, pk) for pk, first, last, email in people]
    named.sort(key=lambda person: (person[0].casefold(), person[1]))
    return [(pk, f"{name} <{email}>") for name, email, pk in named]


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
    """A session's page: its counts over everyone, its rows matched to nobody, its matches by
    hand and reports; the people themselves come a page at a time (`people_keys`,
    `people_lines`)."""

    session: object
    statuses: Counter
    people_count: int
    unmatched: list
    matched_by_hand: list
    reports: list

    @property
    def scheduled_minutes(self) -> int:
        return scheduled_seconds(self.session) // 60

    @property
    def threshold_minutes(self) -> float:
        minutes = self.scheduled_minutes * self.session.programme.attendance_threshold / 100
        return int(minutes) if minutes == int(minutes) else round(minutes, 1)

    @property
    def present(self) -> int:
        return self.statuses[AttendanceRecord.Status.PRESENT]

    @property
    def absent(self) -> int:
        return self.statuses[AttendanceRecord.Status.ABSENT]

    @property
    def excused(self) -> int:
        return self.statuses[AttendanceRecord.Status.EXCUSED]

    @property
    def without_status(self) -> int:
        return self.people_count - sum(self.statuses.values())


def session_sheet(session, people_count: int) -> SessionSheet:
    """The session's page around its `people_count` people (every record is someone's: the
    people without a status are the rest)."""
    statuses = Counter(
        dict(
            AttendanceRecord.objects.filter(session=session)
            .values_list("status")
            .annotate(count=Count("id"))
            .order_by()
        )
    )
    return SessionSheet(
        session=session,
        statuses=statuses,
        people_count=people_count,
        unmatched=unmatched_groups(session),
        matched_by_hand=hand_matches(session),
        reports=list(session_reports(session)),
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
