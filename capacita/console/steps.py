"""A programme's life as steps, each with its state in figures, its next action, and whether
something in it is late.

Every figure comes from the code the step's own pages use (the nominations' counts by
country, the attendance and completion overviews, the tests' windows, the certificates'
standings), so that the console and those pages never disagree. The number of queries does
not grow with the number of people: each step reads counts, not people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from capacita.attendance.selectors import programme_counts
from capacita.certificates.selectors import Verdict, verdict_counts
from capacita.completions.selectors import course_counts
from capacita.evaluation.models import Questionnaire, Response
from capacita.evaluation.services import questionnaire_window_state
from capacita.groupwork.models import GroupMember, SessionWork
from capacita.nominations.selectors import counts_by_country
from capacita.programmes.models import Membership, Role
from capacita.shared.formats import when
from capacita.shared.zones import zone_name


@dataclass
class Line:
    """One fact of a step, in plain words; `late` marks what is overdue."""

    text: str
    late: bool = False
    action: str = ""
    url: str = ""
    # Changes made from the console itself: (button's label, where it posts, posted values).
    posts: list[tuple[str, str, dict]] = field(default_factory=list)


@dataclass
class Step:
    key: str
    title: str
    lines: list[Line] = field(default_factory=list)
    action: str = ""
    url: str = ""

    @property
    def late(self) -> bool:
        return any(line.late for line in self.lines)


def _url(name: str, programme, *args) -> str:
    return reverse(name, args=[programme.slug, *args])


def _moment(value, programme) -> str:
    """A moment in the programme's zone, the zone named as a place people know."""
    return f"{when(value, programme.zone)} {zone_name(programme.zone)}"


def setup_step(programme, sessions, courses, questionnaires) -> Step:
    members = programme.member_countries.count()
    profiles = programme.profiles.count()
    lines = [
        Line(
            ngettext("%(count)d country", "%(count)d countries", members) % {"count": members}
            + " · "
            + ngettext("%(count)d profile", "%(count)d profiles", profiles) % {"count": profiles},
            action=_("Member countries"),
            url=_url("console:part", programme, "member-countries"),
        ),
        Line(
            ngettext("%(count)d virtual session", "%(count)d virtual sessions", len(sessions))
            % {"count": len(sessions)}
            + " · "
            + ngettext("%(count)d course", "%(count)d courses", len(courses))
            % {"count": len(courses)}
            + " · "
            + ngettext("%(count)d test", "%(count)d tests", len(questionnaires))
            % {"count": len(questionnaires)},
            action=_("Sessions and agenda"),
            url=_url("console:part", programme, "sessions"),
        ),
    ]
    unlinked = [session for session in sessions if not session.meeting_url]
    if unlinked:
        lines.append(
            Line(
                ngettext(
                    "%(count)d session has no meeting link yet",
                    "%(count)d sessions have no meeting link yet",
                    len(unlinked),
                )
                % {"count": len(unlinked)},
                # Late once the first of them is a week away or less.
                late=min(session.starts_at for session in unlinked)
                <= timezone.now() + dt.timedelta(days=7),
                action=_("Add the links"),
                url=_url("console:part", programme, "sessions"),
            )
        )
    if not programme.is_published:
        lines.append(Line(_("Not published: only its managers see the programme.")))
    return Step(
        "setup",
        pgettext("programme step", "Set-up"),
        lines,
        _("The programme's settings"),
        _url("console:settings", programme),
    )


def nominations_step(programme) -> Step:
    rows = counts_by_country(programme)
    places = sum(row.quota for row in rows)
    accepted = sum(row.accepted for row in rows)
    waiting = sum(row.submitted for row in rows)
    silent = [
        row for row in rows if not (row.submitted + row.reserve + row.accepted + row.rejected)
    ]
    started = programme.start_date <= timezone.localdate()
    lines = [
        Line(
            _("%(accepted)d of %(places)d places taken") % {"accepted": accepted, "places": places}
        )
    ]
    if silent:
        lines.append(
            Line(
                ngettext(
                    "%(count)d country has sent no list",
                    "%(count)d countries have sent no list",
                    len(silent),
                )
                % {"count": len(silent)},
                late=started,
            )
        )
    if waiting:
        lines.append(
            Line(
                ngettext(
                    "%(count)d nomination waiting for a decision",
                    "%(count)d nominations waiting for a decision",
                    waiting,
                )
                % {"count": waiting},
                late=started,
                action=_("Decide"),
                url=_url("nominations:overview", programme),
            )
        )
    return Step(
        "nominations",
        pgettext("programme step", "Nominations"),
        lines,
        _("Nominations"),
        _url("nominations:overview", programme),
    )


