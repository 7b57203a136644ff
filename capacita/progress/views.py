from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from capacita.agenda.models import Slides
from capacita.agenda.selectors import agenda_for_viewer
from capacita.agenda.timezones import time_labels, viewer_zone
from capacita.certificates.models import Certificate
from capacita.certificates.rule import State, participants, progress_of
from capacita.groupwork.models import SessionWork, WorkGroup
from capacita.programmes import permissions
from capacita.programmes.models import Programme, Role
from capacita.shared.page_cache import expiries, kept
from capacita.shared.people_pages import people_page_of

from . import background, kept_pages
from .exports import board_csv, board_xlsx
from .selectors import board, board_counts, board_members, board_scope, tests_of

# Above this many people in the file, the board's exports are made by the task worker
# (`capacita.jobs`), with their progress shown: in the request they would come near the
# server's timeout.
BOARD_IN_REQUEST_UP_TO = 1000


def _programme(slug) -> Programme:
    return get_object_or_404(Programme, slug=slug)


def _kept_programme(request, slug) -> Programme:
    """The programme of a person's own page: kept a while with its agenda (`kept`), read
    fresh for its managers, who must see their changes at once."""
    programme = kept(f"programme:{slug}", lambda: _programme(slug))
    if permissions.is_manager(request.user, programme):
        programme = _programme(slug)
    return programme


@login_required
def my_progress(request, slug):
    """A registered person's own page: the agenda with its links, courses, attendance. Kept
    rendered for them a while (`kept_pages`): opened again, it is served as it was kept."""
    name = kept_pages.name_of(request, slug)
    if name is not None:
        page = kept_pages.served(request, name)
        if page is not None:
            return page
    with expiries() as kept_until:
        response, changes_at, keepable = _my_page(request, slug)
    if name is not None and keepable:
        kept_pages.keep(name, response, kept_until=kept_until[0], changes_at=changes_at)
    return response


def _my_page(request, slug):
    """The page, the next moment it changes by itself, and whether it may be kept (not for
    the programme's managers: they see their changes at once)."""
    now = timezone.now()  # before anything is read: a moment after it is still to come
    programme = _kept_programme(request, slug)
    if not permissions.is_registered(request.user, programme):
        raise PermissionDenied
    membership = next(
        (
            membership
            for membership in permissions.memberships_in(request.user, programme)
            if membership.role == Role.PARTICIPANT
        ),
        None,
    )
    # What is the same for every participant (the sessions, courses, agenda, slides, which
    # sessions work in groups) is kept a while; the programme's managers read it fresh.
    fresh = permissions.is_manager(request.user, programme)
    structure = kept(
        f"structure:{programme.pk}",
        lambda: (list(programme.sessions.all()), list(programme.courses.all())),
        fresh=fresh,
    )
    progress = progress_of(programme, [membership], structure=structure)[0] if membership else None
    zone, zone_error = viewer_zone(request.GET.get("tz"), request.user, programme)
    agenda = kept(
        f"agenda:{programme.pk}:{zone.key}",
        lambda: agenda_for_viewer(programme, zone),
        fresh=fresh,
    )
    # Each session's part that is alike for every reader in this language and zone, rendered
    # once for them and kept as long as the agenda.
    parts = kept(
        f"page-parts:{programme.pk}:{get_language()}:{zone.key}",
        lambda: page_parts(programme, agenda, structure[1], zone),
        fresh=fresh,
    )
    session_states = {item.session.pk: item for item in progress.sessions} if progress else {}
    roles = permissions.roles_in(request.user, programme)
    facilitated = _facilitated_groups(programme, request.user) if Role.FACILITATOR in roles else {}
    tests = tests_of(programme, request.user, fresh=fresh) if membership else []
    page = render(
        request,
        "progress/my_progress.html",
        {
            "programme": programme,
            "progress": progress,
            "agenda": [
                (
                    view,
                    parts["sessions"][view.session.pk],
                    session_states.get(view.session.pk),
                    facilitated.get(view.session.pk, []),
                )
                for view in agenda
            ],
            "viewer_zone": zone,
            "zone_error": zone_error,
            "zone_differs": zone.key != programme.time_zone,
            "takes_part_in_agenda": Role.FACILITATOR in roles,
            "tests": tests,
            "courses": [(item, parts["courses"][item.course.pk]) for item in progress.courses]
            if progress
            else [],
            **_what_comes_next(agenda, tests, progress),
            "certificate": _valid_certificate(programme, request.user) if membership else None,
            "group_sessions": kept(
                f"group-sessions:{programme.pk}", lambda: _group_sessions(programme), fresh=fresh
            ),
        },
    )
    return page, kept_pages.next_change(agenda, tests, structure[1], now), not fresh


@login_required
@require_POST
def reminders(request, slug):
    programme = _programme(slug)
    if not permissions.is_registered(request.user, programme):
        raise PermissionDenied
    request.user.wants_reminders = request.POST.get("wants_reminders") == "on"
    request.user.save(update_fields=["wants_reminders"])
    messages.success(
        request,
        _("You will receive reminders by e-mail.")
        if request.user.wants_reminders
        else _("You will not receive reminders by e-mail."),
    )
    return redirect("progress:mine", slug=slug)


