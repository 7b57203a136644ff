"""A group's case and its vulnerability assessment: thin views over `services`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from capacita.case_study import services
from capacita.case_study.models import Assessment, Factor, Level, SessionCase
from capacita.programmes import permissions
from capacita.shared import text_limits
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded
from capacita.shared.posted import NUL_MESSAGE, has_nul

from .models import WorkGroup


def _group(slug, number, group_id) -> WorkGroup:
    return get_object_or_404(
        WorkGroup.objects.select_related("session_work__session__programme", "facilitator"),
        session_work__session__programme__slug=slug,
        session_work__session__number=number,
        pk=group_id,
    )


def _page(group) -> str:
    return reverse(
        "case_study:assessment",
        kwargs={
            "slug": group.session_work.session.programme.slug,
            "number": group.session_work.session.number,
            "group_id": group.pk,
        },
    )


def _catalogue() -> list[tuple[str, list[Factor]]]:
    """The catalogue grouped by level, in the model's order of levels."""
    factors = list(Factor.objects.all())
    return [
        (label, [factor for factor in factors if factor.level == level])
        for level, label in Level.choices
    ]


@_guarded
def assessment(request, slug, number, group_id):
    """The case, the guiding questions of the group's perspective, the group's matrix of
    risk and protective factors and its conclusions; the forms for its members."""
    group = _group(slug, number, group_id)
    _allow(request, permissions.can_read_group(request.user, group))
    session_case = (
        SessionCase.objects.filter(session_work=group.session_work).select_related("case").first()
    )
    if session_case is None:
        raise Http404(_("This session has no case to study."))
    case = session_case.case
    current = Assessment.objects.filter(group=group).first()
    session_work = group.session_work
    if group.perspective:
        questions = services.case_questions(case, group.perspective)
    else:
        questions = list(case.questions.order_by("perspective", "position"))
    return render(
        request,
        "groupwork/assessment.html",
        {
            "programme": session_work.session.programme,
            "session_work": session_work,
            "group": group,
            "case": case,
            "questions": questions,
            "assessment": current,
            "rows": services.matrix(current),
            "levels": Level.choices,
            "catalogue": _catalogue(),
            "can_write": permissions.can_work_in_group(request.user, group),
            "can_see_plenary": permissions.can_see_plenary(request.user, session_work),
            "limits": text_limits,
        },
    )


@_guarded
@require_POST
def add_factor(request, slug, number, group_id):
    group = _group(slug, number, group_id)
    _allow(request, permissions.can_work_in_group(request.user, group))
    if has_nul(request.POST):
        messages.error(request, NUL_MESSAGE)
        return redirect(f"{_page(group)}#matrix")
    try:
        services.add_factor(
            services.assessment_for(group),
            request.POST.get("level", ""),
            request.POST.get("kind", ""),
            factor_code=request.POST.get("factor", ""),
            custom_name=request.POST.get("custom_name", ""),
            note=request.POST.get("note", ""),
        )
    except services.AssessmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The factor was added to your group's assessment."))
    return redirect(f"{_page(group)}#matrix")


@_guarded
@require_POST
def remove_factor(request, slug, number, group_id, factor_id):
    group = _group(slug, number, group_id)
    _allow(request, permissions.can_work_in_group(request.user, group))
    try:
        services.remove_factor(services.assessment_for(group), factor_id)
    except services.AssessmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The factor was removed from your group's assessment."))
    return redirect(f"{_page(group)}#matrix")


@_guarded
@require_POST
def conclusions(request, slug, number, group_id):
    group = _group(slug, number, group_id)
    _allow(request, permissions.can_work_in_group(request.user, group))
    if has_nul(request.POST):
        messages.error(request, NUL_MESSAGE)
        return redirect(f"{_page(group)}#conclusions")
    try:
        services.save_conclusions(
            services.assessment_for(group),
            request.POST.get("needs", ""),
            request.POST.get("referrals", ""),
        )
    except services.AssessmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your group's conclusions were saved."))
    return redirect(f"{_page(group)}#conclusions")
