"""Attendance read from the meeting tool's reports (Zoom) by the task worker
(`capacita.jobs`): the button of a session's attendance page."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from capacita.agenda.models import VirtualSession
from capacita.jobs.kinds import JobKind, Made, register
from capacita.programmes import permissions
from capacita.shared.errors import UserError

from . import meeting_tool
from .models import AttendanceRecord

ZOOM = "zoom-attendance"
Status = AttendanceRecord.Status


def _session(programme, params) -> VirtualSession | None:
    number = str(params.get("session", ""))
    if not number.isdigit():
        return None
    return VirtualSession.objects.filter(programme=programme, number=int(number)).first()


def _allows(user, programme, params) -> bool:
    """Only for a session that names its meeting, with Zoom configured."""
    session = _session(programme, params)
    return session is not None and meeting_tool.available(session)


def _import(job, progress) -> Made:
    """The session's report read from Zoom and imported. A refusal (Zoom's, or the session
    gone) fails the job, its page saying why in the asker's language."""
    session = _session(job.programme, job.params)
    if session is None:
        raise UserError(_("The session no longer exists."))
    session.programme = job.programme
    progress(0, None)
    outcome = meeting_tool.import_attendance(session, job.requested_by, progress=progress)
    return Made(
        outcome={
            "session": session.number,
            "rows": outcome.row_count,
            "present": outcome.count(Status.PRESENT),
            "absent": outcome.count(Status.ABSENT),
            "excused": outcome.count(Status.EXCUSED),
            "unmatched": outcome.unmatched_rows,
            "nothing_new": outcome.already_imported,
        }
    )


def describe(outcome: dict) -> str:
    counts = ngettext(
        "Session %(session)s: %(rows)s row read from Zoom; %(present)s present, %(absent)s "
        "absent, %(excused)s excused; rows matched to nobody: %(unmatched)s.",
        "Session %(session)s: %(rows)s rows read from Zoom; %(present)s present, %(absent)s "
        "absent, %(excused)s excused; rows matched to nobody: %(unmatched)s.",
        outcome.get("rows", 0),
    ) % {
        name: outcome.get(name, 0)
        for name in ("session", "rows", "present", "absent", "excused", "unmatched")
    }
    if outcome.get("nothing_new"):
        return counts + " " + _("Nothing new since the last run: nothing was saved.")
    return counts


def register_kinds() -> None:
    register(
        JobKind(
            code=ZOOM,
            title=gettext_lazy("Attendance read from Zoom"),
            explanation=gettext_lazy(
                "The participants report of the session's Zoom meeting, read from Zoom and "
                "imported as an uploaded report is: the same verdicts, names matched the same "
                "way. Running it again when nothing is new saves nothing."
            ),
            button=gettext_lazy("Read the attendance from Zoom"),
            may=permissions.can_manage_attendance,
            page="attendance:overview",
            page_title=gettext_lazy("Attendance"),
            make=_import,
            describe=describe,
            params=("session",),
            allows=_allows,
        )
    )
