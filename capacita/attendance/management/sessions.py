"""What the attendance commands share: the session their arguments name."""

from __future__ import annotations

from django.core.management.base import CommandError

from capacita.agenda.models import VirtualSession
from capacita.programmes.models import Programme


def named_session(programme: str, number: int) -> VirtualSession:
    """The session `number` of the programme whose slug is `programme`; CommandError when
    either is missing."""
    programme_obj = Programme.objects.filter(slug=programme).first()
    if programme_obj is None:
        raise CommandError(f"No programme “{programme}”.")
    session = (
        VirtualSession.objects.filter(programme=programme_obj, number=number)
        .select_related("programme")
        .first()
    )
    if session is None:
        raise CommandError(f"The programme “{programme}” has no session {number}.")
    return session
