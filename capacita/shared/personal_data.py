"""What personal data each model holds, declared beside the model, and collected in one registry.

A model that links to a person, or holds what names or describes one, gets a `PersonalData`
declaration in its app's `personal_data.py` (a tuple named `DECLARATIONS`). The declaration
says which fields link a record to the person it is about, which fields are personal and what
anonymising the person does with each, which are not personal, and what the person's own
download of their data shows. The privacy app exports and anonymises what is declared, and
nothing else; a model holding personal data without a declaration is caught by the test of
the declarations (tests/privacy/test_personal_data_declared.py), which also asks a decision
on every new field of a declared model.

Nothing here knows any app: `registry()` imports `<app>.personal_data` for each installed app
of the project. The stand-in names and the traces (the strings that identify a person, and
how they are cut out of a text) live here too, as the declarations' own code uses them.
"""

from __future__ import annotations

import enum
import functools
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Q

# --- Stand-ins ------------------------------------------------------------------------------

# What an anonymised person is called instead: "Persona anonimizada 12" at
# "anonymised-12@invalid.example" (a reserved domain: no message can reach it).
ANONYMOUS_FIRST_NAME = "Persona"
ANONYMOUS_DOMAIN = "invalid.example"


def anonymous_last_name(key) -> str:
    return f"anonimizada {key}"


def anonymous_email(key) -> str:
    return f"anonymised-{key}@{ANONYMOUS_DOMAIN}"


def anonymous_name(key=None) -> str:
    """The full stand-in name; a record of nobody in particular (a meeting row matched to no
    one, cleared with its whole programme) is just "Persona"."""
    if key is None:
        return ANONYMOUS_FIRST_NAME
    return f"{ANONYMOUS_FIRST_NAME} {anonymous_last_name(key)}"


def is_anonymous_email(address: str) -> bool:
    return address.endswith("@" + ANONYMOUS_DOMAIN) and address.startswith("anonymised-")


# --- What anonymising does with a field -------------------------------------------------------


class Treatment(enum.Enum):
    """What anonymising a person does with a personal field of their records."""

    # Stays as it is: what the programme's counts and statistics rest on, or who acted.
    KEEP = "keep"
    # Emptied: "" (or b"" for stored bytes).
    BLANK = "blank"
    # The person's names and e-mail addresses are cut out of the text (or of every string of
    # a JSON value); the rest stays.
    SCRUB = "scrub"
    # Only the person's full names and e-mail addresses are cut out, never a first name or a
    # surname alone: for a field that names someone, who may be another person with the
    # same first name (whom an audit event concerns); a whole programme's anonymisation
    # (no one in particular) blanks it.
    SCRUB_FULL = "scrub full names"
    # A list of a report's rows (dicts): a row naming the person by full name or address is
    # theirs and loses every trace of them, others lose only their full name and address;
    # when a whole programme is anonymised, every row loses its name and e-mail columns.
    REPORT_ROWS = "report rows"
    # The link to the person is cut: the record stays, no longer theirs.
    UNLINK = "unlink"
    # The stored file is deleted and the field emptied.
    DELETE_FILE = "delete file"
    # The whole record is deleted.
    DELETE_ROW = "delete row"
    # Replaced by a stand-in: "Persona", "anonimizada 12", "Persona anonimizada 12",
    # "anonymised-12@invalid.example".
    STAND_IN_FIRST_NAME = "stand-in first name"
    STAND_IN_LAST_NAME = "stand-in surname"
    STAND_IN_NAME = "stand-in name"
    STAND_IN_EMAIL = "stand-in e-mail"


KEEP = Treatment.KEEP
BLANK = Treatment.BLANK
SCRUB = Treatment.SCRUB
SCRUB_FULL = Treatment.SCRUB_FULL
REPORT_ROWS = Treatment.REPORT_ROWS
UNLINK = Treatment.UNLINK
DELETE_FILE = Treatment.DELETE_FILE
DELETE_ROW = Treatment.DELETE_ROW
STAND_IN_FIRST_NAME = Treatment.STAND_IN_FIRST_NAME
STAND_IN_LAST_NAME = Treatment.STAND_IN_LAST_NAME
STAND_IN_NAME = Treatment.STAND_IN_NAME
STAND_IN_EMAIL = Treatment.STAND_IN_EMAIL


@dataclass(frozen=True)
class Fixed:
    """Replaced by a fixed value, or by what `value` returns when it is callable (each record
    its own: an unusable password)."""

    value: object

    def get(self):
        return self.value() if callable(self.value) else self.value


# --- What the person's download shows ----------------------------------------------------


