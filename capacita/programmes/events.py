"""What the services of the layers below the certificates tell them: that something a
participant's standing with the certificate rule is worked out from has changed.

The services send it inside their own transaction; the certificates' receiver
(`capacita.certificates.kept`) brings the kept progress up to date in that same transaction.
A signal, because the rule sits above the apps whose records it reads: they cannot call it.

`pages_changed` says that what a person's own page shows has changed: it moves their account's
`page_stamp` on, which names the page kept rendered for them (`capacita.progress.kept_pages`).
Whatever changes a participant's standing changes their page, so `progress_changed` says both.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from django.dispatch import Signal

from capacita.accounts.models import User

from .models import Membership

progress_inputs_changed = Signal()

# Above this many people, one statement over the programme's members costs less than a list.
MANY = 500


def progress_changed(programme, user_ids: Iterable[int] | None = None) -> None:
    """Say that the standing of `user_ids` in `programme` (everyone's, when None) may have
    changed."""
    user_ids = None if user_ids is None else set(user_ids)
    progress_inputs_changed.send(sender=type(programme), programme=programme, user_ids=user_ids)
    pages_changed(programme, user_ids)


def pages_changed(programme, user_ids: Iterable[int] | None = None) -> None:
    """Say that what the own pages of `user_ids` (everyone's in `programme`, when None) show
    may have changed: the pages kept for them are not served again. One UPDATE."""
    if user_ids is not None:
        user_ids = set(user_ids)
        if not user_ids:
            return
    if user_ids is None or len(user_ids) > MANY:
        # Every member of the programme: a page elsewhere shows nothing of this programme.
        people = User.objects.filter(
            pk__in=Membership.objects.filter(programme_id=programme.pk).values("user_id")
        )
    else:
        people = User.objects.filter(pk__in=user_ids)
    people.update(page_stamp=F("page_stamp") + 1)
