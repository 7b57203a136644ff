"""Who may do what: the one place that decides.

Views, commands and templates ask these functions; none decides access on its own.
The access-matrix test (tests/test_access_matrix.py) checks every URL against every role.
"""

from __future__ import annotations

from django.db.models import QuerySet

from capacita.programmes.models import Membership, Programme, Role


def memberships_in(user, programme: Programme) -> list[Membership]:
    """`user`'s memberships of `programme` with their country, read once per request (the
    roles every permission below asks about, and the person's own page, come from them)."""
    if not user.is_authenticated:
        return []
    cache = getattr(user, "_capacita_memberships", None)
    if cache is None:
        cache = {}
        user._capacita_memberships = cache
    if programme.pk not in cache:
        memberships = list(
            Membership.objects.filter(user=user, programme=programme).select_related("country")
        )
        for membership in memberships:
            membership.user = user
        cache[programme.pk] = memberships
    return cache[programme.pk]


def roles_in(user, programme: Programme) -> set[str]:
    """The roles `user` holds in `programme` (empty for anonymous visitors)."""
    return {membership.role for membership in memberships_in(user, programme)}


def is_manager(user, programme: Programme) -> bool:
    return user.is_authenticated and (
        user.is_superuser or Role.MANAGER in roles_in(user, programme)
    )


def is_registered(user, programme: Programme) -> bool:
    """Registered people take part in the sessions: they may see meeting links and recordings."""
    return is_manager(user, programme) or bool(
        roles_in(user, programme) & {Role.PARTICIPANT, Role.FACILITATOR, Role.OBSERVER}
    )


def can_view_programme(user, programme: Programme) -> bool:
    """A published programme's public page is for anyone; an unpublished one for its managers."""
    return programme.is_published or is_manager(user, programme)


def visible_programmes(user) -> QuerySet[Programme]:
    programmes = Programme.objects.all()
    if user.is_authenticated and user.is_superuser:
        return programmes
    if user.is_authenticated:
        managed = Membership.objects.filter(user=user, role=Role.MANAGER).values("programme")
        return programmes.filter(is_published=True) | programmes.filter(pk__in=managed)
    return programmes.filter(is_published=True)


def managed_programmes(user) -> QuerySet[Programme]:
    """The programmes whose content `user` may change in the administration site."""
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(memberships__user=user, memberships__role=Role.MANAGER)


def focal_point_countries(user, programme: Programme) -> set[int]:
    """The ids of the countries `user` represents as focal point in `programme`."""
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(
            user=user, programme=programme, role=Role.FOCAL_POINT
        ).values_list("country_id", flat=True)
    )


def can_nominate_for(user, programme: Programme, country) -> bool:
    """A country's list is for its focal points and the programme's managers, nobody else."""
    return is_manager(user, programme) or country.pk in focal_point_countries(user, programme)


def can_see_nominations(user, programme: Programme) -> bool:
    return is_manager(user, programme) or bool(focal_point_countries(user, programme))


def can_decide_nominations(user, programme: Programme) -> bool:
    """Accepting, rejecting and the reserve list are the secretariat's: the managers'."""
    return is_manager(user, programme)


def can_change_nomination(user, nomination) -> bool:
    """A focal point changes their country's nominations until the secretariat decides."""
    if is_manager(user, nomination.programme):
        return True
    return not nomination.is_decided and can_nominate_for(
        user, nomination.programme, nomination.country
    )


def can_manage_people(user, programme: Programme) -> bool:
    """Naming focal points and registering observers."""
    return is_manager(user, programme)


def can_give_role_to(actor, account) -> bool:
    """Whether `actor` may give `account` a role in a programme (naming a focal point,
    registering an observer, accepting a nomination, adding a membership).

    A role brings its e-mail and a say over what the account sees, so a manager may not
    reach beyond their own programmes with it: not to an administrator's account (superuser
    or staff without a programme), nor to the manager of a programme they do not manage.
    Superusers, and commands run without an actor, may."""
    if actor is None or actor.is_superuser:
        return True
    if account is None or account.pk is None:
        return True
    if account.is_superuser:
        return False
    managed_by_account = set(
        Membership.objects.filter(user=account, role=Role.MANAGER).values_list(
            "programme_id", flat=True
        )
    )
    if account.is_staff and not managed_by_account:
        return False
    return managed_by_account <= set(managed_programmes(actor).values_list("pk", flat=True))


def can_manage_attendance(user, programme: Programme) -> bool:
    """Importing meeting and completion reports, matching rows, correcting by hand."""
    return is_manager(user, programme)


def can_see_board(user, programme: Programme) -> bool:
    """The board of participants × activities: managers (all), focal points (their country)."""
    return is_manager(user, programme) or bool(focal_point_countries(user, programme))


