"""The figures of a country report and of the programme's final balance.

Each figure comes from the one piece of code that computes it everywhere: where each
participant stands from `certificates.rule.progress_of` (the board and the participants'
pages), the pre-test and post-test figures from `evaluation.report.evaluation_report` (its
page and the `report` command), the group work from `groupwork.report`. This module only
counts and arranges them, in a fixed number of queries."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from capacita.attendance.models import AttendanceRecord
from capacita.certificates.models import Certificate
from capacita.certificates.rule import State, participants, progress_of
from capacita.completions.models import CourseCompletion
from capacita.evaluation.report import country_knowledge, evaluation_report
from capacita.groupwork.report import group_work_report
from capacita.nominations.models import Gender, Nomination
from capacita.programmes.models import Country, Membership, Profile, Role
from capacita.shared.people_pages import PeoplePage, people_page_of

NOMINATION_STATUSES = [status for status, _label in Nomination.Status.choices]


def nominations(programme, country=None) -> dict:
    """Nominations by status, profile and sex/gender, against the quota."""
    rows = Nomination.objects.filter(programme=programme)
    if country is not None:
        rows = rows.filter(country=country)
    # Counted by the database, grouped: a programme of thousands has thousands of
    # nominations, and a few dozen lines of counts.
    rows = rows.order_by()
    by_status = list(rows.values_list("country_id", "status").annotate(n=Count("pk")))
    members = {
        member.country_id: member for member in programme.member_countries.select_related("country")
    }
    countries = {member.country_id: member.country for member in members.values()}
    missing = {country_id for country_id, _status, _n in by_status} - set(countries)
    countries.update({each.pk: each for each in Country.objects.filter(pk__in=missing)})
    by_profile = list(rows.values_list("profile_id", "profile_other").annotate(n=Count("pk")))
    chosen = {profile_id for profile_id, _other, _n in by_profile if profile_id}
    profiles = {profile.pk: str(profile) for profile in Profile.objects.filter(pk__in=chosen)}
    by_country = {}
    statuses = Counter()
    for country_id, status, n in by_status:
        line = by_country.get(country_id)
        if line is None:
            each = countries[country_id]
            line = by_country[country_id] = {
                "country": each.code,
                "name": each.name,
                "total": 0,
            } | dict.fromkeys(NOMINATION_STATUSES, 0)
        line["total"] += n
        line[status] += n
        statuses[status] += n
    by_country = {line["country"]: line for line in by_country.values()}
    quotas = {member.country.code: member.quota for member in members.values()}
    for code, line in by_country.items():
        line["quota"] = quotas.get(code)
    genders = dict(Gender.choices)
    profile_labels = Counter()
    for profile_id, other, n in by_profile:
        label = profiles.get(profile_id, "") if profile_id else other
        profile_labels[label or _("not given")] += n
    given = Counter(dict(rows.values_list("gender").annotate(n=Count("pk"))))
    return {
        "total": statuses.total(),
        "quota": quotas.get(country.code) if country is not None else sum(quotas.values()),
        "by_status": {status: statuses[status] for status in NOMINATION_STATUSES},
        "by_profile": dict(sorted(profile_labels.items())),
        # Every option, in the order the form offers them, then "not given": an option
        # nobody chose shows 0 rather than vanishing from the table.
        "by_gender": {str(label): given[value] for value, label in genders.items()}
        | {_("not given"): sum(n for value, n in given.items() if value not in genders)},
        "by_country": sorted(by_country.values(), key=lambda line: line["country"]),
    }


def _progress(programme, country=None):
    return progress_of(
        programme, participants(programme, None if country is None else [country.pk])
    )


class Tally:
    """The programme's participants counted in a few grouped queries, by country: how many,
    how many meet the rule (the kept progress), hold a certificate, and each session's and
    course's states — the figures the board shows person by person, without reading every
    person."""

    def __init__(self, programme, country=None):
        self.programme = programme
        self.sessions = list(programme.sessions.all())
        self.courses = list(programme.courses.all())
        members = Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
        if country is not None:
            members = members.filter(country=country)
        self.members = members.order_by()
        self.people = Counter(dict(self._by_country(self.members, "country_id")))
        self.complete = Counter(
            dict(
                self._by_country(self.members.filter(progress_record__complete=True), "country_id")
            )
        )
        participant = {
            "user__memberships__programme": programme,
            "user__memberships__role": Role.PARTICIPANT,
        }
        if country is not None:
            participant["user__memberships__country"] = country
        country_of = "user__memberships__country_id"
        self.certified = Counter(
            dict(
                self._by_country(
                    Certificate.objects.filter(
                        programme=programme, status=Certificate.Status.VALID, **participant
                    ),
                    country_of,
                )
            )
        )
        self.attendance = Counter(
            {
                (country_id, session_id, status): n
                for country_id, session_id, status, n in AttendanceRecord.objects.filter(
                    session__programme=programme, **participant
                )
                .order_by()
                .values_list(country_of, "session_id", "status")
                .annotate(n=Count("pk"))
            }
        )
        self.completion = Counter(
            {
                (country_id, course_id, late): n
                for country_id, course_id, late, n in CourseCompletion.objects.filter(
                    course__programme=programme, completed=True, **participant
                )
                .order_by()
                .values_list(country_of, "course_id", "is_late")
                .annotate(n=Count("pk"))
            }
        )

    @staticmethod
    def _by_country(queryset, field):
        return queryset.order_by().values_list(field).annotate(n=Count("pk"))

    def _countries(self, country_id):
        return list(self.people) if country_id is ALL else [country_id]

    def participants(self, country_id=None) -> int:
        return sum(self.people[each] for each in self._countries(country_id))

    def requirements_met(self, country_id=None) -> int:
        return sum(self.complete[each] for each in self._countries(country_id))

    def certificates(self, country_id=None) -> int:
        return sum(self.certified[each] for each in self._countries(country_id))

    def attendance_lines(self, country_id=None) -> list[dict]:
        """Per session: how many participants attended, were absent, excused, not recorded."""
        countries = self._countries(country_id)
        result = []
        for session in self.sessions:
            states = {
                status: sum(self.attendance[(each, session.pk, status)] for each in countries)
                for status in AttendanceRecord.Status.values
            }
            result.append(
                {
                    "session": session.number,
                    "title": session.title,
                    "attended": states[AttendanceRecord.Status.PRESENT],
                    "absent": states[AttendanceRecord.Status.ABSENT],
                    "excused": states[AttendanceRecord.Status.EXCUSED],
                    "not_recorded": self.participants(country_id) - sum(states.values()),
                }
            )
        return result

    def completion_lines(self, country_id=None) -> list[dict]:
        """Per course: completed by the deadline, late, not completed (deadline passed),
        pending."""
        countries = self._countries(country_id)
        now = timezone.now()
        result = []
        for course in self.courses:
            done = sum(self.completion[(each, course.pk, False)] for each in countries)
            late = sum(self.completion[(each, course.pk, True)] for each in countries)
            rest = self.participants(country_id) - done - late
            passed = bool(course.deadline and course.deadline < now)
            result.append(
                {
                    "course": course.code,
                    "title": course.title,
                    "required": course.is_required,
                    "completed": done,
                    "late": late,
                    "not_completed": rest if passed else 0,
                    "pending": 0 if passed else rest,
                }
            )
        return result


ALL = None  # every country of the tally


def _certificates(programme, user_ids) -> set[int]:
    return set(
        Certificate.objects.filter(
            programme=programme, status=Certificate.Status.VALID, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    )


def people(rows, certified: set[int]) -> list[dict]:
    return [
        {
            "name": row.user.get_full_name(),
            "email": row.user.email,
            "country": row.membership.country.code if row.membership.country_id else None,
            "sessions_attended": sum(1 for item in row.sessions if item.state == State.DONE),
            "courses_completed": sum(
                1 for item in row.courses if item.state in (State.DONE, State.LATE)
            ),
            "requirements_met": row.is_complete,
            "certificate": row.user.pk in certified,
            "missing": row.missing,
        }
        for row in rows
    ]


def country_report(programme, country, *, with_people: bool = True) -> dict:
    """A country's report: for its focal point and the managers. Without `with_people`, its
    `participants` are left out (None): the page lists them a page at a time
    (`country_people`), and counts them with the rest."""
    tally = Tally(programme, country)
    if with_people:
        rows = _progress(programme, country)
        certified = _certificates(programme, [row.user.pk for row in rows])
        counted, certificates = len(rows), len(certified)
    else:
        counted, certificates = tally.participants(country.pk), tally.certificates(country.pk)
    knowledge = country_knowledge(programme, country)
    return {
        "programme": programme.slug,
        "country": country.code,
        "country_name": country.name,
        "nominations": nominations(programme, country),
        "participants_n": counted,
        "attendance": tally.attendance_lines(),
        "completion": tally.completion_lines(),
        # The evaluation's small-group rule holds: a country of fewer than three people with
        # a test is not shown apart (its figures are then None and `hidden` is true).
        "knowledge": knowledge,
        "certificates": certificates,
        "participants": people(rows, certified) if with_people else None,
    }


def country_people(programme, country, params) -> PeoplePage:
    """The page of the country's participants that `params` ask for (`people_page_of`: a
    hundred, searched by name or e-mail), each as in a country report's `participants`."""

    def load(keys):
        rows = progress_of(programme, participants(programme, [country.pk]).filter(pk__in=keys))
        certified = _certificates(programme, [row.user.pk for row in rows])
        return {
            row.membership.pk: line for row, line in zip(rows, people(rows, certified), strict=True)
        }

    keys = participants(programme, [country.pk]).values_list(
        "pk", "user__first_name", "user__last_name", "user__email"
    )
    return people_page_of(params, keys, load)


