"""The certificate rule: where each participant stands with it — sessions attended, courses
completed, the post-test — and what is missing.

One piece of code computes it for the certificates, the participant's own page, a focal
point's or a manager's board and its exports, and the reports, in a fixed number of queries
whatever the number of people.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from capacita.attendance.models import AttendanceRecord
from capacita.completions.models import CourseCompletion
from capacita.evaluation.models import Response
from capacita.programmes.models import Membership, Role


class State:
    DONE = "done"
    LATE = "late"
    MISSING = "missing"
    EXCUSED = "excused"
    PENDING = "pending"


@dataclass
class SessionState:
    session: object
    state: str
    minutes: int | None = None
    corrected: bool = False
    reason: str = ""

    @property
    def label(self) -> str:
        return {
            State.DONE: _("attended"),
            State.MISSING: _("absent"),
            State.EXCUSED: _("excused"),
            State.PENDING: _("not yet recorded"),
        }[self.state]


@dataclass
class CourseState:
    course: object
    state: str
    completed_at: object = None

    @property
    def label(self) -> str:
        return {
            State.DONE: _("completed"),
            State.LATE: _("completed after the deadline"),
            State.MISSING: _("not completed"),
            State.PENDING: _("not completed yet"),
        }[self.state]


@dataclass
class Requirement:
    """One condition of the programme's completion rule, met or not, in plain words."""

    label: str
    met: bool
    status: str


@dataclass
class Progress:
    """A participant's activities, and the programme's completion rule applied to them.

    The rule (the one place it is written): every virtual session attended; every required
    course completed — by its deadline, unless the programme lets late completions count —;
    and the post-test submitted when the programme asks for it. `post_test_submitted` is
    None when the programme does not ask for it.
    """

    membership: Membership
    sessions: list[SessionState] = field(default_factory=list)
    courses: list[CourseState] = field(default_factory=list)
    allows_late: bool = False
    post_test_submitted: bool | None = None

    @property
    def user(self):
        return self.membership.user

    @property
    def requirements(self) -> list[Requirement]:
        """Every condition of the rule for this participant, met or missing."""
        lines = []
        for item in self.sessions:
            lines.append(
                Requirement(
                    _("attend virtual session %(number)s") % {"number": item.session.number},
                    item.state == State.DONE,
                    item.label,
                )
            )
        counted = (State.DONE, State.LATE) if self.allows_late else (State.DONE,)
        for item in self.courses:
            if item.course.is_required:
                label = (
                    _("complete the course “%(title)s”")
                    if self.allows_late or item.course.deadline is None
                    else _("complete the course “%(title)s” by its deadline")
                )
                lines.append(
                    Requirement(
                        label % {"title": item.course.title}, item.state in counted, item.label
                    )
                )
        if self.post_test_submitted is not None:
            lines.append(
                Requirement(
                    _("submit the post-test"),
                    self.post_test_submitted,
                    _("submitted") if self.post_test_submitted else _("not submitted"),
                )
            )
        return lines

    @property
    def late_courses(self) -> list[CourseState]:
        """The required courses completed after their deadline that the rule does not count
        (none when the programme lets late completions count)."""
        if self.allows_late:
            return []
        return [
            item for item in self.courses if item.course.is_required and item.state == State.LATE
        ]

    @property
    def missing(self) -> list[str]:
        """What still stands between the participant and the certificate, in plain words."""
        return [
            _("%(requirement)s (%(status)s)")
            % {"requirement": requirement.label, "status": requirement.status}
            for requirement in self.requirements
            if not requirement.met
        ]

    @property
    def is_complete(self) -> bool:
        return all(requirement.met for requirement in self.requirements)


def _session_state(session, record) -> SessionState:
    if record is None:
        # No meeting report yet for this session (or it has not happened).
        return SessionState(session, State.PENDING)
    state = {
        AttendanceRecord.Status.PRESENT: State.DONE,
        AttendanceRecord.Status.ABSENT: State.MISSING,
        AttendanceRecord.Status.EXCUSED: State.EXCUSED,
    }[record.status]
    return SessionState(
        session,
        state,
        minutes=record.imported_minutes,
        corrected=record.is_corrected,
        reason=record.correction_reason,
    )


def _course_state(course, completion, now) -> CourseState:
    if completion is not None and completion.completed:
        return CourseState(
            course, State.LATE if completion.is_late else State.DONE, completion.completed_at
        )
    if course.deadline and course.deadline < now:
        return CourseState(course, State.MISSING)
    return CourseState(course, State.PENDING)


def participants(programme, country_ids=None):
    memberships = (
        Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
        .select_related("user", "country")
        .order_by("country__code", "user__last_name", "user__first_name", "pk")
    )
    if country_ids is not None:
        memberships = memberships.filter(country_id__in=country_ids)
    return memberships


def progress_of(programme, memberships, *, structure=None) -> list[Progress]:
    """Each membership's progress, in four queries (sessions, courses, attendance,
    completion), five when the programme's rule asks for the post-test; two fewer when the
    caller passes the programme's `(sessions, courses)` as `structure`."""
    memberships = list(memberships)
    user_ids = [membership.user_id for membership in memberships]
    sessions, courses = structure or (list(programme.sessions.all()), list(programme.courses.all()))
    records = {
        (record.session_id, record.user_id): record
        for record in AttendanceRecord.objects.filter(
            session__programme=programme, user_id__in=user_ids
        )
    }
    completions = {
        (completion.course_id, completion.user_id): completion
        for completion in CourseCompletion.objects.filter(
            course__programme=programme, user_id__in=user_ids
        )
    }
    submitted = None
    if programme.certificate_requires_post_test:
        submitted = set(
            Response.objects.filter(
                questionnaire__programme=programme,
                questionnaire__kind="post",
                submitted_at__isnull=False,
                user_id__in=user_ids,
            ).values_list("user_id", flat=True)
        )
    now = timezone.now()
    return [
        Progress(
            membership=membership,
            allows_late=programme.certificate_allows_late_completion,
            post_test_submitted=None if submitted is None else membership.user_id in submitted,
            sessions=[
                _session_state(session, records.get((session.pk, membership.user_id)))
                for session in sessions
            ],
            courses=[
                _course_state(course, completions.get((course.pk, membership.user_id)), now)
                for course in courses
            ],
        )
        for membership in memberships
    ]
