"""What the services of the layers below the certificates tell them: that something a
participant's standing with the certificate rule is worked out from has changed.

The services send it inside their own transaction; the certificates' receiver
(`capacita.certificates.kept`) brings the kept progress up to date in that same transaction.
A signal, because the rule sits above the apps whose records it reads: they cannot call it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

progress_inputs_changed = Signal()


def progress_changed(programme, user_ids: Iterable[int] | None = None) -> None:
    """Say that the standing of `user_ids` in `programme` (everyone's, when None) may have
    changed."""
    progress_inputs_changed.send(
        sender=type(programme),
        programme=programme,
        user_ids=None if user_ids is None else set(user_ids),
    )