def observers(programme) -> dict:
    """Observers' participation: how many, from which organisations, sessions attended."""
    members = list(
        Membership.objects.filter(programme=programme, role=Role.OBSERVER).select_related("user")
    )
    attended = Counter(
        AttendanceRecord.objects.filter(
            session__programme=programme,
            user_id__in=[m.user_id for m in members],
            status=AttendanceRecord.Status.PRESENT,
        ).values_list("session__number", flat=True)
    )
    return {
        "count": len(members),
        "organisations": sorted({m.organisation for m in members if m.organisation}),
        "attended_by_session": {
            session.number: attended.get(session.number, 0) for session in programme.sessions.all()
        },
    }


def programme_balance(programme, evaluation: dict | None = None, *, members=True) -> dict:
    """The programme's final balance: everything above for the whole programme and side by
    side by country, the evaluation's findings, the group work, observers, the narrative.
    A caller that has the evaluation's figures (`evaluation_report`) already passes them;
    without `members`, the groups' members are left out (the balance's pages show none)."""
    tally = Tally(programme)
    countries = [member.country for member in programme.member_countries.select_related("country")]
    if evaluation is None:
        evaluation = evaluation_report(programme)
    knowledge = {group["label"]: group for group in evaluation["by_country"]}
    by_country = []
    for country in sorted(countries, key=lambda c: c.code):
        by_country.append(
            {
                "country": country.code,
                "name": country.name,
                "participants": tally.participants(country.pk),
                "requirements_met": tally.requirements_met(country.pk),
                "certificates": tally.certificates(country.pk),
                "attendance": tally.attendance_lines(country.pk),
                "completion": tally.completion_lines(country.pk),
                # The evaluation's line for the country, small groups hidden as there.
                "knowledge": knowledge.get(country.name),
            }
        )
    narrative = getattr(programme, "balance_narrative", None)
    return {
        "nominations": nominations(programme),
        "participants_n": tally.participants(),
        "attendance": tally.attendance_lines(),
        "completion": tally.completion_lines(),
        "certificates": tally.certificates(),
        "requirements_met": tally.requirements_met(),
        "countries": by_country,
        "observers": observers(programme),
        "group_work": group_work_report(programme, members=members),
        "narrative": {
            "recommendations": narrative.recommendations if narrative else "",
            "lessons": narrative.lessons if narrative else "",
        },
    }
