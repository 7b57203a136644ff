"""Every change to nominations: each in one transaction, each decision with its audit record.

Views, commands and tests call these functions; none of them changes a nomination alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DateTimeField,
    F,
    JSONField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from capacita.accounts.invitations import send_invitation
from capacita.audit.models import AuditEvent
from capacita.audit.services import account_of, audit_record
from capacita.countries.models import Country
from capacita.programmes.events import progress_changed
from capacita.programmes.models import MemberCountry, Membership, Role
from capacita.programmes.permissions import can_give_role_to
from capacita.programmes.services import refusal as role_refusal
from capacita.shared.errors import UserError
from capacita.shared.text_limits import refusal as text_refusal
from capacita.shared.typed_text import folded

from .models import Nomination
from .selectors import accepted_count, quota_of
from .verdicts import Candidate, ProfileResolver, RowVerdict, candidate_from, check_rows

Action = AuditEvent.Action
Status = Nomination.Status


class NominationError(UserError):
    """A change that cannot be made; `message` says why in the active language."""


@dataclass
class ImportResult:
    verdicts: list[RowVerdict]
    saved: bool = False
    created: list[Nomination] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for verdict in self.verdicts if verdict.outcome == outcome)

    @property
    def refused(self) -> list[RowVerdict]:
        return [verdict for verdict in self.verdicts if verdict.refused]


def _lock_country(programme, country) -> None:
    # Serialises imports and decisions for one country, so two at once cannot both take the
    # last place (PostgreSQL row lock; SQLite's write transactions are serial already).
    MemberCountry.objects.select_for_update().filter(programme=programme, country=country).first()


def import_nominations(
    programme, country, rows, *, actor, dry_run: bool = False, default_language: str = "es"
) -> ImportResult:
    """Check every row and, if none is refused, save the new ones: all or nothing.

    New rows within the country's quota are submitted; rows over it go to the reserve list;
    rows identical to a nomination already on the list change nothing. With any refused
    row, or with `dry_run`, nothing is saved.
    """
    if not MemberCountry.objects.filter(programme=programme, country=country).exists():
        raise NominationError(
            _("%(country)s is not a member country of this programme.") % {"country": country}
        )
    with transaction.atomic():
        _lock_country(programme, country)
        result = ImportResult(
            verdicts=check_rows(programme, country, rows, default_language=default_language)
        )
        if result.refused or dry_run:
            return result
        submitted_by = account_of(actor)
        to_create = [
            Nomination(
                programme=programme,
                country=country,
                status=Status.SUBMITTED if verdict.outcome == RowVerdict.NEW else Status.RESERVE,
                submitted_by=submitted_by,
                **verdict.candidate.fields(),
            )
            for verdict in result.verdicts
            if verdict.outcome in (RowVerdict.NEW, RowVerdict.RESERVE)
        ]
        try:
            with transaction.atomic():
                created = Nomination.objects.bulk_create(to_create)
        except IntegrityError as exc:
            raise NominationError(
                _("Someone nominated one of these people at the same moment. Please try again.")
            ) from exc
        if not all(nomination.pk for nomination in created):
            # Some backends do not return primary keys from bulk inserts.
            created = list(
                Nomination.objects.filter(
                    programme=programme, email__in=[n.email for n in to_create]
                )
            )
        _record_submissions(programme, submitted_by, created)
        result.saved = True
        result.created = created
        return result


def _record_submissions(programme, actor, nominations: list[Nomination]) -> None:
    """One audit record per nomination saved, as `audit_record` writes each.

    The database makes them from the nominations just saved, in one INSERT … SELECT: one
    INSERT per record made a list of 10,000 take five times as long as inserting its
    nominations, and even bulk_create of the records cost almost as much as inserting them.
    """
    if not nominations:
        return
    events = AuditEvent._meta
    via = {
        status: Value({"status": status, "via": "import"}, output_field=JSONField())
        for status in (Status.SUBMITTED, Status.RESERVE)
    }
    record = {
        "created_at": Value(timezone.now(), output_field=DateTimeField()),
        # In a sorted SELECT a bare NULL is text to PostgreSQL, which refuses it for a key.
        "actor": Cast(Value(actor.pk if actor else None), output_field=BigIntegerField()),
        "action": Value(Action.NOMINATION_SUBMITTED.value),
        "programme": F("programme_id"),
        # The nominee, as `audit_record` names a nomination's person (`concerned_person`).
        "person": F("user_id"),
        "person_name": Concat("first_name", Value(" "), "last_name"),
        "person_email": F("email"),
        "subject_type": Value(Nomination._meta.label_lower),
        "subject_id": Cast("pk", output_field=CharField()),
        "reason": Value(""),
        "details": Case(
            When(status=Status.SUBMITTED, then=via[Status.SUBMITTED]),
            default=via[Status.RESERVE],
        ),
    }
    aliases = {name: f"audit_{name}" for name in record}
    select = (
        Nomination.objects.filter(pk__in=[nomination.pk for nomination in nominations])
        .order_by("pk")
        .annotate(**{aliases[name]: value for name, value in record.items()})
        .values_list(*aliases.values())
    )
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(events.get_field(name).column) for name in record)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(events.db_table)} ({columns}) {sql}", params)


@dataclass(frozen=True)
class FormRow:
    """One person typed into a form, checked like one row of a file."""

    values: dict[str, str]
    number: int = 1


def nominate(programme, country, values: dict[str, str], *, actor) -> Nomination:
    """Nominate one person from a form: the same checks as one row of an import."""
    result = import_nominations(programme, country, [FormRow(values)], actor=actor)
    verdict = result.verdicts[0]
    if verdict.refused:
        raise NominationError("; ".join(verdict.reasons))
    if verdict.outcome == RowVerdict.UNCHANGED:
        raise NominationError(_("This person is already on your list."))
    return result.created[0]


def update_nomination(nomination: Nomination, values: dict[str, str], *, actor) -> Nomination:
    """Change an undecided nomination's details (its place on the list stays)."""
    if nomination.is_decided:
        raise NominationError(_("The secretariat has already decided on this nomination."))
    verdict = RowVerdict(number=1, candidate=Candidate(language=nomination.language))
    candidate_from(values, ProfileResolver(nomination.programme.profiles.all()), verdict)
    email = verdict.candidate.email
    if (
        email
        and Nomination.objects.filter(programme=nomination.programme, email__iexact=email)
        .exclude(pk=nomination.pk)
        .exists()
    ):
        verdict.refuse(_("this e-mail is already nominated in this programme"))
    if verdict.refused:
        raise NominationError("; ".join(verdict.reasons))
    with transaction.atomic():
        before = {name: getattr(nomination, name) for name in verdict.candidate.fields()}
        for name, value in verdict.candidate.fields().items():
            setattr(nomination, name, value)
        nomination.save()
        changed = {
            name: [before[name], value]
            for name, value in verdict.candidate.fields().items()
            if before[name] != value
        }
        audit_record(
            actor=actor,
            action=Action.NOMINATION_EDITED,
            subject=nomination,
            programme=nomination.programme,
            details={"changed": {k: [str(a), str(b)] for k, (a, b) in changed.items()}},
        )
    return nomination