def _what_comes_next(agenda, tests, progress) -> dict:
    """What the person's page opens with: the next virtual session (the one under way, else
    the first ahead), the tests open now that they have not submitted, and the course not yet
    completed whose deadline is nearest."""
    now = timezone.now()
    next_session = next((view for view in agenda if view.session.ends_at > now), None)
    pending = [
        item
        for item in (progress.courses if progress else [])
        if item.state == State.PENDING and item.course.deadline
    ]
    return {
        "next_session": next_session,
        "next_session_started": next_session is not None and next_session.session.starts_at <= now,
        "open_tests": [test for test in tests if test.window == "open" and not test.submitted],
        "next_course": min(pending, key=lambda item: item.course.deadline, default=None),
    }


def _slides_by_session(programme) -> dict[int, list[Slides]]:
    slides_by_session = {}
    for slides in Slides.objects.filter(item__session__programme=programme).select_related("item"):
        slides_by_session.setdefault(slides.item.session_id, []).append(slides)
    return slides_by_session


def _board_filters(request, programme):
    """The countries the reader may see and asked for, and the status asked for."""
    return board_scope(
        request.user, programme, request.GET.get("country", ""), request.GET.get("status", "")
    )


@login_required
def board_page(request, slug):
    programme = _programme(slug)
    chosen_countries, status = _board_filters(request, programme)
    visible = permissions.board_countries(request.user, programme)
    countries = [
        member.country
        for member in programme.member_countries.select_related("country")
        if visible is None or member.country_id in visible
    ]
    structure = (list(programme.sessions.all()), list(programme.courses.all()))
    # A hundred people a page, searched by name or e-mail; the exports hold them all.
    shown = people_page_of(
        request.GET,
        board_members(programme, chosen_countries, status).values_list(
            "pk", "user__first_name", "user__last_name", "user__email"
        ),
        lambda keys: {
            row.pk: row for row in participants(programme, chosen_countries).filter(pk__in=keys)
        },
        filters={"country": request.GET.get("country", "").upper(), "status": status},
    )
    shown.page.object_list = progress_of(programme, shown.page.object_list, structure=structure)
    filters = {"country": request.GET.get("country", "").upper(), "status": status}
    return render(
        request,
        "progress/board.html",
        {
            "programme": programme,
            "rows": shown.page.object_list,
            "page": shown.page,
            "shown": shown,
            "counts": board_counts(programme, chosen_countries),
            "sessions": structure[0],
            "courses": structure[1],
            "countries": sorted(countries, key=lambda country: country.name),
            "chosen_country": filters["country"],
            "chosen_status": status,
            "query": urlencode({name: value for name, value in filters.items() if value}),
        },
    )


@login_required
def board_export(request, slug, fmt):
    programme = _programme(slug)
    countries, status = _board_filters(request, programme)
    if fmt not in background.BOARD:
        raise Http404
    if board_members(programme, countries, status).count() > BOARD_IN_REQUEST_UP_TO:
        start = reverse("jobs:start", kwargs={"slug": slug, "kind": background.BOARD[fmt]})
        query = urlencode(
            {name: request.GET[name] for name in ("country", "status") if request.GET.get(name)}
        )
        return redirect(f"{start}?{query}" if query else start)
    rows = board(programme, countries, status)
    if fmt == "xlsx":
        body = board_xlsx(programme, rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        body = board_csv(programme, rows)
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-board.{fmt}"'
    return response


@login_required
def participant_page(request, slug, user_id):
    """A participant's progress as their focal point or a manager sees it."""
    programme = _programme(slug)
    person = get_object_or_404(get_user_model(), pk=user_id)
    membership = get_object_or_404(participants(programme), user=person)
    if not permissions.can_follow_participant(request.user, programme, membership):
        raise PermissionDenied
    return render(
        request,
        "progress/participant.html",
        {
            "programme": programme,
            "progress": progress_of(programme, [membership])[0],
            "certificate": _valid_certificate(programme, person),
        },
    )


def _valid_certificate(programme, user):
    return Certificate.objects.filter(
        programme=programme, user=user, status=Certificate.Status.VALID
    ).first()


def page_parts(programme, agenda, courses, zone) -> dict[str, dict[int, str]]:
    """The parts of a person's own page that are the same for every reader in the active
    language and `zone`, rendered: each session's title, times, links and slides
    (`"sessions"`), each course's title, kind and deadline (`"courses"`), by their keys."""
    slides = _slides_by_session(programme)
    shared = {
        "programme": programme,
        "viewer_zone": zone,
        "labels": time_labels(zone, programme.zone),
        "zone_differs": zone.key != programme.time_zone,
    }
    return {
        "sessions": {
            view.session.pk: render_to_string(
                "progress/_my_session_head.html",
                {
                    **shared,
                    "view": view,
                    "session": view.session,
                    "slides": slides.get(view.session.pk),
                },
            )
            for view in agenda
        },
        "courses": {
            course.pk: render_to_string(
                "progress/_my_course_head.html", {**shared, "course": course}
            )
            for course in courses
        },
    }


def _facilitated_groups(programme, user) -> dict[int, list]:
    """The groups `user` facilitates, by session (the session's key), in one query."""
    groups: dict[int, list] = {}
    for group in WorkGroup.objects.filter(
        session_work__session__programme=programme, facilitator=user
    ).select_related("session_work"):
        groups.setdefault(group.session_work.session_id, []).append(group)
    return groups


def _group_sessions(programme) -> set[int]:
    """The numbers of the sessions that work in groups."""
    return set(
        SessionWork.objects.filter(session__programme=programme).values_list(
            "session__number", flat=True
        )
    )
