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
