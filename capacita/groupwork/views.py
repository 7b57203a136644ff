"""Sessions 2 and 3 as working spaces: thin views over `services` and `selectors`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from weasyprint import HTML

from capacita.case_study.models import Assessment, SessionCase
from capacita.case_study.services import matrix
from capacita.programmes import permissions
from capacita.shared import text_limits
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded
from capacita.shared.pdf import LocalURLFetcher
from capacita.shared.people_pages import people_page_of, where_it_was
from capacita.shared.posted import NUL_MESSAGE, has_nul, posted_id

from . import selectors, services
from .models import GroupMember, GroupQuestion, SessionWork, WorkGroup
from .selectors import members_of, questions_with_answers


def _session_work(slug, number) -> SessionWork:
    return get_object_or_404(
        SessionWork.objects.select_related("session__programme"),
        session__programme__slug=slug,
        session__number=number,
    )


def _has_case(session_work) -> bool:
    return SessionCase.objects.filter(session_work=session_work).exists()


@_guarded
def my_group(request, slug, number):
    """The participant's own group in this session."""
    session_work = _session_work(slug, number)
    _allow(request, request.user.is_authenticated)
    member = GroupMember.objects.filter(session_work=session_work, user=request.user).first()
    if member is None:
        # A facilitator is in no group as a member: the page names the groups they
        # facilitate, whose pages they may open.
        return render(
            request,
            "groupwork/no_group.html",
            {
                "session_work": session_work,
                "programme": session_work.session.programme,
                "facilitated": list(session_work.groups.filter(facilitator=request.user)),
            },
        )
    return redirect("groupwork:group", slug=slug, number=number, group_id=member.group_id)


@_guarded
def group_page(request, slug, number, group_id, conflict=None, refused=None, status=200):
    """The group's page; after a save that was refused, `conflict` (the latest version and
    the writer's text) or `refused` (the writer's text, over the limit) for its question."""
    session_work = _session_work(slug, number)
    group = get_object_or_404(
        WorkGroup.objects.select_related("facilitator"), session_work=session_work, pk=group_id
    )
    _allow(request, permissions.can_read_group(request.user, group))
    programme = session_work.session.programme
    questions = questions_with_answers([group])[group.pk]
    for question in questions:
        if conflict is not None and question.pk == conflict["question"]:
            question.conflict = conflict
        if refused is not None and question.pk == refused["question"]:
            question.refused = refused["text"]
    return render(
        request,
        "groupwork/group.html",
        {
            "programme": programme,
            "session_work": session_work,
            "group": group,
            "members": members_of([group], programme)[group.pk],
            "questions": questions,
            "can_write": permissions.can_work_in_group(request.user, group),
            "can_see_plenary": permissions.can_see_plenary(request.user, session_work),
            "has_case": _has_case(session_work),
            "limits": text_limits,
        },
        status=status,
    )


@_guarded
@require_POST
def save_answer(request, slug, number, group_id, question_id):
    session_work = _session_work(slug, number)
    group = get_object_or_404(WorkGroup, session_work=session_work, pk=group_id)
    _allow(request, permissions.can_work_in_group(request.user, group))
    question = get_object_or_404(GroupQuestion, group=group, pk=question_id)
    if has_nul(request.POST):
        messages.error(request, NUL_MESSAGE)
        return redirect(f"{request.path.rsplit('/questions/', 1)[0]}/#question-{question.pk}")
    base = posted_id(request.POST.get("version"))
    text = request.POST.get("text", "")
    try:
        services.save_answer(question, request.user, text, -1 if base is None else base)
    except services.GroupWorkError as error:
        # Shown again with the writer's text, to shorten it: nothing was saved.
        messages.error(request, error.message)
        refused = {"question": question.pk, "text": text}
        return group_page(request, slug, number, group_id, refused=refused, status=400)
    except services.Conflict as conflict:
        messages.warning(
            request,
            _(
                "Someone in your group saved this answer while you were writing. Nothing "
                "of yours was saved yet: both texts are below; merge them and save again."
            ),
        )
        return group_page(
            request,
            slug,
            number,
            group_id,
            conflict={"question": question.pk, "current": conflict.current, "mine": conflict.text},
            status=409,
        )
    messages.success(request, _("Your group's answer was saved."))
    return redirect(f"{request.path.rsplit('/questions/', 1)[0]}/#question-{question.pk}")