@dataclass(frozen=True)
class PersonIs:
    """In an export: whether the record's `link` is the person whose data it is ("by you")."""

    link: str


@dataclass(frozen=True, eq=False)
class Export:
    """The part of a person's download made of their records of one model.

    `fields` maps each key of a record's entry to an attribute path ("session.programme.slug",
    None when a link on the way is empty), a function of the record, or a `PersonIs`; dates
    and moments are written in ISO 8601. The person's account is one entry; every other
    model gives a list, read in one query (`related`, `prefetch`, `order_by` say how)."""

    heading: str
    fields: Mapping[str, str | Callable | PersonIs]
    related: tuple[str, ...] = ()
    prefetch: tuple = ()
    order_by: tuple[str, ...] = ()

    def entry(self, record, person) -> dict:
        return {key: _exported(_value(record, spec, person)) for key, spec in self.fields.items()}


def _value(record, spec, person):
    if isinstance(spec, PersonIs):
        return getattr(record, f"{spec.link}_id") == person.pk
    if callable(spec):
        return spec(record)
    value = record
    for name in spec.split("."):
        if value is None:
            return None
        value = getattr(value, name)
    return value


def _exported(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# --- The declaration ------------------------------------------------------------------------

# The `person` path of the account itself: its records are the account.
THE_ACCOUNT = "pk"


@dataclass(frozen=True, eq=False)
class PersonalData:
    """The personal data one model holds, and what becomes of it.

    - `person`: the paths from a record to the account of the person it is about or belongs
      to ("user", "response__user"; `THE_ACCOUNT` for the account model itself). Empty for
      records about nobody in particular (an uploaded list, a meeting report).
    - `personal`: each personal field and what anonymising the person does with it. The
      treatments of a model linked to nobody are carried out on the records its `naming`
      and `of_programme` find.
    - `not_personal`: every other field. A field in neither makes the declarations' test
      fail, so each new field is placed on purpose.
    - `programme`: the path to the programme a record belongs to, if it belongs to one.
      Anonymising a person in one programme only reaches that programme's records; records
      of no programme are reached only when the person is anonymised everywhere.
    - `address`: a field holding an e-mail address; a record with the person's address is
      theirs even without the link (a nomination sent before they had an account).
    - `names`: the fields (first name, surname) by which the record names the person, with
      `address`: the names and addresses every such record of theirs gives are looked for,
      and cut out, wherever else the person may be named.
    - `stand_in_prefix`: the stand-ins of these records are their own ("n" and the record's
      number: a nominee may have no account), not the person's.
    - `mentions`: fields of other people's records (an e-mail to a focal point) that may name
      the person: their full names and addresses are cut out of them.
    - `about`: the (type, id) fields of a reference to any record (the audit's events). The
      records referring to the person, or to one of their records whose declaration says
      `audit_subject`, are theirs, as are those of the `person` link (their own decisions)
      in their download and when they are anonymised everywhere. Anonymising cuts every
      trace of the person out of those, and their full names and addresses out of the other
      records of the programmes concerned; all of them stay.
    - `audit_subject`: the audit's events on these records are the person's: in their
      download, and cleared of every trace of them when they are anonymised.
    - `naming`: the records linked to nobody that name the person, found by the app that
      knows them; given the anonymisation under way (`Anonymisation`).
    - `of_programme`: the records a whole programme's anonymisation clears, whoever they name.
    - `export`: what the person's download shows of these records; None: nothing (a record
      shown within another one's entry, or kept out of it on purpose).
    """

    model: type[models.Model]
    person: tuple[str, ...] = ()
    personal: Mapping[str, Treatment | Fixed] = field(default_factory=dict)
    not_personal: tuple[str, ...] = ()
    programme: str | None = None
    address: str | None = None
    names: tuple[str, str] | None = None
    stand_in_prefix: str | None = None
    mentions: tuple[str, ...] = ()
    about: tuple[str, str] | None = None
    audit_subject: bool = False
    naming: Callable[[Anonymisation], models.QuerySet] | None = None
    of_programme: Callable[[models.Model], models.QuerySet] | None = None
    export: Export | None = None

    def __post_init__(self):
        if isinstance(self.person, str):
            object.__setattr__(self, "person", (self.person,))

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def is_the_account(self) -> bool:
        return self.person == (THE_ACCOUNT,)

    @property
    def deletes_rows(self) -> bool:
        return DELETE_ROW in self.personal.values()

    def treated(self) -> dict[str, Treatment | Fixed]:
        """The personal fields anonymising changes."""
        return {name: how for name, how in self.personal.items() if how is not KEEP}

    def linked_to(self, person) -> Q:
        """The records linked to `person`, or carrying their address."""
        query = Q(pk__in=[])
        for path in self.person:
            query |= Q(**{path: person.pk})
        if self.address and not self.is_the_account:
            query |= Q(**{f"{self.address}__iexact": person.email})
        return query

    def about_records(self, person, groups: Iterable[list[models.Model]]) -> Q:
        """The records (`about`) referring to `person` or to one of the records in `groups`
        (lists of records, each of one model)."""
        kind, key = self.about
        query = Q(**{kind: person._meta.label_lower, key: str(person.pk)})
        for records in groups:
            if records:
                query |= Q(
                    **{
                        kind: records[0]._meta.label_lower,
                        f"{key}__in": [str(record.pk) for record in records],
                    }
                )
        return query

    def rows_of(self, person) -> models.QuerySet:
        return self.model._default_manager.filter(self.linked_to(person))

    def within(self, queryset: models.QuerySet, programme) -> models.QuerySet:
        """`queryset` narrowed to `programme` when there is one and these records belong to
        programmes."""
        if programme is None or self.programme is None:
            return queryset
        return queryset.filter(**{self.programme: programme})


# --- An anonymisation under way, as the declarations' own code sees it ---------------------


@dataclass
class Traces:
    """The strings that identify a person, and what replaces them.

    `strong` ones (e-mail addresses, full names) are removed wherever they are found; `weak`
    ones (a first name or a surname alone) only in records known to be about the person, so a
    namesake's records are left alone."""

    replacement: str
    strong: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)

    def __post_init__(self):
        self._strong = _pattern(self.strong)
        self._all = _pattern(self.strong + self.weak)

    @property
    def addresses(self) -> list[str]:
        return [trace for trace in self.strong if "@" in trace]

    @property
    def full_names(self) -> list[str]:
        return [trace for trace in self.strong if "@" not in trace]

    def mentioned_in(self, value) -> bool:
        return self._strong is not None and any(
            self._strong.search(text) for text in _strings(value)
        )

    def scrub(self, value, *, about_them: bool = True):
        pattern = self._all if about_them else self._strong
        if pattern is None:
            return value
        return _replace(value, pattern, self.replacement)


