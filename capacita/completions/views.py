from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from capacita.programmes import permissions
from capacita.programmes.models import Course, Programme
from capacita.shared import uploads
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded
from capacita.shared.people_pages import people_page, where_it_was
from capacita.shared.text_limits import typed_refusal

from . import services
from .forms import SIZE_LIMIT, MarkForm, UnmarkForm, UploadForm
from .moodle import ReportError, moodle_users_csv
from .selectors import course_counts, course_statuses, last_report, participants


def _programme(request, slug) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.can_manage_attendance(request.user, programme))
    return programme


def _course(programme, code) -> Course:
    course = Course.objects.filter(programme=programme, code=code).first()
    if course is None:
        raise Http404
    return course


@_guarded
def overview(request, slug):
    """Each course with its counts, and the participants' file for the learning site."""
    programme = _programme(request, slug)
    return render(
        request,
        "completions/overview.html",
        {
            "programme": programme,
            "rows": course_counts(programme),
            "participant_count": participants(programme).count(),
        },
    )


@_guarded
def moodle_users(request, slug):
    """The accepted participants as the CSV of Moodle's "Upload users" tool."""
    programme = _programme(request, slug)
    response = HttpResponse(moodle_users_csv(programme), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-moodle-users.csv"'
    return response


@_guarded
def course(request, slug, code):
    """A course's participants with their completion, the last report's unmatched rows, the
    upload form and a hand-marking form per person."""
    programme = _programme(request, slug)
    course = _course(programme, code)
    shown = people_page(request.GET, course_statuses(course), lambda status: status.user)
    rows = []
    for status in shown.page.object_list:
        completion = status.completion
        form = MarkForm(
            auto_id=f"id_mark_{status.user.pk}_%s",
            initial={
                "user": status.user.pk,
                "completed": "yes" if status.completed else "no",
                "completed_at": timezone.localtime(completion.completed_at, programme.zone)
                if completion and completion.completed_at
                else None,
            },
        )
        rows.append((status, form))
    return render(
        request,
        "completions/course.html",
        {
            "programme": programme,
            "course": course,
            "rows": rows,
            "shown": shown,
            "report": last_report(course),
            "upload_form": UploadForm(),
        },
    )


@_guarded
@require_POST
def upload(request, slug, code):
    programme = _programme(request, slug)
    course = _course(programme, code)
    back = redirect("completions:course", slug=slug, code=code)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        file_errors = form.errors.get("file")
        if file_errors and form.files.get("file"):
            for error in file_errors:
                messages.error(request, error)
        else:
            messages.error(request, _("Choose the report's file and the order of its dates."))
        return back
    file = form.cleaned_data["file"]
    try:
        content = uploads.read_upload(file, uploads.limit(SIZE_LIMIT))
        outcome = services.import_completion_report(
            course,
            uploads.display_name(file.name),
            content,
            form.cleaned_data["date_order"],
            actor=request.user,
        )
    except uploads.UploadError as error:
        messages.error(request, error.message)
        return back
    except ReportError as error:
        messages.error(request, error.message)
        return back
    if outcome.already_imported:
        messages.info(request, _("This report was already imported: nothing changed."))
        return back
    messages.success(
        request,
        _(
            "Report imported: %(matched)s participants found (%(completed)s completed, "
            "%(late)s of them late; %(not_completed)s not completed), %(changed)s records "
            "changed, %(unmatched)s rows matched to nobody."
        )
        % {
            "matched": len(outcome.verdicts),
            "completed": outcome.count(services.COMPLETED) + outcome.count(services.LATE),
            "late": outcome.count(services.LATE),
            "not_completed": outcome.count(services.NOT_COMPLETED),
            "changed": outcome.changed,
            "unmatched": len(outcome.unmatched),
        },
    )
    if outcome.kept_by_hand:
        messages.info(
            request,
            ngettext(
                "%(count)s person keeps the status marked by hand; the report's figure is "
                "beside it.",
                "%(count)s people keep the status marked by hand; the report's figure is "
                "beside it.",
                len(outcome.kept_by_hand),
            )
            % {"count": len(outcome.kept_by_hand)},
        )
    if outcome.problems:
        messages.warning(
            request,
            ngettext(
                "%(count)s row could not be read: it is listed below.",
                "%(count)s rows could not be read: they are listed below.",
                len(outcome.problems),
            )
            % {"count": len(outcome.problems)},
        )
    return back


@_guarded
@require_POST
def mark(request, slug, code):
    programme = _programme(request, slug)
    course = _course(programme, code)
    url = reverse("completions:course", kwargs={"slug": slug, "code": code})
    back = redirect(where_it_was(url, request.POST))
    form = MarkForm(request.POST)
    with timezone.override(programme.zone):  # the date typed is in the programme's zone
        valid = form.is_valid()
    if not valid:
        problem = typed_refusal(form, "reason", _("The reason"))
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, problem or " ".join(str(error) for error in errors))
        return back
    user = get_user_model().objects.filter(pk=form.cleaned_data["user"]).first()
    if user is None:
        raise Http404
    try:
        services.mark_completion(
            course,
            user,
            completed=form.cleaned_data["completed"] == "yes",
            reason=form.cleaned_data["reason"],
            actor=request.user,
            completed_at=form.cleaned_data["completed_at"],
        )
    except services.CompletionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The completion of %(name)s is marked by hand.")
            % {"name": user.get_full_name() or user.email},
        )
    return redirect(where_it_was(url, request.POST, f"participant-{user.pk}"))


@_guarded
@require_POST
def unmark(request, slug, code):
    programme = _programme(request, slug)
    course = _course(programme, code)
    url = reverse("completions:course", kwargs={"slug": slug, "code": code})
    form = UnmarkForm(request.POST)
    if not form.is_valid():
        problem = typed_refusal(form, "reason", _("The reason"))
        messages.error(request, problem or _("Say why you take back this hand mark."))
        return redirect(where_it_was(url, request.POST))
    user = get_user_model().objects.filter(pk=form.cleaned_data["user"]).first()
    if user is None:
        raise Http404
    try:
        completion = services.withdraw_completion_mark(
            course, user, form.cleaned_data["reason"], actor=request.user
        )
    except services.CompletionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The hand mark of %(name)s is taken back: %(status)s.")
            % {
                "name": user.get_full_name() or user.email,
                "status": (
                    _("completed")
                    if completion and completion.completed
                    else _("not completed")
                    if completion
                    else _("in no report yet")
                ),
            },
        )
    return redirect(where_it_was(url, request.POST, f"participant-{user.pk}"))
