"""Course completion read from the learning site's web services (Moodle) instead of its
report file, and taken through the same import as the file (`services.import_completion_rows`):
the same verdicts, the same lateness against the deadline, the same audit.

For each participant: their Moodle account, found by e-mail (`core_user_get_users_by_field`),
then their completion of the course as Moodle rules it
(`core_completion_get_course_completion_status`). The course counts as completed when Moodle
says so; its date is when its criteria were met — the last of them when all are required, the
first when any one is enough (Moodle's aggregation 1 and 2)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from capacita.shared.moodle_ws import MoodleClient, MoodleError

from . import services
from .moodle import CompletionRow, CompletionRows, RowProblem
from .selectors import participants

# A report's name for what came from the web services (a record's name, not a page's text).
SOURCE_NAME = "Moodle web services"
USERS_PER_CALL = 50
ANY = 2  # Moodle's aggregation "any criterion"
NOT_ENROLLED = ("usernotenroled", "notenroled")


def configured() -> bool:
    return bool(settings.MOODLE_URL and settings.MOODLE_TOKEN)


def client() -> MoodleClient:
    if not configured():
        raise MoodleError(
            _("The learning site is not configured: set MOODLE_URL and MOODLE_TOKEN."),
            "notconfigured",
        )
    return MoodleClient(settings.MOODLE_URL, settings.MOODLE_TOKEN)


def course_id(site: MoodleClient, course) -> int:
    """The Moodle id of `course`, from its `moodle_course` (an id, or a short name)."""
    named = (course.moodle_course or "").strip()
    if not named:
        raise MoodleError(
            _(
                "The course %(code)s names no course on the learning site: give its Moodle "
                "short name or id in the course's settings."
            )
            % {"code": course.code},
            "nocourse",
        )
    if named.isdigit():
        return int(named)
    found = site.call("core_course_get_courses_by_field", field="shortname", value=named)
    courses = found.get("courses", []) if isinstance(found, dict) else []
    if not courses:
        raise MoodleError(
            _("The learning site has no course with the short name %(name)s.") % {"name": named},
            "nocourse",
        )
    return int(courses[0]["id"])


def accounts(site: MoodleClient, emails: list[str]) -> dict[str, dict]:
    """The Moodle accounts of `emails`, by e-mail in lower case."""
    found = {}
    for start in range(0, len(emails), USERS_PER_CALL):
        chunk = emails[start : start + USERS_PER_CALL]
        for user in site.call("core_user_get_users_by_field", field="email", values=chunk) or []:
            found[str(user.get("email", "")).strip().lower()] = user
    return found


def completion_rows(site: MoodleClient, course, progress=None) -> CompletionRows:
    """Each participant's completion of `course` as the learning site has it, as the rows
    of a report; a participant without an account there, or not enrolled in the course, is a
    problem row (left out, as an unreadable row of a file)."""
    moodle_course = course_id(site, course)
    people = list(participants(course.programme).order_by("email"))
    found = accounts(site, [user.email for user in people])
    rows, problems = [], []
    for number, user in enumerate(people, start=2):
        name = user.get_full_name()
        account = found.get(user.email.strip().lower())
        if account is None:
            problems.append(
                RowProblem(number, name, user.email, _("No account on the learning site."))
            )
        else:
            try:
                answer = site.call(
                    "core_completion_get_course_completion_status",
                    courseid=moodle_course,
                    userid=account["id"],
                )
            except MoodleError as error:
                if error.code not in NOT_ENROLLED:
                    raise
                problems.append(
                    RowProblem(
                        number,
                        name,
                        user.email,
                        _("Not enrolled in the course on the learning site."),
                    )
                )
            else:
                rows.append(_row(number, account, user, answer))
        if progress:
            progress(number - 1, len(people))
    return CompletionRows(rows=rows, problems=problems, columns={}, time_zone="UTC")


def _row(number: int, account: dict, user, answer: dict) -> CompletionRow:
    status = answer.get("completionstatus", {})
    completed = bool(status.get("completed"))
    times = [
        int(item["timecompleted"])
        for item in status.get("completions", [])
        if item.get("complete") and item.get("timecompleted")
    ]
    when = None
    if completed and times:
        stamp = min(times) if status.get("aggregation") == ANY else max(times)
        when = dt.datetime.fromtimestamp(stamp, tz=dt.UTC)
    return CompletionRow(
        number=number,
        moodle_id=str(account["id"]),
        name=user.get_full_name(),
        email=user.email,
        completed=completed,
        completed_at=when,
        date_text=when.isoformat() if when else "",
    )


def sync_completion(course, actor, *, dry_run: bool = False, site=None, progress=None):
    """Import `course`'s completions from the learning site (`services.Outcome`). Raises
    MoodleError, with nothing saved, when the site cannot answer for the course."""
    site = site or client()
    rows = completion_rows(site, course, progress)
    fingerprint = hashlib.sha256(
        json.dumps(
            [row.as_dict() for row in rows.rows] + [problem.as_dict() for problem in rows.problems],
            sort_keys=True,
        ).encode()
    ).hexdigest()
    return services.import_completion_rows(
        course,
        rows,
        filename=SOURCE_NAME,
        fingerprint=fingerprint,
        date_order="ymd",
        actor=actor,
        dry_run=dry_run,
    )


def named_courses(programme) -> list:
    """The programme's courses that name their course on the learning site; raises
    MoodleError when none does."""
    courses = [
        course
        for course in programme.courses.order_by("position", "code")
        if course.moodle_course.strip()
    ]
    if not courses:
        raise MoodleError(
            _(
                "No course of this programme names its course on the learning site: give "
                "each course's Moodle short name or id in its settings."
            ),
            "nocourse",
        )
    return courses


# --- Enrolment ------------------------------------------------------------------------------

ENROLMENTS_PER_CALL = 100


@dataclass
class EnrolOutcome:
    """What an enrolment run did (or, in a dry run, would do)."""

    dry_run: bool
    people: int = 0
    courses: list[str] = field(default_factory=list)  # the codes of the courses enrolled on
    unnamed: list[str] = field(default_factory=list)  # courses naming no Moodle course
    created: list[str] = field(default_factory=list)  # e-mails of the accounts created
    enrolled: dict[str, int] = field(default_factory=dict)  # course code -> enrolments made
    already: dict[str, int] = field(default_factory=dict)  # course code -> already enrolled

    @property
    def enrolments(self) -> int:
        return sum(self.enrolled.values())

    @property
    def changed(self) -> bool:
        return bool(self.created or self.enrolments)

    def as_dict(self) -> dict:
        """The figures, as an audit record and a job's outcome keep them."""
        return {
            "participants": self.people,
            "courses": ", ".join(self.courses),
            "unnamed_courses": ", ".join(self.unnamed),
            "accounts_created": len(self.created),
            "enrolments_made": self.enrolments,
            "already_enrolled": sum(self.already.values()),
        }