def withdraw_nomination(nomination: Nomination, *, actor) -> None:
    """A focal point takes an undecided nomination off the list."""
    if nomination.is_decided:
        raise NominationError(_("The secretariat has already decided on this nomination."))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=Action.NOMINATION_WITHDRAWN,
            subject=nomination,
            programme=nomination.programme,
            details={"email": nomination.email, "country": nomination.country.code},
        )
        nomination.delete()


def _decide(nomination, status, actor, reason, action, **changes) -> None:
    nomination.status = status
    nomination.decided_at = timezone.now()
    nomination.decided_by = actor
    nomination.decision_reason = reason
    for name, value in changes.items():
        setattr(nomination, name, value)
    nomination.save()
    audit_record(
        actor=actor,
        action=action,
        subject=nomination,
        programme=nomination.programme,
        reason=reason,
        details={"status": status, **{k: str(v) for k, v in changes.items() if k != "user"}},
    )


def accept_nominations(
    nominations: Iterable[Nomination],
    *,
    actor,
    override_quota: bool = False,
    reason: str = "",
) -> list[Nomination]:
    """Accept nominees: each gets an account and an invitation in their language.

    Accepting beyond a country's quota needs `override_quota` and a reason; otherwise
    nothing is accepted and NominationError says which country is full.
    """
    nominations = list(nominations)
    if override_quota and not reason.strip():
        raise NominationError(_("Accepting over the quota needs a reason."))
    with transaction.atomic():
        by_country = {}
        for nomination in nominations:
            if nomination.status == Status.ACCEPTED:
                raise NominationError(
                    _("%(name)s is already accepted.") % {"name": nomination.full_name}
                )
            if not can_give_role_to(actor, _existing_account(nomination)):
                raise NominationError(role_refusal(nomination.email))
            by_country.setdefault((nomination.programme, nomination.country), []).append(nomination)
        over = set()
        for (programme, country), group in by_country.items():
            _lock_country(programme, country)
            before = accepted_count(programme, country)
            after = before + len(group)
            free = max(quota_of(programme, country) - before, 0)
            # Only those past the last free place are accepted over the quota.
            over.update(nomination.pk for nomination in group[free:])
            if after > quota_of(programme, country) and not override_quota:
                raise NominationError(
                    _(
                        "Accepting them would put %(country)s at %(count)s accepted for "
                        "%(quota)s places. To accept over the quota, say why."
                    )
                    % {
                        "country": country.name,
                        "count": after,
                        "quota": quota_of(programme, country),
                    }
                )
        for nomination in nominations:
            user = _account_for(nomination)
            Membership.objects.get_or_create(
                programme=nomination.programme,
                user=user,
                role=Role.PARTICIPANT,
                defaults={"country": nomination.country},
            )
            _decide(
                nomination,
                Status.ACCEPTED,
                actor,
                reason,
                Action.NOMINATION_ACCEPTED,
                user=user,
                over_quota=nomination.pk in over,
            )
            send_invitation(user, nomination.programme, Role.PARTICIPANT)
        for programme, _country in by_country:
            progress_changed(
                programme,
                [n.user_id for n in nominations if n.programme_id == programme.pk],
            )
    return nominations