def registration_step(programme, participants: int) -> Step:
    observers = Membership.objects.filter(programme=programme, role=Role.OBSERVER).count()
    return Step(
        "registration",
        pgettext("programme step", "Registration"),
        [
            Line(
                ngettext("%(count)d participant", "%(count)d participants", participants)
                % {"count": participants}
                + " · "
                + ngettext("%(count)d observer", "%(count)d observers", observers)
                % {"count": observers}
            )
        ],
        _("Participants' progress"),
        _url("progress:board", programme),
    )


def sessions_step(programme, now) -> Step:
    lines = []
    for row in programme_counts(programme):
        session = row.session
        number = session.number
        if row.reports:
            text = _("Session %(number)d: %(present)d present, %(absent)d absent") % {
                "number": number,
                "present": row.present,
                "absent": row.absent,
            }
            if row.unmatched_rows:
                text += " · " + ngettext(
                    "%(count)d row of the report matched to nobody",
                    "%(count)d rows of the report matched to nobody",
                    row.unmatched_rows,
                ) % {"count": row.unmatched_rows}
            lines.append(
                Line(text, action=_("Review"), url=_url("attendance:session", programme, number))
            )
        elif session.ends_at <= now:
            lines.append(
                Line(
                    _("Session %(number)d: Zoom report not imported") % {"number": number},
                    late=True,
                    action=_("Import"),
                    url=_url("attendance:session", programme, number),
                )
            )
        else:
            lines.append(
                Line(
                    _("Session %(number)d: %(moment)s")
                    % {"number": number, "moment": _moment(session.starts_at, programme)}
                )
            )
    return Step(
        "sessions",
        pgettext("programme step", "Sessions and attendance"),
        lines,
        _("Attendance"),
        _url("attendance:overview", programme),
    )


def courses_step(programme, now) -> Step:
    lines = []
    for row in course_counts(programme):
        course = row.course
        overdue = course.deadline is not None and course.deadline <= now and row.report is None
        text = _("%(course)s: %(completed)d of %(participants)d completed") % {
            "course": course.title,
            "completed": row.completed,
            "participants": row.participants,
        }
        if course.deadline is not None:
            text += " · " + _("deadline %(moment)s") % {
                "moment": _moment(course.deadline, programme)
            }
        if row.report is None:
            text += " · " + _("Moodle report not imported")
        lines.append(
            Line(
                text,
                late=overdue,
                action=_("Import") if row.report is None else _("Review"),
                url=_url("completions:course", programme, course.code),
            )
        )
    return Step(
        "courses",
        pgettext("programme step", "Courses and completion"),
        lines,
        _("Course completion"),
        _url("completions:overview", programme),
    )