def _pattern(needles: list[str]):
    needles = sorted({n.strip() for n in needles if n and len(n.strip()) > 1}, key=len)
    if not needles:
        return None
    return re.compile("|".join(re.escape(n) for n in reversed(needles)), re.IGNORECASE)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _replace(value, pattern, replacement):
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, dict):
        return {k: _replace(v, pattern, replacement) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, pattern, replacement) for v in value]
    return value


@dataclass
class Anonymisation:
    """One person's anonymisation: whom, where (`programme`, None for everywhere; `programmes`,
    the ids of the programmes whose records may name them), the traces to cut out, and the
    records that name them as they were before anything changed (`named_in`)."""

    person: models.Model
    programme: models.Model | None
    programmes: set[int]
    traces: Traces
    named_in: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)

    @property
    def everywhere(self) -> bool:
        return self.programme is None

    def records_naming(self, model: type[models.Model]) -> list[models.Model]:
        """The person's records of `model` (a model declaring `names`) as they were when the
        anonymisation began, within its programme."""
        return self.named_in.get(model, [])

    def within(self, queryset: models.QuerySet, path: str) -> models.QuerySet:
        if self.programme is None:
            return queryset
        return queryset.filter(**{path: self.programme})


# --- The registry ---------------------------------------------------------------------------


class Registry(tuple):
    """Every declaration, in the order of the installed apps and of each app's module."""

    def of(self, model: type[models.Model]) -> PersonalData | None:
        for declaration in self:
            if declaration.model is model:
                return declaration
        return None

    def linked(self) -> Iterable[PersonalData]:
        """Declarations of records about a person, the account itself last: other records are
        found by the account's address, which anonymising it changes."""
        found = [d for d in self if d.person and not d.is_the_account]
        return found + [d for d in self if d.is_the_account]

    def naming_people(self) -> Iterable[PersonalData]:
        """Declarations of records that name a person (`names`), other than the account."""
        return [d for d in self if d.names and d.person and not d.is_the_account]

    def account(self) -> PersonalData | None:
        return next((d for d in self if d.is_the_account), None)


@functools.cache
def registry() -> Registry:
    """The declarations of every installed app of the project that has a `personal_data`
    module, read once."""
    project = __name__.split(".")[0]
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith(project + "."):
            continue
        name = f"{config.name}.personal_data"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        found.extend(module.DECLARATIONS)
    return Registry(found)