def board_countries(user, programme: Programme) -> set[int] | None:
    """The countries whose participants `user` may follow; None means every country."""
    if is_manager(user, programme):
        return None
    return focal_point_countries(user, programme)


def can_follow_participant(user, programme: Programme, membership: Membership) -> bool:
    """A participant's progress: their own, their focal point's, the managers'."""
    if not user.is_authenticated:
        return False
    if user.pk == membership.user_id:
        return True
    if not can_see_board(user, programme):
        return False
    countries = board_countries(user, programme)
    return countries is None or membership.country_id in countries


def can_answer_tests(user, programme: Programme) -> bool:
    """Only a programme's participants answer its pre-test and post-test."""
    return user.is_authenticated and Role.PARTICIPANT in roles_in(user, programme)


def can_read_evaluation(user, programme: Programme) -> bool:
    """The pre-test and post-test figures and everyone's answers: the managers only (focal
    points read their country's figures in its report; participants only their own test)."""
    return is_manager(user, programme)


def can_issue_certificates(user, programme: Programme) -> bool:
    """Issuing, revoking and re-issuing certificates, and downloading any of them."""
    return is_manager(user, programme)


def can_download_certificate(user, certificate) -> bool:
    """A certificate's PDF: its holder and the programme's managers."""
    if not user.is_authenticated:
        return False
    return user.pk == certificate.user_id or is_manager(user, certificate.programme)


def can_organise_groups(user, programme: Programme) -> bool:
    """Defining a session's groups, assigning people, opening the plenary."""
    return is_manager(user, programme)


def can_work_in_group(user, group) -> bool:
    """Writing the group's answers and its case assessment: its members only."""
    return user.is_authenticated and group.memberships.filter(user=user).exists()


def takes_part_in(user, session) -> bool:
    """Whether `user` has a part in `session`: facilitating one of its groups, or (through
    their person in the programme's agenda) facilitating or speaking in one of its items."""
    if not user.is_authenticated:
        return False
    # Through the relations the session and the account have, so that deciding needs no
    # model of the apps above.
    return (
        user.facilitated_groups.filter(session_work__session=session).exists()
        or session.items.filter(participants__person__user=user).exists()
    )


def can_see_own_agenda_items(user, programme: Programme) -> bool:
    """The page of one's part in the agenda: the programme's facilitators and speakers, and
    its managers."""
    return is_manager(user, programme) or Role.FACILITATOR in roles_in(user, programme)


def can_add_slides(user, item) -> bool:
    """Slides for an agenda item: the item's own facilitators and speakers, and the managers."""
    if is_manager(user, item.session.programme):
        return True
    return user.is_authenticated and item.participants.filter(person__user=user).exists()


def can_remove_slides(user, slides) -> bool:
    """Taking slides down: whoever uploaded them, and the managers."""
    if is_manager(user, slides.item.session.programme):
        return True
    return user.is_authenticated and slides.uploaded_by_id == user.pk


def can_see_plenary(user, session_work) -> bool:
    """Every group's answers side by side: the managers, and the facilitators who take part
    in that session, always; the participants once the manager opens it. A facilitator of
    another session does not read this one's groups."""
    programme = session_work.session.programme
    roles = roles_in(user, programme)
    if is_manager(user, programme):
        return True
    if Role.FACILITATOR in roles and takes_part_in(user, session_work.session):
        return True
    return session_work.plenary_open and Role.PARTICIPANT in roles


def can_see_session_plenary(user, session) -> bool:
    """`can_see_plenary` for a virtual session: false for one that works in no groups."""
    session_work = getattr(session, "group_work", None)
    if session_work is None:
        return False
    session_work.session = session
    return can_see_plenary(user, session_work)


def can_read_group(user, group) -> bool:
    """A group's page: its members, its facilitator, the session's facilitators and the
    managers, and — once the plenary is open — every participant of the programme."""
    if not user.is_authenticated:
        return False
    if group.facilitator_id == user.pk or can_work_in_group(user, group):
        return True
    return can_see_plenary(user, group.session_work)


def can_read_audit(user, programme: Programme) -> bool:
    """The programme's record of decisions, and its exports: the managers."""
    return is_manager(user, programme)


def can_manage_personal_data(user, programme: Programme) -> bool:
    """Anonymising people or a finished programme, and the removal requests."""
    return is_manager(user, programme)


def country_reports(user, programme: Programme) -> set[int] | None:
    """The ids of the countries whose report `user` may read; None means every country
    (the managers). A focal point reads their own country's."""
    return board_countries(user, programme)


def can_read_country_report(user, programme: Programme, country) -> bool:
    """A country's report: its focal point and the managers."""
    readable = country_reports(user, programme)
    return country is not None and (readable is None or country.pk in readable)


def can_read_balance(user, programme: Programme) -> bool:
    """The programme's final balance: the managers."""
    return is_manager(user, programme)