def tests_step(programme, questionnaires, participants: int, now) -> Step:
    answered = dict(
        Response.objects.filter(questionnaire__programme=programme, submitted_at__isnull=False)
        .values_list("questionnaire_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    lines = []
    for questionnaire in questionnaires:
        state = questionnaire_window_state(questionnaire, now)
        figures = {
            "test": capfirst(questionnaire.get_kind_display()),
            "answered": answered.get(questionnaire.pk, 0),
            "participants": participants,
        }
        if state == "open" and questionnaire.closes_at:
            text = _("%(test)s: open until %(moment)s, %(answered)d of %(participants)d answered")
            figures["moment"] = _moment(questionnaire.closes_at, programme)
        elif state == "open":
            text = _("%(test)s: open, %(answered)d of %(participants)d answered")
        elif state == "not_yet" and questionnaire.opens_at:
            text = _("%(test)s: opens %(moment)s")
            figures["moment"] = _moment(questionnaire.opens_at, programme)
        elif state == "not_yet":
            text = _("%(test)s: not open yet")
        else:
            text = _("%(test)s: closed, %(answered)d of %(participants)d answered")
        lines.append(Line(text % figures, posts=window_buttons(programme, questionnaire, state)))
    if not questionnaires:
        lines.append(Line(_("No test yet.")))
    return Step(
        "tests",
        pgettext("programme step", "Tests"),
        lines,
        _("Pre-test and post-test report"),
        _url("evaluation:report", programme),
    )


def window_buttons(programme, questionnaire, state: str) -> list[tuple[str, str, dict]]:
    """What the manager can do with the test now (`state`: its window as it stands): open it
    if it is not open, close it if it is, and give it back to its dates if a hand holds it."""
    url = _url("console:test_window", programme, questionnaire.kind)
    manual = Questionnaire.ManualState
    buttons = []
    if state != "open":
        buttons.append((pgettext("a test, a button", "Open now"), url, {"state": manual.OPEN}))
    else:
        buttons.append((pgettext("a test, a button", "Close now"), url, {"state": manual.CLOSED}))
    if questionnaire.manual_state != manual.AUTO:
        label = pgettext("a test, a button", "Follow its dates")
        buttons.append((label, url, {"state": manual.AUTO}))
    return buttons


def groups_step(programme, participants: int) -> Step:
    lines = []
    works = (
        SessionWork.objects.filter(session__programme=programme)
        .select_related("session")
        .annotate(n_groups=Count("groups", distinct=True))
        .order_by("session__number")
    )
    placed = dict(
        GroupMember.objects.filter(
            session_work__session__programme=programme,
            user__memberships__programme=programme,
            user__memberships__role=Role.PARTICIPANT,
        )
        .values_list("session_work_id")
        .annotate(count=Count("user", distinct=True))
        .order_by()
    )
    for work in works:
        number = work.session.number
        count = placed.get(work.pk, 0)
        lines.append(
            Line(
                _(
                    "Session %(number)d: %(groups)d groups, "
                    "%(placed)d of %(participants)d participants placed"
                )
                % {
                    "number": number,
                    "groups": work.n_groups,
                    "placed": count,
                    "participants": participants,
                },
                action=_("Groups"),
                url=_url("groupwork:organise", programme, number),
            )
        )
    return Step("groups", pgettext("programme step", "Group work"), lines)


def certificates_step(programme) -> Step:
    counts = verdict_counts(programme)
    due, issued = counts[Verdict.ISSUED], counts[Verdict.HAS_ONE]
    lines = [
        Line(
            ngettext("%(count)d certificate issued", "%(count)d certificates issued", issued)
            % {"count": issued}
        )
    ]
    if due:
        lines.append(
            Line(
                ngettext("%(count)d certificate due", "%(count)d certificates due", due)
                % {"count": due},
                late=programme.end_date < timezone.localdate(),
                action=_("Issue"),
                url=_url("certificates:overview", programme),
            )
        )
    return Step(
        "certificates",
        pgettext("programme step", "Certificates"),
        lines,
        _("Certificates"),
        _url("certificates:overview", programme),
    )


def balance_step(programme) -> Step:
    ended = programme.end_date < timezone.localdate()
    return Step(
        "balance",
        pgettext("programme step", "Balance"),
        [
            Line(
                _("The programme has ended: its final balance can be written.")
                if ended
                else _("The balance's figures grow as the programme goes on.")
            )
        ],
        _("Final balance"),
        _url("reports:balance", programme),
    )


def programme_steps(programme) -> list[Step]:
    """The steps of `programme`'s life, in order."""
    now = timezone.now()
    sessions = list(programme.sessions.all())
    courses = list(programme.courses.all())
    questionnaires = sorted(
        Questionnaire.objects.filter(programme=programme), key=lambda q: q.kind != "pre"
    )
    participants = Membership.objects.filter(programme=programme, role=Role.PARTICIPANT).count()
    return [
        setup_step(programme, sessions, courses, questionnaires),
        nominations_step(programme),
        registration_step(programme, participants),
        sessions_step(programme, now),
        courses_step(programme, now),
        tests_step(programme, questionnaires, participants, now),
        groups_step(programme, participants),
        certificates_step(programme),
        balance_step(programme),
    ]
