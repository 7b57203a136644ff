"""One-time links, made when an e-mail is sent, never stored.

A link that lets its holder set a password is as good as the password. The outbox keeps
every e-mail it sends (managers read it in the administration site; backups copy it), so
such a link is never written into it: the stored body holds `MARK` where the link goes, and
the record names the kind of link (`OutgoingEmail.link_kind`). The worker asks the maker
registered for that kind for a fresh link at the moment it sends, puts it into the copy that
leaves, and forgets it.

The apps that write such e-mails register their makers (`@link_maker("welcome")`) in
modules their AppConfig imports, so the worker knows them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

# Where the link goes in a stored body: no address, nothing that opens anything.
MARK = "[[one-time-link]]"

_makers: dict[str, Callable] = {}


def link_maker(kind: str):
    """Register `function(user) -> str`, which makes the link of kind `kind` for `user`."""

    def register(function):
        _makers[kind] = function
        return function

    return register


def is_known(kind: str) -> bool:
    return kind in _makers


def make_link(kind: str, user) -> str:
    """A fresh link of `kind` for `user` (a KeyError for a kind nobody registered)."""
    return _makers[kind](user)


def with_link(text: str, kind: str, user) -> str:
    """`text` as it leaves: the mark replaced by a fresh link of `kind` for `user`."""
    if not kind or MARK not in text:
        return text
    return text.replace(MARK, make_link(kind, user))


def as_stored(text: str) -> str:
    """`text` for a reader of the outbox: the mark said in words."""
    return text.replace(MARK, _("[a one-time link, made when the e-mail is sent]"))
