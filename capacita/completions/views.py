from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from capacita.programmes import permissions
from capacita.programmes.models import Course, Programme
from capacita.shared import hand_marks, uploads
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded

from . import background, learning_site, services
from .forms import SIZE_LIMIT, MarkForm, UnmarkForm, UploadForm
from .models import CompletionReport
from .moodle import ReportError, moodle_users_csv
from .selectors import (
    course_counts,
    course_statuses,
    last_report,
    participant_keys,
    participants,
)


def _programme(request, slug) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.can_manage_attendance(request.user, programme))
    return programme


def _course(programme, code) -> Course:
    course = Course.objects.filter(programme=programme, code=code).first()
    if course is None:
        raise Http404
    return course


def _page(slug, code) -> hand_marks.MarksPage:
    """The course's page, where each participant's row is `participant-<id>`."""
    url = reverse("completions:course", kwargs={"slug": slug, "code": code})
    return hand_marks.MarksPage(url, "participant")


def _participant(pk):
    """The person a hand-marking form names; 404 when there is none."""
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


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
            # A report imported from a course's row: dates day first, as Moodle writes them.
            "upload_defaults": [("date_order", CompletionReport.DateOrder.DMY)],
            # The learning site's address when its web services are set (MOODLE_URL and
            # MOODLE_TOKEN): the syncs are offered beside the files.
            "linked": settings.MOODLE_URL if learning_site.configured() else "",
            "enrol_kind": background.ENROL,
            "completion_kind": background.COMPLETION,
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
    shown, rows = hand_marks.marking_rows(
        request.GET,
        participant_keys(programme),
        lambda user_ids: course_statuses(course, user_ids),
        lambda status: status.user,
        MarkForm,
        lambda status: {
            "completed": "yes" if status.completed else "no",
            "completed_at": timezone.localtime(status.completion.completed_at, programme.zone)
            if status.completion and status.completion.completed_at
            else None,
        },
    )
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
    back = _page(slug, code).back()
    form = UploadForm(request.POST, request.FILES)
    outcome = uploads.accept(
        request,
        form,
        SIZE_LIMIT,
        lambda name, content: services.import_completion_report(
            course, name, content, form.cleaned_data["date_order"], actor=request.user
        ),
        missing=_("Choose the report's file and the order of its dates."),
        refused=(ReportError,),
    )
    if outcome is None:
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
    page = _page(slug, code)
    form = MarkForm(request.POST)
    with timezone.override(programme.zone):  # the date typed is in the programme's zone
        valid = form.is_valid()
    if not valid:
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, hand_marks.refusal(form, " ".join(str(error) for error in errors)))
        return page.back(request.POST)
    user = _participant(form.cleaned_data["user"])
    with hand_marks.refusal_shown(request, services.CompletionError):
        services.mark_completion(
            course,
            user,
            completed=form.cleaned_data["completed"] == "yes",
            reason=form.cleaned_data["reason"],
            actor=request.user,
            completed_at=form.cleaned_data["completed_at"],
        )
        messages.success(
            request,
            _("The completion of %(name)s is marked by hand.")
            % {"name": user.get_full_name() or user.email},
        )
    return page.back_to(request.POST, user.pk)


@_guarded
@require_POST
def unmark(request, slug, code):
    programme = _programme(request, slug)
    course = _course(programme, code)
    page = _page(slug, code)
    form = UnmarkForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, hand_marks.refusal(form, _("Say why you take back this hand mark."))
        )
        return page.back(request.POST)
    user = _participant(form.cleaned_data["user"])
    with hand_marks.refusal_shown(request, services.CompletionError):
        completion = services.withdraw_completion_mark(
            course, user, form.cleaned_data["reason"], actor=request.user
        )
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
    return page.back_to(request.POST, user.pk)
