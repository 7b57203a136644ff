"""The learning site's syncs as background work (`capacita.jobs`), started from the course
completion page: enrolling the participants there, and reading every course's completions.
Each calls the learning site once or more per participant: minutes for thousands, never a
request's work."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from capacita.jobs.kinds import JobKind, Made, register
from capacita.programmes import permissions

from . import learning_site, services

ENROL = "learning-site-enrol"
COMPLETION = "learning-site-completion"


def _enrol(job, progress) -> Made:
    outcome = learning_site.enrol(job.programme, job.requested_by, progress=progress)
    return Made(outcome=outcome.as_dict())


def _enrolled(outcome: dict) -> str:
    created = ngettext(
        "%(count)s account created on the learning site",
        "%(count)s accounts created on the learning site",
        outcome.get("accounts_created", 0),
    ) % {"count": outcome.get("accounts_created", 0)}
    made = ngettext(
        "%(count)s enrolment made",
        "%(count)s enrolments made",
        outcome.get("enrolments_made", 0),
    ) % {"count": outcome.get("enrolments_made", 0)}
    there = ngettext(
        "%(count)s already there",
        "%(count)s already there",
        outcome.get("already_enrolled", 0),
    ) % {"count": outcome.get("already_enrolled", 0)}
    text = _("%(created)s; %(made)s, %(there)s (courses: %(courses)s).") % {
        "created": created,
        "made": made,
        "there": there,
        "courses": outcome.get("courses", ""),
    }
    if outcome.get("unnamed_courses"):
        text += " " + _("Left out, as they name no course of the learning site: %(courses)s.") % {
            "courses": outcome["unnamed_courses"]
        }
    return text


def _completion(job, progress) -> Made:
    courses = learning_site.named_courses(job.programme)
    site = learning_site.client()
    read = []
    for course in courses:
        outcome = learning_site.sync_completion(course, job.requested_by, site=site)
        read.append(
            {
                "course": course.code,
                "completed": outcome.count(services.COMPLETED),
                "late": outcome.count(services.LATE),
                "not_completed": outcome.count(services.NOT_COMPLETED),
                "not_found": len(outcome.problems),
                "changed": 0 if outcome.already_imported else outcome.changed,
            }
        )
        progress(len(read), len(courses))
    return Made(outcome={"courses": read})


def _completions_read(outcome: dict) -> str:
    lines = []
    for row in outcome.get("courses", []):
        lines.append(
            _(
                "%(course)s: %(completed)s completed (%(late)s of them late), "
                "%(not_completed)s not completed, %(not_found)s not found on the learning "
                "site; %(changed)s changed."
            )
            % row
        )
    return " ".join(lines)


def register_kinds() -> None:
    register(
        JobKind(
            code=ENROL,
            title=gettext_lazy("Enrolling the participants on the learning site"),
            explanation=gettext_lazy(
                "Each accepted participant gets an account on the learning site, found by "
                "e-mail address or created in their language (the learning site e-mails them "
                "their password), and is enrolled as a student on every course that names its "
                "course there. Running it again creates and enrols nobody twice."
            ),
            button=gettext_lazy("Enrol the participants"),
            may=permissions.can_manage_attendance,
            page="completions:overview",
            page_title=gettext_lazy("Course completion"),
            make=_enrol,
            describe=_enrolled,
        )
    )
    register(
        JobKind(
            code=COMPLETION,
            title=gettext_lazy("Reading the completions from the learning site"),
            explanation=gettext_lazy(
                "Each participant's completion of each course, as the learning site rules "
                "it, taken as an imported completion report is: the same verdicts, the same "
                "lateness against the deadline. Running it again changes only what changed "
                "there."
            ),
            button=gettext_lazy("Read the completions"),
            may=permissions.can_manage_attendance,
            page="completions:overview",
            page_title=gettext_lazy("Course completion"),
            make=_completion,
            describe=_completions_read,
        )
    )
