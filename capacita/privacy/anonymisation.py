"""Anonymisation: a person's, everywhere or in one programme, and a whole programme's.

Anonymising removes who a person was and keeps what they did: their name, e-mail, position,
institution, free-text answers, the files and e-mails that carry their name go; their
memberships, nominations (country, profile, gender, status), test responses (chosen answers
and scales), attendance, course completions and certificates (code and status) stay, so every
count and statistic of the programme reads the same before and after.

What goes and what stays is declared model by model (`capacita.shared.personal_data`); this
module carries the declarations out:

1. the records linked to no one that name the person (`naming`), found by their app;
2. the person's own records (`person`, `address`), within the programme when there is one,
   their account last;
3. other people's records that may name them (`mentions`): their full names and addresses go;
4. records referring to them or to their records (`about`, the audit's events): every trace
   of them goes from those; from the other records of the programmes concerned, their full
   names and addresses.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from capacita.audit.services import account_of, audit_record, given_reason
from capacita.programmes.models import Membership, Programme
from capacita.shared.formats import day
from capacita.shared.personal_data import (
    ANONYMOUS_FIRST_NAME,
    Anonymisation,
    Fixed,
    PersonalData,
    Registry,
    Traces,
    Treatment,
    anonymous_email,
    anonymous_last_name,
    anonymous_name,
    is_anonymous_email,
    registry,
)

from .common import PEOPLE_ROLES, PrivacyError
from .models import RemovalRequest, Retention


def is_anonymised(user) -> bool:
    return is_anonymous_email(user.email)


# --- A person -------------------------------------------------------------------------------


def anonymise_person(user, actor, reason: str, *, programme: Programme | None = None) -> None:
    """Anonymise `user` everywhere: their account gets a neutral name and an unusable
    address and can no longer log in; names, e-mail and free text go from every record (see
    the module's docstring), while their records themselves stay, so that counts and scores
    do not change. Their open removal requests are marked handled. One transaction, one
    audit record (`programme` is the one the manager acted from). Raises PrivacyError without
    a reason or when the person is anonymised already."""
    reason = given_reason(
        reason, missing=_("Say why this person's data is anonymised."), error=PrivacyError
    )
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if is_anonymised(user):
            raise PrivacyError(_("This person is anonymised already."))
        _anonymise(user)
        RemovalRequest.objects.filter(user=user, handled_at__isnull=True).update(
            handled_at=timezone.now(), handled_by=account_of(actor)
        )
        audit_record(
            actor=actor,
            action="privacy.anonymised_person",
            subject=user,
            programme=programme,
            reason=reason,
            details={"scope": "everything"},
        )


def _anonymise(user, *, programme: Programme | None = None) -> None:
    """Remove `user`'s personal data: everywhere when `programme` is None, else only the
    records of that programme (the account itself is then left as it is). `user` itself is
    changed in place, so that what is recorded of it afterwards names the stand-in."""
    declarations = registry()
    anonymisation = _begin(user, programme, declarations)
    for declaration in declarations:
        if declaration.naming is not None:
            _Treat(declaration, anonymisation).rows(declaration.naming(anonymisation))
    for declaration in declarations.linked():
        if declaration.about is not None:
            continue
        if declaration.programme is None and programme is not None:
            # Records of no programme stay with the account, which is kept.
            continue
        if declaration.is_the_account:
            records = [user]
        elif declaration.model in anonymisation.named_in:
            records = anonymisation.records_naming(declaration.model)
        else:
            records = declaration.within(declaration.rows_of(user), programme)
        _Treat(declaration, anonymisation).rows(records)
    for declaration in declarations:
        if declaration.mentions:
            _cut_mentions(declaration, anonymisation)
    for declaration in declarations:
        if declaration.about is not None:
            _scrub_referring(declaration, anonymisation, declarations)


def _begin(user, programme, declarations: Registry) -> Anonymisation:
    """What the anonymisation needs before anything changes: the person's records that name
    them (a nomination, which may give another name or address), the traces these give, and
    the programmes whose records may name them."""
    named_in = {
        declaration.model: list(declaration.within(declaration.rows_of(user), programme))
        for declaration in declarations.naming_people()
    }
    emails, full_names, weak = [], [], []
    account = declarations.account()
    named = [(account, user)] if account is not None and account.names else []
    named += [
        (declaration, record)
        for declaration in declarations.naming_people()
        for record in named_in[declaration.model]
    ]
    for declaration, record in named:
        first, last = (getattr(record, name) for name in declaration.names)
        if declaration.address:
            emails.append(getattr(record, declaration.address))
        full_names += [f"{first} {last}", f"{last} {first}"]
        weak += [first, last]
    if programme is None:
        programmes = set(
            Membership.objects.filter(user=user).values_list("programme_id", flat=True)
        )
        for declaration in declarations.naming_people():
            if declaration.programme is not None:
                programmes |= {
                    _programme_id(record, declaration.programme)
                    for record in named_in[declaration.model]
                }
    else:
        programmes = {programme.pk}
    return Anonymisation(
        person=user,
        programme=programme,
        programmes=programmes,
        traces=Traces(replacement=anonymous_name(user.pk), strong=emails + full_names, weak=weak),
        named_in=named_in,
    )


def _programme_id(record, path: str):
    *links, last = path.split("__")
    for link in links:
        record = getattr(record, link)
    return getattr(record, f"{last}_id")


# Treatments whose value depends on the record's own content or file.
_PER_RECORD = {
    Treatment.SCRUB,
    Treatment.SCRUB_FULL,
    Treatment.REPORT_ROWS,
    Treatment.DELETE_FILE,
}
_STAND_INS = {
    Treatment.STAND_IN_FIRST_NAME,
    Treatment.STAND_IN_LAST_NAME,
    Treatment.STAND_IN_NAME,
    Treatment.STAND_IN_EMAIL,
}


class _Treat:
    """Carries out a declaration's treatments on records: those of the anonymisation under
    way (`anonymisation`), or of a whole programme (None: no one's traces, stand-ins of no
    one)."""

    def __init__(self, declaration: PersonalData, anonymisation: Anonymisation | None):
        self.declaration = declaration
        self.anonymisation = anonymisation
        self.treated = declaration.treated()

    def rows(self, records) -> int:
        """Treat `records` (a queryset, or a list read before); the number treated."""
        if not self.treated:
            return 0
        manager = self.declaration.model._default_manager
        if isinstance(records, list):
            if not records:
                return 0
            if self.declaration.deletes_rows or self._all_at_once():
                records = manager.filter(pk__in=[record.pk for record in records])
        if self.declaration.deletes_rows:
            return records.delete()[0]
        if self._all_at_once():
            return records.update(
                **{name: self._value(name, how, None, None) for name, how in self.treated.items()}
            )
        count = 0
        for record in records:
            self.record(record)
            count += 1
        return count

    def record(self, record, *, about_them: bool = True) -> None:
        """Treat one record, in memory too."""
        changed = {}
        for name, how in self.treated.items():
            current = getattr(record, name)
            value = self._value(name, how, record, current, about_them=about_them)
            if value != current:
                setattr(record, name, value)
                changed[name] = value
        if changed:
            # An UPDATE of these fields alone: the record's own `save()` (and its moments
            # saved automatically) stay out of it.
            type(record)._default_manager.filter(pk=record.pk).update(**changed)

    def _all_at_once(self) -> bool:
        """Whether every record gets the same values, so one UPDATE does."""
        own_stand_ins = self.declaration.stand_in_prefix is not None
        return not any(
            (callable(how.value) if isinstance(how, Fixed) else how in _PER_RECORD)
            or (own_stand_ins and how in _STAND_INS)
            for how in self.treated.values()
        )

    def _key(self, record):
        if self.declaration.stand_in_prefix:
            return f"{self.declaration.stand_in_prefix}{record.pk}"
        return self.anonymisation.person.pk if self.anonymisation is not None else None

    def _value(self, name, how, record, current, *, about_them: bool = True):
        if isinstance(how, Fixed):
            return how.get()
        traces = self.anonymisation.traces if self.anonymisation is not None else None
        if how is Treatment.BLANK:
            field = self.declaration.model._meta.get_field(name)
            return b"" if isinstance(field, models.BinaryField) else ""
        if how is Treatment.UNLINK:
            return None
        if how is Treatment.SCRUB:
            return traces.scrub(current, about_them=about_them) if traces else current
        if how is Treatment.SCRUB_FULL:
            # A whole programme's anonymisation (no one's traces) takes the name away.
            return traces.scrub(current, about_them=False) if traces else ""
        if how is Treatment.REPORT_ROWS:
            if traces is None:
                return [_blank_identity(row) for row in current]
            return [traces.scrub(row, about_them=traces.mentioned_in(row)) for row in current]
        if how is Treatment.DELETE_FILE:
            if current:
                current.delete(save=False)
            return ""
        key = self._key(record)
        if how is Treatment.STAND_IN_FIRST_NAME:
            return ANONYMOUS_FIRST_NAME
        if how is Treatment.STAND_IN_NAME:
            return anonymous_name(key)
        if key is None:
            raise ValueError(f"{self.declaration.label}.{name}: a stand-in needs someone's key")
        if how is Treatment.STAND_IN_LAST_NAME:
            return anonymous_last_name(key)
        if how is Treatment.STAND_IN_EMAIL:
            return anonymous_email(key)
        raise ValueError(f"{self.declaration.label}.{name}: no treatment {how}")


def _blank_identity(row):
    """A report row without whom it showed: its number, dates and message stay."""
    if not isinstance(row, dict):
        return row
    return {
        key: "" if any(word in key.lower() for word in ("name", "mail")) else value
        for key, value in row.items()
    }


def _cut_mentions(declaration: PersonalData, anonymisation: Anonymisation) -> None:
    """Other people's records naming the person by full name or address lose those."""
    traces = anonymisation.traces
    found = Q(pk__in=[])
    for needle in traces.strong:
        if needle:
            for name in declaration.mentions:
                found |= Q(**{f"{name}__icontains": needle})
    records = declaration.within(
        declaration.model._default_manager.filter(found), anonymisation.programme
    )
    for record in records:
        changed = {
            name: traces.scrub(getattr(record, name), about_them=False)
            for name in declaration.mentions
        }
        declaration.model._default_manager.filter(pk=record.pk).update(**changed)


def _scrub_referring(
    declaration: PersonalData, anonymisation: Anonymisation, declarations: Registry
) -> None:
    """The record of decisions stays; the person's names and addresses go from it. Records
    about the person (referring to them or to their records, and their own decisions when
    they are anonymised everywhere) lose every trace of them; the other records of the
    programmes concerned, their full names and addresses."""
    user = anonymisation.person
    groups = []
    for subject in declarations:
        if not subject.audit_subject:
            continue
        if subject.model in anonymisation.named_in:
            # The records that name them are those of this anonymisation's programme.
            groups.append(anonymisation.records_naming(subject.model))
        else:
            groups.append(list(subject.rows_of(user).only("pk")))
    about = declaration.about_records(user, groups)
    if anonymisation.everywhere:
        about |= declaration.linked_to(user)
    manager = declaration.model._default_manager
    concerned = about
    if declaration.programme is not None:
        concerned |= Q(**{f"{declaration.programme}__in": anonymisation.programmes})
    about_ids = set(manager.filter(about).values_list("pk", flat=True))
    treat = _Treat(declaration, anonymisation)
    for record in manager.filter(concerned).only("pk", *treat.treated):
        treat.record(record, about_them=record.pk in about_ids)


# --- A whole programme ----------------------------------------------------------------------


@dataclass
class ProgrammeAnonymised:
    everywhere: int = 0  # people anonymised entirely
    in_programme: int = 0  # people of other programmes too: only this programme's records
    nominations: int = 0  # nominations of people who never had an account


def anonymise_programme(programme: Programme, actor, reason: str, *, today=None):
    """Anonymise a finished programme in one step.

    Every participant, observer and nominee who takes part in no other programme is
    anonymised entirely (`anonymise_person`'s work). People who also take part in another
    programme keep their account, which the other programme still needs; this programme's
    records of them lose their personal data (nomination, free-text answers, certificate
    name and file, e-mails, meeting rows, group answer authorship). Then every record of
    the programme that its declaration's `of_programme` finds is cleared, whoever it names:
    nominations of people who never had an account, the uploaded lists, the meeting
    reports' names and addresses, the remembered name matches and the completion reports'
    rows. Staff (managers, focal points, facilitators) are left as they are.

    Raises PrivacyError when the programme has not ended yet or without a reason.
    """
    today = today or timezone.localdate()
    if programme.end_date > today:
        raise PrivacyError(
            _("The programme ends on %(date)s: it can be anonymised only after it has ended.")
            % {"date": day(programme.end_date)}
        )
    reason = given_reason(
        reason, missing=_("Say why the programme's data is anonymised."), error=PrivacyError
    )
    User = get_user_model()
    declarations = registry()
    outcome = ProgrammeAnonymised()
    with transaction.atomic():
        people, elsewhere = _people(programme, declarations)
        for user in User.objects.filter(pk__in=people).order_by("pk").select_for_update():
            if is_anonymised(user):
                continue
            if user.pk in elsewhere:
                _anonymise(user, programme=programme)
                outcome.in_programme += 1
                scope = "programme"
            else:
                _anonymise(user)
                outcome.everywhere += 1
                scope = "everything"
            audit_record(
                actor=actor,
                action="privacy.anonymised_person",
                subject=user,
                programme=programme,
                reason=reason,
                details={"scope": scope},
            )
        for declaration in declarations:
            if declaration.of_programme is None:
                continue
            treated = _Treat(declaration, None).rows(declaration.of_programme(programme))
            if declaration.names:
                outcome.nominations += treated
        Retention.objects.filter(programme=programme).update(anonymised_at=timezone.now())
        audit_record(
            actor=actor,
            action="privacy.anonymised_programme",
            subject=programme,
            programme=programme,
            reason=reason,
            details={
                "everywhere": outcome.everywhere,
                "in_programme": outcome.in_programme,
                "nominations": outcome.nominations,
            },
        )
    return outcome


def _people(programme: Programme, declarations: Registry) -> tuple[set, set]:
    """The accounts the programme's anonymisation is about (its participants and observers,
    and the people its records name as nominees), and those of them who also take part in
    another programme."""
    people = set(
        Membership.objects.filter(programme=programme, role__in=PEOPLE_ROLES).values_list(
            "user_id", flat=True
        )
    )
    naming = [d for d in declarations.naming_people() if d.programme is not None]
    for declaration in naming:
        for path in declaration.person:
            people |= set(
                declaration.model._default_manager.filter(
                    **{declaration.programme: programme, f"{path}__isnull": False}
                ).values_list(path, flat=True)
            )
    elsewhere = set(
        Membership.objects.filter(user_id__in=people)
        .exclude(programme=programme)
        .values_list("user_id", flat=True)
    )
    for declaration in naming:
        for path in declaration.person:
            elsewhere |= set(
                declaration.model._default_manager.filter(**{f"{path}__in": people})
                .exclude(**{declaration.programme: programme})
                .values_list(path, flat=True)
            )
    return people, elsewhere
