"""Every row of a country's list gets a verdict before anything is saved.

`check_rows` reads the rows as the spreadsheet reader gives them and decides, row by row:
new (it takes a place), reserve (over the country's quota), unchanged (already on the list
exactly so) or refused (with every reason). It saves nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from capacita.shared.typed_text import without_accents

from .models import Gender, Nomination
from .selectors import places_taken, quota_of

REQUIRED = ("first_name", "last_name", "position", "institution", "email")
MAX_LENGTHS = {
    "first_name": 150,
    "last_name": 150,
    "position": 300,
    "institution": 300,
    "email": 254,
    "profile_other": 300,
}


def field_label(name: str) -> str:
    return {
        "first_name": _("first name(s)"),
        "last_name": _("surname(s)"),
        "position": _("position"),
        "institution": _("institution"),
        "email": _("e-mail"),
        "profile": _("profile"),
        "gender": _("sex/gender"),
        "language": _("preferred language"),
    }[name]


def normalise(text: str) -> str:
    """Lower case, no accents, single spaces: how free-text values are compared."""
    text = without_accents(text or "")
    # Punctuation separates words: “Otro: analista” compares as “otro analista”.
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


GENDER_WORDS = {
    Gender.WOMAN: ("woman", "female", "f", "mujer", "femenino", "femenina"),
    Gender.MAN: ("man", "male", "m", "hombre", "masculino"),
    Gender.NON_BINARY: ("non binary", "nonbinary", "no binaria", "no binario", "no binarie"),
    Gender.ANOTHER: ("another identity", "other", "another", "otra", "otro", "otra identidad"),
    Gender.UNDISCLOSED: (
        "prefer not to say",
        "prefiero no decir",
        "prefiere no decir",
        "prefiero no decirlo",
        "prefiere no decirlo",
        "no responde",
        "n a",
    ),
}
LANGUAGE_WORDS = {
    "es": ("es", "spa", "spanish", "espanol", "castellano"),
    "en": ("en", "eng", "english", "ingles"),
}
OTHER_PROFILE_PREFIXES = ("other", "otro", "otra")


@dataclass
class Candidate:
    """A row's values, cleaned and resolved to the programme's profiles and choices."""

    first_name: str = ""
    last_name: str = ""
    position: str = ""
    institution: str = ""
    email: str = ""
    profile_id: int | None = None
    profile_other: str = ""
    gender: str = ""
    language: str = "es"
    # The optional fields the row filled in (profile, gender, language).
    given: set = field(default_factory=set)

    def same_as(self, nomination: Nomination) -> bool:
        """True when the row says nothing new: its required fields, and the optional ones
        it fills in, are those of `nomination`."""
        names = ["first_name", "last_name", "position", "institution"]
        if "profile" in self.given:
            names += ["profile_id", "profile_other"]
        if "gender" in self.given:
            names.append("gender")
        if "language" in self.given:
            names.append("language")
        return (
            all(getattr(self, name) == getattr(nomination, name) for name in names)
            and self.email.lower() == nomination.email.lower()
        )

    def fields(self) -> dict:
        """The values to save on a nomination."""
        return {name: value for name, value in vars(self).items() if name != "given"}


@dataclass
class RowVerdict:
    NEW = "new"
    RESERVE = "reserve"
    UNCHANGED = "unchanged"
    REFUSED = "refused"

    number: int
    candidate: Candidate
    outcome: str = NEW
    reasons: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.outcome == self.REFUSED

    def refuse(self, reason: str) -> None:
        self.outcome = self.REFUSED
        self.reasons.append(reason)


class ProfileResolver:
    """Finds a programme's profile by its code or its name in either language."""

    def __init__(self, profiles):
        self.by_word = {}
        for profile in profiles:
            for word in (profile.code, profile.name_es, profile.name_en):
                self.by_word[normalise(word)] = profile.pk

    def resolve(self, text: str) -> tuple[int | None, str, bool]:
        """(profile id, other text, known?) for what a row says."""
        if not text:
            return None, "", True
        word = normalise(text)
        if word in self.by_word:
            return self.by_word[word], "", True
        for prefix in OTHER_PROFILE_PREFIXES:
            if word == prefix or word.startswith(prefix + " "):
                other = text.split(":", 1)[1].strip() if ":" in text else ""
                if not other:
                    other = text[len(prefix) :].strip(" :-")
                return None, other, bool(other)
        return None, "", False


