"""Who is this row? Matching the names and e-mails a meeting tool shows to the programme's
people.

Order: the e-mail address without case; then a manager's remembered answer for the same
name and e-mail; then the name, ignoring accents, case, punctuation and word order
("Peña Núñez, José" is "José Peña Núñez"), only when exactly one person has it.
"""

from __future__ import annotations

import re
import unicodedata

from django.contrib.auth import get_user_model

from capacita.programmes.models import Membership, Role

from .models import NameMatch

# The people whose attendance is counted: they may be matched to a meeting's rows.
COUNTED_ROLES = (Role.PARTICIPANT, Role.OBSERVER, Role.FACILITATOR)

_WORD = re.compile(r"[^\W_]+")
# Combining marks (accents once a name is decomposed): the Unicode blocks that hold them.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_RENAMED = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")
_AMBIGUOUS = 0


def name_key(name: str) -> tuple[str, ...]:
    """The words of `name` without accents, case or punctuation, in sorted order."""
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", name)).casefold()
    return tuple(sorted(_WORD.findall(text)))


def name_forms(name: str) -> list[str]:
    """`name` as Zoom shows it, then, for `Display name (Original name)`, each of the two."""
    forms = [name]
    renamed = _RENAMED.match(name)
    if renamed:
        forms += [part for part in renamed.groups() if part.strip()]
    return forms


def counted_people(programme):
    """The users whose attendance the programme counts (participants, observers,
    facilitators), each once."""
    User = get_user_model()
    return User.objects.filter(
        pk__in=Membership.objects.filter(programme=programme, role__in=COUNTED_ROLES).values(
            "user_id"
        )
    )


class Matcher:
    """Answers `match(name, email)` with a user id or None; each distinct pair is worked out
    once (reports repeat the same people on many rows)."""

    def __init__(self, programme):
        self.by_email: dict[str, int] = {}
        self.names: list[tuple[int, str]] = []
        people = counted_people(programme).values_list("pk", "email", "first_name", "last_name")
        for pk, email, first_name, last_name in people:
            self.by_email[email.strip().lower()] = pk
            self.names.append((pk, f"{first_name} {last_name}"))
        self.user_ids = set(self.by_email.values())
        self.remembered: dict[tuple[tuple[str, ...], str], int] = {
            (name_key(name), email.strip().lower()): user_id
            for name, email, user_id in NameMatch.objects.filter(programme=programme).values_list(
                "meeting_name", "meeting_email", "user_id"
            )
            if user_id in self.user_ids
        }
        self._by_name: dict[tuple[str, ...], int] | None = None
        self._answers: dict[tuple[str, str], int | None] = {}

    @property
    def by_name(self) -> dict[tuple[str, ...], int]:
        """Name key → user id (_AMBIGUOUS when two people share it); built when first
        needed, as most rows match by e-mail."""
        if self._by_name is None:
            self._by_name = {}
            for pk, name in self.names:
                key = name_key(name)
                if key:
                    self._by_name[key] = _AMBIGUOUS if key in self._by_name else pk
        return self._by_name

    def match(self, name: str, email: str) -> int | None:
        pair = (name, email)
        try:
            return self._answers[pair]
        except KeyError:
            answer = self._answers[pair] = self._work_out(name, email)
            return answer

    def _work_out(self, name: str, email: str) -> int | None:
        email = email.strip().lower()
        if email and email in self.by_email:
            return self.by_email[email]
        remembered = self.remembered.get((name_key(name), email))
        if remembered:
            return remembered
        for form in name_forms(name):
            found = self.by_name.get(name_key(form))
            if found is not None:
                return found or None  # an ambiguous name matches nobody
        return None