def _plenary_context(request, session_work):
    groups = list(session_work.groups.select_related("facilitator"))
    programme = session_work.session.programme
    questions = questions_with_answers(groups)
    sizes, named = selectors.plenary_members(groups, programme)
    assessments = {}
    if _has_case(session_work):
        for assessment in Assessment.objects.filter(group__in=groups):
            assessments[assessment.group_id] = (assessment, matrix(assessment))
    return {
        "programme": programme,
        "session_work": session_work,
        "columns": [
            {
                "group": group,
                "questions": questions[group.pk],
                "size": sizes[group.pk],
                "named": named[group.pk],
                "assessment": assessments.get(group.pk),
            }
            for group in groups
        ],
    }


@_guarded
def plenary(request, slug, number):
    """Every group's answers side by side, for a shared screen."""
    session_work = _session_work(slug, number)
    _allow(request, permissions.can_see_plenary(request.user, session_work))
    context = _plenary_context(request, session_work)
    context["can_organise"] = permissions.can_organise_groups(
        request.user, session_work.session.programme
    )
    return render(request, "groupwork/plenary.html", context)


@_guarded
def plenary_pdf(request, slug, number):
    session_work = _session_work(slug, number)
    _allow(request, permissions.can_see_plenary(request.user, session_work))
    html = render_to_string(
        "groupwork/plenary_pdf.html", _plenary_context(request, session_work), request=request
    )
    pdf = HTML(string=html, url_fetcher=LocalURLFetcher()).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{session_work.session.programme.slug}-{_('plenary')}-{number}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@_guarded
def organise(request, slug, number):
    """The managers' page: the groups with their counts, and the participants a hundred a
    page, searched by name or e-mail and filtered by group (or in none), each with where to
    move them."""
    session_work = _session_work(slug, number)
    programme = session_work.session.programme
    _allow(request, permissions.can_organise_groups(request.user, programme))
    groups = list(session_work.groups.prefetch_related("countries").select_related("facilitator"))
    people = selectors.placed_participants(session_work)
    counts = selectors.group_counts(session_work, people)
    for group in groups:
        group.member_count = counts["groups"].get(group.pk, 0)
    chosen = request.GET.get("group", "")
    if chosen == selectors.NO_GROUP:
        listed = people.filter(placed_in__isnull=True)
    elif chosen.isdigit() and int(chosen) in counts["groups"]:
        listed = people.filter(placed_in=int(chosen))
    else:
        chosen, listed = "", people
    shown = people_page_of(
        request.GET,
        listed.values_list("pk", "user__first_name", "user__last_name", "user__email"),
        lambda keys: {row.pk: row for row in people.filter(pk__in=keys)},
        filters={"group": chosen},
    )
    return render(
        request,
        "groupwork/organise.html",
        {
            "programme": programme,
            "session_work": session_work,
            "groups": groups,
            "counts": counts,
            "shown": shown,
            "chosen": chosen,
            "NO_GROUP": selectors.NO_GROUP,
        },
    )


def _organiser(request, slug, number) -> SessionWork:
    session_work = _session_work(slug, number)
    _allow(
        request,
        permissions.can_organise_groups(request.user, session_work.session.programme),
    )
    return session_work


@_guarded
@require_POST
def assign(request, slug, number):
    session_work = _organiser(request, slug, number)
    try:
        assignment = services.assign_automatically(session_work, request.user)
    except services.GroupWorkError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("People were assigned: %(placed)s placed, %(unplaced)s in no group yet.")
            % {
                "placed": sum(len(members) for members in assignment.placed.values()),
                "unplaced": len(assignment.unplaced),
            },
        )
    return redirect("groupwork:organise", slug=slug, number=number)


@_guarded
@require_POST
def place(request, slug, number):
    session_work = _organiser(request, slug, number)
    user_id, group_id = request.POST.get("user", ""), request.POST.get("group", "")
    user = get_object_or_404(get_user_model(), pk=posted_id(user_id) or 0)
    # An empty choice means "no group"; anything else must be one of the session's groups.
    group = (
        get_object_or_404(WorkGroup, session_work=session_work, pk=posted_id(group_id))
        if posted_id(group_id) is not None
        else None
    )
    if group is None and group_id != "":
        raise Http404
    try:
        services.place(session_work, user, group, request.user)
    except services.GroupWorkError as error:
        messages.error(request, error.message)
    # Back to the page, search and group the manager moved them from.
    return redirect(
        where_it_was(
            reverse("groupwork:organise", kwargs={"slug": slug, "number": number}),
            request.POST,
            anchor="people",
            keep={"group_filter": "group"},
        )
    )


@_guarded
@require_POST
def toggle_plenary(request, slug, number):
    session_work = _organiser(request, slug, number)
    services.set_plenary(session_work, request.POST.get("open") == "1", request.user)
    return redirect("groupwork:organise", slug=slug, number=number)
