"""The managers' attendance pages: thin views over `services` and `selectors`."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from capacita.agenda.models import VirtualSession
from capacita.programmes import permissions
from capacita.programmes.models import Programme
from capacita.shared import hand_marks, person_field, uploads
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded
from capacita.shared.posted import NUL_MESSAGE, has_nul, posted_id
from capacita.shared.zones import zone_name

from . import background, meeting_tool, services
from .forms import SIZE_LIMIT, MarkForm, MatchForm, UnmarkForm, UnmatchForm, UploadForm
from .matching import counted_people
from .models import AttendanceRecord, MeetingReport, NameMatch
from .selectors import (
    people_keys,
    people_lines,
    person_choices,
    programme_counts,
    session_sheet,
    user_by_pk,
)
from .zoom import ReportError


def _programme(request, slug) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.can_manage_attendance(request.user, programme))
    return programme


def _session(programme, number) -> VirtualSession:
    session = get_object_or_404(VirtualSession, programme=programme, number=number)
    session.programme = programme  # one query fewer for every use of session.programme
    return session


def _page(session) -> hand_marks.MarksPage:
    """The session's page, where each person's row is `person-<id>`."""
    url = reverse(
        "attendance:session",
        kwargs={"slug": session.programme.slug, "number": session.number},
    )
    return hand_marks.MarksPage(url, "person")


def _back(session, anchor: str = "", posted=None):
    """The session's page; with `posted`, the page of people the form was sent from."""
    return _page(session).back(posted, anchor)


def _match_choices(session):
    """The people to match rows to, as a list; None when they are too many to list."""
    return person_field.within_limit(person_choices(session))


@_guarded
def overview(request, slug):
    """Each session with its counts: present, absent, excused, rows matched to nobody."""
    programme = _programme(request, slug)
    return render(
        request,
        "attendance/overview.html",
        {
            "programme": programme,
            "rows": programme_counts(programme),
            # A report imported from a session's row: its times in the programme's zone.
            "upload_defaults": [("time_zone", programme.time_zone)],
        },
    )


@_guarded
def session(request, slug, number):
    """A session's attendance: each person's minutes, the reports' verdict and the final
    status; the rows matched to nobody; the upload form; a hand-marking form per person."""
    programme = _programme(request, slug)
    session = _session(programme, number)
    keys = people_keys(session)
    sheet = session_sheet(session, len(keys))
    shown, people = hand_marks.marking_rows(
        request.GET,
        keys,
        lambda user_ids: people_lines(session, user_ids),
        lambda line: line.user,
        MarkForm,
        lambda line: {
            "status": line.record.status if line.record else AttendanceRecord.Status.PRESENT
        },
    )
    choices = _match_choices(session) if sheet.unmatched else []
    unmatched = [
        (
            group,
            MatchForm(
                auto_id=f"id_match_{index}_%s",
                choices=choices,
                initial={"meeting_name": group.name, "meeting_email": group.email},
            ),
        )
        for index, group in enumerate(sheet.unmatched)
    ]
    return render(
        request,
        "attendance/session.html",
        {
            "programme": programme,
            "session": session,
            "sheet": sheet,
            "people": people,
            "shown": shown,
            "unmatched": unmatched,
            "upload_form": UploadForm(programme=programme),
            # With Zoom configured and the meeting named: the button reading its report.
            "zoom_job": background.ZOOM if meeting_tool.available(session) else "",
        },
    )


@_guarded
@require_POST
def upload(request, slug, number):
    programme = _programme(request, slug)
    session = _session(programme, number)
    form = UploadForm(request.POST, request.FILES, programme=programme)
    outcome = uploads.accept(
        request,
        form,
        SIZE_LIMIT,
        lambda name, content: services.import_meeting_report(
            session, name, content, form.zone, actor=request.user
        ),
        refused=(ReportError,),
    )
    if outcome is None:
        return _back(session, "upload-title")
    if outcome.already_imported:
        messages.info(
            request,
            _(
                "This report was already imported for this session (as “%(file)s”, times in "
                "%(zone)s): nothing changed."
            )
            % {"file": outcome.report.filename, "zone": zone_name(outcome.report.time_zone)},
        )
        return _back(session)
    messages.success(
        request,
        _(
            "Report imported: %(rows)s rows, %(matched)s matched to participants, "
            "%(unmatched)s to nobody yet. Now %(present)s present, %(absent)s absent, "
            "%(excused)s excused."
        )
        % {
            "rows": outcome.row_count,
            "matched": outcome.matched_rows,
            "unmatched": outcome.unmatched_rows,
            "present": outcome.count(AttendanceRecord.Status.PRESENT),
            "absent": outcome.count(AttendanceRecord.Status.ABSENT),
            "excused": outcome.count(AttendanceRecord.Status.EXCUSED),
        },
    )
    if outcome.waiting_room_rows:
        messages.info(
            request,
            ngettext(
                "%(count)s row of time in the waiting room was left out.",
                "%(count)s rows of time in the waiting room were left out.",
                outcome.waiting_room_rows,
            )
            % {"count": outcome.waiting_room_rows},
        )
    return _back(session, "unmatched-title" if outcome.unmatched else "")