def _existing_account(nomination: Nomination):
    return get_user_model().objects.filter(email__iexact=nomination.email).first()


def _account_for(nomination: Nomination):
    """The nominee's account: found by e-mail without case, or created without a password."""
    User = get_user_model()
    user = _existing_account(nomination)
    if user is None:
        user = User.objects.create_user(
            nomination.email,
            None,
            first_name=nomination.first_name,
            last_name=nomination.last_name,
            language=nomination.language,
            country=nomination.country,
        )
    return user


def _decide_unaccepted(nominations, status, action, actor, reason) -> None:
    """Decide on nominations that have no account yet; an accepted one stops everything."""
    with transaction.atomic():
        for nomination in nominations:
            if nomination.status == Status.ACCEPTED:
                raise NominationError(
                    _("%(name)s is already accepted and has an account.")
                    % {"name": nomination.full_name}
                )
            _decide(nomination, status, actor, reason, action)


def reject_nominations(nominations: Iterable[Nomination], *, actor, reason: str) -> None:
    """Reject nominations not yet accepted; the reason is required and recorded."""
    if not reason.strip():
        raise NominationError(_("Rejecting a nomination needs a reason."))
    _decide_unaccepted(nominations, Status.REJECTED, Action.NOMINATION_REJECTED, actor, reason)


def move_to_reserve(nominations: Iterable[Nomination], *, actor, reason: str = "") -> None:
    """Move nominations not yet accepted to the reserve list."""
    _decide_unaccepted(nominations, Status.RESERVE, Action.NOMINATION_RESERVED, actor, reason)


def reinstate_nominations(nominations: Iterable[Nomination], *, actor, reason: str = "") -> None:
    """Bring nominations back from the reserve list (or a rejection) to be decided again."""
    _decide_unaccepted(nominations, Status.SUBMITTED, Action.NOMINATION_REINSTATED, actor, reason)


# The decisions of the managers' forms, as `decide_nominations` takes them.
DECISIONS = ("accept", "reserve", "reject", "reinstate")


@dataclass(frozen=True)
class CountryRefusal:
    """A country whose chosen nominations were left as they were, and why."""

    country: Country
    nominations: list[Nomination]
    message: str


