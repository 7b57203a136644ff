"""The managers' attendance pages: thin views over `services` and `selectors`."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from capacita.agenda.models import VirtualSession
from capacita.programmes import permissions
from capacita.programmes.models import Programme
from capacita.shared import uploads
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded
from capacita.shared.people_pages import people_page, where_it_was
from capacita.shared.posted import NUL_MESSAGE, has_nul, posted_id
from capacita.shared.text_limits import typed_refusal
from capacita.shared.zones import zone_name

from . import services
from .forms import SIZE_LIMIT, MarkForm, MatchForm, UnmarkForm, UnmatchForm, UploadForm
from .matching import counted_people
from .models import AttendanceRecord, MeetingReport, NameMatch
from .selectors import programme_counts, session_sheet, user_by_pk
from .zoom import ReportError


def _programme(request, slug) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.can_manage_attendance(request.user, programme))
    return programme


def _session(programme, number) -> VirtualSession:
    session = get_object_or_404(VirtualSession, programme=programme, number=number)
    session.programme = programme  # one query fewer for every use of session.programme
    return session


def _back(session, anchor: str = "", posted=None):
    """The session's page; with `posted`, the page of people the form was sent from."""
    url = reverse(
        "attendance:session",
        kwargs={"slug": session.programme.slug, "number": session.number},
    )
    return redirect(where_it_was(url, posted or {}, anchor))


@_guarded
def overview(request, slug):
    """Each session with its counts: present, absent, excused, rows matched to nobody."""
    programme = _programme(request, slug)
    return render(
        request,
        "attendance/overview.html",
        {"programme": programme, "rows": programme_counts(programme)},
    )


@_guarded
def session(request, slug, number):
    """A session's attendance: each person's minutes, the reports' verdict and the final
    status; the rows matched to nobody; the upload form; a hand-marking form per person."""
    programme = _programme(request, slug)
    session = _session(programme, number)
    sheet = session_sheet(session)
    shown = people_page(request.GET, sheet.people, lambda line: line.user)
    people = [
        (
            line,
            MarkForm(
                auto_id=f"id_mark_{line.user.pk}_%s",
                initial={
                    "user": line.user.pk,
                    "status": line.record.status
                    if line.record
                    else AttendanceRecord.Status.PRESENT,
                },
            ),
        )
        for line in shown.page.object_list
    ]
    unmatched = [
        (
            group,
            MatchForm(
                auto_id=f"id_match_{index}_%s",
                people=sheet.choices,
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
        },
    )


@_guarded
@require_POST
def upload(request, slug, number):
    programme = _programme(request, slug)
    session = _session(programme, number)
    form = UploadForm(request.POST, request.FILES, programme=programme)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(session, "upload-title")
    file = form.cleaned_data["file"]
    try:
        content = uploads.read_upload(file, uploads.limit(SIZE_LIMIT))
        outcome = services.import_meeting_report(
            session, uploads.display_name(file.name), content, form.zone, actor=request.user
        )
    except uploads.UploadError as error:
        messages.error(request, error.message)
        return _back(session, "upload-title")
    except ReportError as error:
        messages.error(request, error.message)
        for problem in error.problems:
            messages.error(request, problem)
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
    choices = list(counted_people(programme).values_list("pk", "email"))
    form = MatchForm(request.POST, people=choices)
    if not form.is_valid():
        messages.error(request, _("Choose the person these rows belong to."))
        return _back(session, "unmatched-title")
    user = user_by_pk(form.cleaned_data["user"])
    if not form.cleaned_data["meeting_name"] and not form.cleaned_data["meeting_email"]:
        messages.error(request, _("Choose the person these rows belong to."))
        return _back(session, "unmatched-title")
    try:
        record = services.match_rows(
            session,
            form.cleaned_data["meeting_name"],
            form.cleaned_data["meeting_email"],
            user,
            actor=request.user,
        )
    except services.AttendanceError as error:
        messages.error(request, error.message)
        return _back(session, "unmatched-title")
    messages.success(
        request,
        _("“%(meeting_name)s” is %(name)s: %(minutes)s minutes, %(status)s.")
        % {
            "meeting_name": form.cleaned_data["meeting_name"] or form.cleaned_data["meeting_email"],
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
    form = MarkForm(request.POST)
    if not form.is_valid():
        problem = typed_refusal(form, "reason", _("The reason"))
        if problem:
            messages.error(request, problem)
        elif "reason" in form.errors:
            messages.error(request, _("Give the reason for marking attendance by hand."))
        else:
            messages.error(request, _("Choose present, absent or excused."))
        anchor = f"person-{posted_id(request.POST.get('user')) or ''}".rstrip("-")
        return _back(session, anchor, request.POST)
    user = user_by_pk(form.cleaned_data["user"])
    if user is None:
        messages.error(request, _("This person is not in the programme."))
        return _back(session, posted=request.POST)
    try:
        record = services.mark_attendance(
            session,
            user,
            form.cleaned_data["status"],
            form.cleaned_data["reason"],
            actor=request.user,
        )
    except services.AttendanceError as error:
        messages.error(request, error.message)
        return _back(session, f"person-{user.pk}", request.POST)
    messages.success(
        request,
        _("%(name)s is marked as %(status)s.")
        % {"name": user.get_full_name(), "status": record.get_status_display()},
    )
    return _back(session, f"person-{user.pk}", request.POST)


@_guarded
@require_POST
def unmark(request, slug, number):
    programme = _programme(request, slug)
    session = _session(programme, number)
    form = UnmarkForm(request.POST)
    user_id = form.cleaned_data["user"] if form.is_valid() else posted_id(request.POST.get("user"))
    anchor = f"person-{user_id}" if user_id else ""
    if not form.is_valid():
        problem = typed_refusal(form, "reason", _("The reason"))
        messages.error(request, problem or _("Give the reason for taking back the hand mark."))
        return _back(session, anchor, request.POST)
    user = user_by_pk(user_id)
    if user is None:
        messages.error(request, _("This person is not in the programme."))
        return _back(session, posted=request.POST)
    try:
        record = services.withdraw_attendance_mark(
            session, user, form.cleaned_data["reason"], actor=request.user
        )
    except services.AttendanceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The hand mark of %(name)s is taken back: %(status)s.")
            % {
                "name": user.get_full_name(),
                "status": record.get_status_display() if record else _("no status yet"),
            },
        )
    return _back(session, anchor, request.POST)


@_guarded
@require_POST
def unmatch(request, slug, number):
    programme = _programme(request, slug)
    session = _session(programme, number)
    form = UnmatchForm(request.POST)
    if not form.is_valid():
        problem = typed_refusal(form, "reason", _("The reason"))
        messages.error(request, problem or _("Give the reason for taking back the match."))
        return _back(session, "matched-title")
    match = get_object_or_404(NameMatch, pk=form.cleaned_data["match"], programme=programme)
    try:
        rows = services.forget_match(match, form.cleaned_data["reason"], actor=request.user)
    except services.AttendanceError as error:
        messages.error(request, error.message)
    else:
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
    try:
        services.remove_meeting_report(report, request.POST.get("reason", ""), actor=request.user)
    except services.AttendanceError as error:
        messages.error(request, error.message)
        return _back(session, "reports-title")
    messages.success(
        request,
        _("The report “%(file)s” is removed; attendance is worked out again without it.")
        % {"file": report.filename},
    )
    return _back(session, "reports-title")
