"""Signed, expiring links to private files (recordings, slides), bound to one person.

A link carries what it opens and for whom, signed with the site's secret and timed: it stops
working after PRIVATE_LINK_SECONDS, and it opens nothing for another account.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "capacita.private-file"


def private_link(kind: str, pk: int, user) -> str:
    token = signing.dumps({"k": kind, "id": pk, "u": user.pk}, salt=SALT, compress=True)
    return reverse("files:open", kwargs={"token": token})


class LinkRefused(Exception):
    def __init__(self, expired: bool):
        self.expired = expired
        super().__init__("expired" if expired else "invalid")


def read_link(token: str, user) -> tuple[str, int]:
    """(kind, id) for a valid link of `user`; LinkRefused for an expired, forged or foreign one."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.PRIVATE_LINK_SECONDS)
    except signing.SignatureExpired as exc:
        raise LinkRefused(expired=True) from exc
    except signing.BadSignature as exc:
        raise LinkRefused(expired=False) from exc
    if not user.is_authenticated or payload.get("u") != user.pk:
        raise LinkRefused(expired=False)
    return payload["k"], payload["id"]