@_guarded
@require_POST
def match(request, slug, number):
    programme = _programme(request, slug)
    session = _session(programme, number)
    form = MatchForm(
        request.POST, choices=_match_choices(session), people=counted_people(programme)
    )
    if not form.is_valid():
        messages.error(request, form.refusal)
        return _back(session, "unmatched-title")
    user = user_by_pk(form.cleaned_data["user"])
    if not form.cleaned_data["meeting_name"] and not form.cleaned_data["meeting_email"]:
        messages.error(request, _("Choose the person these rows belong to."))
        return _back(session, "unmatched-title")
    with hand_marks.refusal_shown(request, services.AttendanceError):
        record = services.match_rows(
            session,
            form.cleaned_data["meeting_name"],
            form.cleaned_data["meeting_email"],
            user,
            actor=request.user,
        )
        messages.success(
            request,
            _("“%(meeting_name)s” is %(name)s: %(minutes)s minutes, %(status)s.")
            % {
                "meeting_name": form.cleaned_data["meeting_name"]
                or form.cleaned_data["meeting_email"],
                "name": user.get_full_name(),
                "minutes": record.imported_minutes,
                "status": record.get_status_display(),
            },
        )
    return _back(session, "unmatched-title")


@_guarded
@require_POST
def mark(request, slug, number):
    programme = _programme(request, slug)
    session = _session(programme, number)
    page = _page(session)
    form = MarkForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            hand_marks.refusal(
                form,
                _("Give the reason for marking attendance by hand.")
                if "reason" in form.errors
                else _("Choose present, absent or excused."),
            ),
        )
        anchor = f"person-{posted_id(request.POST.get('user')) or ''}".rstrip("-")
        return page.back(request.POST, anchor)
    user = user_by_pk(form.cleaned_data["user"])
    if user is None:
        messages.error(request, _("This person is not in the programme."))
        return page.back(request.POST)
    with hand_marks.refusal_shown(request, services.AttendanceError):
        record = services.mark_attendance(
            session,
            user,
            form.cleaned_data["status"],
            form.cleaned_data["reason"],
            actor=request.user,
        )
        messages.success(
            request,
            _("%(name)s is marked as %(status)s.")
            % {"name": user.get_full_name(), "status": record.get_status_display()},
        )
    return page.back_to(request.POST, user.pk)


@_guarded
@require_POST
def unmark(request, slug, number):
    programme = _programme(request, slug)
    session = _session(programme, number)
    page = _page(session)
    form = UnmarkForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            hand_marks.refusal(form, _("Give the reason for taking back the hand mark.")),
        )
        return page.back_to(request.POST, posted_id(request.POST.get("user")))
    user = user_by_pk(form.cleaned_data["user"])
    if user is None:
        messages.error(request, _("This person is not in the programme."))
        return page.back(request.POST)
    with hand_marks.refusal_shown(request, services.AttendanceError):
        record = services.withdraw_attendance_mark(
            session, user, form.cleaned_data["reason"], actor=request.user
        )
        messages.success(
            request,
            _("The hand mark of %(name)s is taken back: %(status)s.")
            % {
                "name": user.get_full_name(),
                "status": record.get_status_display() if record else _("no status yet"),
            },
        )
    return page.back_to(request.POST, user.pk)


@_guarded
@require_POST
def unmatch(request, slug, number):
    programme = _programme(request, slug)
    session = _session(programme, number)
    form = UnmatchForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, hand_marks.refusal(form, _("Give the reason for taking back the match."))
        )
        return _back(session, "matched-title")
    match = get_object_or_404(NameMatch, pk=form.cleaned_data["match"], programme=programme)
    with hand_marks.refusal_shown(request, services.AttendanceError):
        rows = services.forget_match(match, form.cleaned_data["reason"], actor=request.user)
        messages.success(
            request,
            ngettext(
                "The match of “%(name)s” is taken back: %(rows)s row matches nobody again.",
                "The match of “%(name)s” is taken back: %(rows)s rows match nobody again.",
                rows,
            )
            % {"name": match.meeting_name or match.meeting_email, "rows": rows},
        )
    return _back(session, "unmatched-title")


@_guarded
@require_POST
def remove_report(request, slug, number, report_id):
    programme = _programme(request, slug)
    session = _session(programme, number)
    report = get_object_or_404(MeetingReport, pk=report_id, session=session)
    if has_nul(request.POST):
        messages.error(request, NUL_MESSAGE)
        return _back(session, "reports-title")
    with hand_marks.refusal_shown(request, services.AttendanceError):
        services.remove_meeting_report(report, request.POST.get("reason", ""), actor=request.user)
        messages.success(
            request,
            _("The report “%(file)s” is removed; attendance is worked out again without it.")
            % {"file": report.filename},
        )
    return _back(session, "reports-title")