def _choice(text: str, words: dict) -> str | None:
    word = normalise(text)
    for value, aliases in words.items():
        if word in aliases or word == normalise(str(value)):
            return str(value)
    return None


def candidate_from(values: dict[str, str], profiles: ProfileResolver, verdict: RowVerdict):
    """Fill `verdict.candidate` from a row, refusing it with a reason per problem."""
    candidate = verdict.candidate
    for name in REQUIRED:
        value = (values.get(name) or "").strip()
        if not value:
            verdict.refuse(_("%(field)s is missing") % {"field": field_label(name)})
        setattr(candidate, name, value)
    candidate.email = candidate.email.lower()
    if candidate.email:
        try:
            validate_email(candidate.email)
        except ValidationError:
            verdict.refuse(
                _("“%(value)s” is not a valid e-mail address") % {"value": candidate.email}
            )
    candidate.given = {
        name for name in ("profile", "gender", "language") if (values.get(name) or "").strip()
    }
    profile_text = (values.get("profile") or "").strip()
    candidate.profile_id, candidate.profile_other, known = profiles.resolve(profile_text)
    if not known:
        verdict.refuse(
            _("“%(value)s” is not one of the programme's profiles (write “Other: …” for another)")
            % {"value": profile_text}
        )
    gender_text = (values.get("gender") or "").strip()
    if gender_text:
        gender = _choice(gender_text, GENDER_WORDS)
        if gender is None:
            verdict.refuse(
                _("“%(value)s” is not a sex/gender option we know") % {"value": gender_text}
            )
        else:
            candidate.gender = gender
    language_text = (values.get("language") or "").strip()
    if language_text:
        language = _choice(language_text, LANGUAGE_WORDS)
        if language is None:
            verdict.refuse(
                _("“%(value)s” is not a language we offer (Spanish or English)")
                % {"value": language_text}
            )
        else:
            candidate.language = language
    for name, limit in MAX_LENGTHS.items():
        if len(getattr(candidate, name)) > limit:
            verdict.refuse(
                _("%(field)s is too long: at most %(count)s characters")
                % {
                    "field": field_label(name) if name != "profile_other" else _("profile"),
                    "count": limit,
                }
            )


def check_rows(programme, country, rows, default_language: str = "es") -> list[RowVerdict]:
    """The verdict on each row of `country`'s list for `programme`; saves nothing.

    `rows` are objects with `number` and `values` (field name → text), as the spreadsheet
    reader gives them, or as a form gives one.
    """
    profiles = ProfileResolver(programme.profiles.all())
    verdicts = []
    for row in rows:
        verdict = RowVerdict(number=row.number, candidate=Candidate(language=default_language))
        candidate_from(row.values, profiles, verdict)
        verdicts.append(verdict)

    rows_by_email = defaultdict(list)
    for verdict in verdicts:
        if verdict.candidate.email:
            rows_by_email[verdict.candidate.email].append(verdict.number)
    for verdict in verdicts:
        numbers = rows_by_email.get(verdict.candidate.email, [])
        if len(numbers) > 1:
            others = ", ".join(str(n) for n in numbers if n != verdict.number)
            verdict.refuse(
                ngettext(
                    "the same e-mail is also on row %(rows)s of this file",
                    "the same e-mail is also on rows %(rows)s of this file",
                    len(numbers) - 1,
                )
                % {"rows": others}
            )

    existing = {
        nomination.email_lower: nomination
        for nomination in Nomination.objects.annotate(email_lower=Lower("email")).filter(
            programme=programme, email_lower__in=[email for email in rows_by_email if email]
        )
    }
    for verdict in verdicts:
        nomination = existing.get(verdict.candidate.email)
        if nomination is None:
            continue
        if verdict.refused:
            verdict.refuse(_("this e-mail is already nominated in this programme"))
        elif nomination.country_id == country.pk and verdict.candidate.same_as(nomination):
            verdict.outcome = RowVerdict.UNCHANGED
        else:
            verdict.refuse(_("this e-mail is already nominated in this programme"))

    free = quota_of(programme, country) - places_taken(programme, country)
    for verdict in verdicts:
        if verdict.outcome == RowVerdict.NEW:
            if free > 0:
                free -= 1
            else:
                verdict.outcome = RowVerdict.RESERVE
    return verdicts