def _new_account(user) -> dict:
    """A Moodle account for `user`, as `core_user_create_users` takes it: the username is the
    e-mail in lower case (as in the "Upload users" file), the language theirs, and Moodle makes
    the password and e-mails it (`createpassword`)."""
    return {
        "createpassword": 1,
        "username": user.email.strip().lower(),
        "auth": "manual",
        "firstname": user.first_name.strip() or "-",
        "lastname": user.last_name.strip() or "-",
        "email": user.email.strip(),
        "lang": user.language,
    }


def _enrolled_ids(site: MoodleClient, moodle_course: int) -> set[int]:
    """The ids of the accounts already enrolled on a course (whatever their role)."""
    found = site.call(
        "core_enrol_get_enrolled_users",
        courseid=moodle_course,
        options=[{"name": "userfields", "value": "id"}],
    )
    return {int(item["id"]) for item in found or [] if "id" in item}


def enrol(programme, actor, *, dry_run: bool = False, site=None, progress=None) -> EnrolOutcome:
    """Give every accepted participant an account on the learning site (found by e-mail, or
    created) and enrol them as students on each of the programme's courses that names its
    Moodle course. Repeatable: an account found is not created again, an enrolment found is not
    made again. A dry run only reads. Raises MoodleError when the site refuses; what the site
    had already done by then stays done there, and a run again goes on from it."""
    site = site or client()
    outcome = EnrolOutcome(dry_run=dry_run)
    named = [(course, course_id(site, course)) for course in named_courses(programme)]
    outcome.courses = [course.code for course, _id in named]
    outcome.unnamed = [
        course.code
        for course in programme.courses.order_by("position", "code")
        if course.code not in outcome.courses
    ]
    people = list(participants(programme).order_by("email"))
    outcome.people = len(people)
    steps = len(people) + len(named)
    found = accounts(site, [user.email for user in people])
    missing = [user for user in people if user.email.strip().lower() not in found]
    outcome.created = [user.email for user in missing]
    ids = {
        user.pk: int(found[user.email.strip().lower()]["id"])
        for user in people
        if user.email.strip().lower() in found
    }
    if not dry_run:
        for start in range(0, len(missing), USERS_PER_CALL):
            chunk = missing[start : start + USERS_PER_CALL]
            made = site.call("core_user_create_users", users=[_new_account(u) for u in chunk])
            by_username = {str(item["username"]).lower(): int(item["id"]) for item in made or []}
            for user in chunk:
                ids[user.pk] = by_username[user.email.strip().lower()]
            if progress:
                progress(start + len(chunk), steps)
    for number, (course, moodle_course) in enumerate(named, start=1):
        there = _enrolled_ids(site, moodle_course)
        due = [ids[user.pk] for user in people if user.pk in ids and ids[user.pk] not in there]
        outcome.already[course.code] = sum(1 for user in people if ids.get(user.pk) in there)
        # In a dry run the accounts still to be created are still to be enrolled, too.
        outcome.enrolled[course.code] = len(due) + (len(missing) if dry_run else 0)
        if not dry_run:
            for start in range(0, len(due), ENROLMENTS_PER_CALL):
                site.call(
                    "enrol_manual_enrol_users",
                    enrolments=[
                        {
                            "roleid": settings.MOODLE_STUDENT_ROLE,
                            "userid": account,
                            "courseid": moodle_course,
                        }
                        for account in due[start : start + ENROLMENTS_PER_CALL]
                    ],
                )
        if progress:
            progress(len(people) + number, steps)
    if outcome.changed and not dry_run:
        services.record_enrolment(programme, actor, outcome.as_dict())
    return outcome
