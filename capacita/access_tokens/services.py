"""Making, using and revoking personal access tokens: each change in one transaction with its
audit record. A token acts for its owner, with the owner's permissions and no more."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capacita.audit.models import AuditEvent
from capacita.audit.services import audit_record
from capacita.shared.errors import UserError

from .models import NAME_LENGTH, PREFIX_LENGTH, AccessToken

# Every token begins so: a token pasted where it should not be is recognised for what it is
# (by a person, or a secret scanner).
TOKEN_PREFIX = "cap_"  # noqa: S105 - the readable start of every token, not a secret
# 32 random bytes: 256 bits, which no one guesses.
RANDOM_BYTES = 32
DEFAULT_DAYS = 90
MAX_DAYS = 365
# A token's last use is written at most this often: not on every request.
LAST_USED_EVERY = dt.timedelta(minutes=1)


class TokenError(UserError):
    """A token that cannot be made or revoked; `message` says why in the active language."""


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user, name: str, *, days: int = DEFAULT_DAYS) -> tuple[AccessToken, str]:
    """A new token of `user`, named `name`, valid for `days`: the record, and the token itself,
    which is not kept anywhere and must be shown to its owner now."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("Give the token a name."))
    if len(name) > NAME_LENGTH:
        raise TokenError(
            _("The name is too long: at most %(count)s characters.") % {"count": NAME_LENGTH}
        )
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(_("A token is valid for 1 to %(count)s days.") % {"count": MAX_DAYS})
    token = TOKEN_PREFIX + secrets.token_urlsafe(RANDOM_BYTES)
    with transaction.atomic():
        record = AccessToken.objects.create(
            user=user,
            name=name,
            prefix=token[:PREFIX_LENGTH],
            digest=digest_of(token),
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        audit_record(
            actor=user,
            action=AuditEvent.Action.ACCESS_TOKEN_CREATED,
            subject=record,
            person=user,
            details={"token_name": name, "valid_days": days},
        )
    return record, token


def revoke_token(record: AccessToken, *, actor) -> None:
    """Revoke `record`: from now on it is refused. Only its owner revokes it."""
    if actor is None or actor.pk != record.user_id:
        raise TokenError(_("Only its owner may revoke a token."))
    with transaction.atomic():
        changed = AccessToken.objects.filter(pk=record.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not changed:
            return
        record.refresh_from_db(fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.ACCESS_TOKEN_REVOKED,
            subject=record,
            person=record.user,
            details={"token_name": record.name},
        )


def owner_of(token: str):
    """The account `token` acts for, or None when it is unknown, expired or revoked (or its
    owner's account is no longer active). Notes the token's use."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    now = timezone.now()
    record = (
        AccessToken.objects.select_related("user")
        .filter(digest=digest_of(token), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if record is None or not record.user.is_active:
        return None
    if record.last_used_at is None or record.last_used_at < now - LAST_USED_EVERY:
        AccessToken.objects.filter(pk=record.pk).update(last_used_at=now)
    user = record.user
    user.access_token_id = record.pk
    return user


def tokens_of(user):
    return AccessToken.objects.filter(user=user)