@dataclass
class DecisionOutcome:
    """What one decision on nominations of many countries did, and what it did not."""

    action: str
    decided: list[Nomination] = field(default_factory=list)
    # Accepting those accepted already: nothing to do.
    already_accepted: list[Nomination] = field(default_factory=list)
    # Accepted, with an account and an invitation sent: no other decision takes them back.
    kept_accepted: list[Nomination] = field(default_factory=list)
    refused: list[CountryRefusal] = field(default_factory=list)


def decide_nominations(
    programme,
    ids: Iterable[int],
    action: str,
    *,
    actor,
    reason: str = "",
    override_quota: bool = False,
) -> DecisionOutcome:
    """Accept, reserve, reject or reinstate the programme's nominations with `ids`, of any
    countries, in one transaction, each country's by the service of that decision with its
    quota, its audit records and its invitations.

    An accepted nomination is left alone: accepting it again would do nothing, and no other
    decision takes it back (its person has an account and an invitation). A decision on one
    already rejected or on the reserve list records it again, with its reason, as on a
    country's list.

    When a country's rules refuse the decision (accepting beyond its quota without the
    override, an account no manager of this programme may give a role to), that country's
    nominations stay as they were and the refusal says why; the other countries' are decided.
    What the manager typed wrong (no nomination, no reason where one is needed, a reason too
    long, a nomination gone meanwhile) refuses everything: NominationError, nothing saved.
    """
    if action not in DECISIONS:
        raise NominationError(_("Choose a decision."))
    ids = set(ids)
    if not ids:
        raise NominationError(_("Choose at least one nomination."))
    too_long = text_refusal(Nomination, "decision_reason", reason, _("The reason"))
    if too_long:
        raise NominationError(too_long)
    if action == "reject" and not reason.strip():
        raise NominationError(_("Rejecting a nomination needs a reason."))
    override_quota = override_quota and action == "accept"
    if override_quota and not reason.strip():
        raise NominationError(_("Accepting over the quota needs a reason."))
    outcome = DecisionOutcome(action=action)
    with transaction.atomic():
        chosen = list(
            Nomination.objects.filter(programme=programme, pk__in=ids)
            .select_related("country", "programme")
            .order_by("created_at", "id")
        )
        if len(chosen) != len(ids):
            raise NominationError(
                _(
                    "One of the chosen nominations is no longer on the list: it was withdrawn "
                    "meanwhile. Nothing was decided; look at the list again."
                )
            )
        by_country = {}
        for nomination in chosen:
            if nomination.status == Status.ACCEPTED and action == "accept":
                outcome.already_accepted.append(nomination)
            elif nomination.status == Status.ACCEPTED:
                outcome.kept_accepted.append(nomination)
            else:
                by_country.setdefault(nomination.country, []).append(nomination)
        for country in sorted(by_country, key=lambda country: folded(country.name)):
            group = by_country[country]
            try:
                # A savepoint per country: a refused country takes back only its own.
                with transaction.atomic():
                    if action == "accept":
                        accept_nominations(
                            group, actor=actor, override_quota=override_quota, reason=reason
                        )
                    elif action == "reject":
                        reject_nominations(group, actor=actor, reason=reason)
                    elif action == "reserve":
                        move_to_reserve(group, actor=actor, reason=reason)
                    else:
                        reinstate_nominations(group, actor=actor, reason=reason)
            except NominationError as error:
                outcome.refused.append(CountryRefusal(country, group, error.message))
            else:
                outcome.decided += group
    return outcome


def accept_all_within_quota(programme, *, actor, country=None) -> list[Nomination]:
    """Accept every submitted nomination that fits its country's quota, oldest first."""
    accepted = []
    with transaction.atomic():
        members = MemberCountry.objects.filter(programme=programme).select_related("country")
        if country is not None:
            members = members.filter(country=country)
        for member in members:
            _lock_country(programme, member.country)
            free = member.quota - accepted_count(programme, member.country)
            if free <= 0:
                continue
            waiting = Nomination.objects.filter(
                programme=programme, country=member.country, status=Status.SUBMITTED
            ).order_by("created_at", "id")[:free]
            accepted += accept_nominations(list(waiting), actor=actor)
    return accepted
