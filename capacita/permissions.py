"""Who may do what: the one place that decides.

Views, commands and templates ask these functions; none decides access on its own.
The access-matrix test (tests/test_access_matrix.py) checks every URL against every role.
"""

from __future__ import annotations

from django.db.models import QuerySet

from capacita.programmes.models import Membership, Programme, Role


def roles_in(user, programme: Programme) -> set[str]:
    """The roles `user` holds in `programme` (empty for anonymous visitors)."""
    if not user.is_authenticated:
        return set()
    cache = getattr(user, "_capacita_roles", None)
    if cache is None:
        cache = {}
        user._capacita_roles = cache
    if programme.pk not in cache:
        cache[programme.pk] = set(
            Membership.objects.filter(user=user, programme=programme).values_list("role", flat=True)
        )
    return cache[programme.pk]


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


def can_use_admin(user) -> bool:
    """The administration site is for programme managers (staff accounts)."""
    return user.is_active and user.is_staff
