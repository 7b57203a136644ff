"""Reading nominations: counts against quotas, a country's list, the managers' overview and
the list they decide on across countries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from capacita.programmes.models import MemberCountry
from capacita.shared.bilingual import active_language
from capacita.shared.typed_text import folded

from .models import Nomination

TAKING_A_PLACE = (Nomination.Status.SUBMITTED, Nomination.Status.ACCEPTED)


def quota_of(programme, country) -> int:
    member = MemberCountry.objects.filter(programme=programme, country=country).first()
    return member.quota if member else 0


def places_taken(programme, country) -> int:
    """Nominations that hold one of the country's places: submitted or accepted."""
    return Nomination.objects.filter(
        programme=programme, country=country, status__in=TAKING_A_PLACE
    ).count()


def accepted_count(programme, country) -> int:
    return Nomination.objects.filter(
        programme=programme, country=country, status=Nomination.Status.ACCEPTED
    ).count()


@dataclass(frozen=True)
class CountryCounts:
    member: MemberCountry
    submitted: int
    reserve: int
    accepted: int
    rejected: int

    @property
    def country(self):
        return self.member.country

    @property
    def quota(self) -> int:
        return self.member.quota

    @property
    def total(self) -> int:
        return self.submitted + self.reserve + self.accepted + self.rejected

    @property
    def free_places(self) -> int:
        return max(self.quota - self.submitted - self.accepted, 0)

    @property
    def over_quota(self) -> bool:
        return self.accepted > self.quota


def counts_by_country(programme, country_ids=None) -> list[CountryCounts]:
    """Each member country's nominations by status, in one query."""
    members = MemberCountry.objects.filter(programme=programme).select_related("country")
    if country_ids is not None:
        members = members.filter(country_id__in=country_ids)
    status = Nomination.Status
    members = members.annotate(
        **{
            name: Count(
                "country__nominations",
                filter=Q(
                    country__nominations__programme=programme,
                    country__nominations__status=value,
                ),
            )
            for name, value in (
                ("n_submitted", status.SUBMITTED),
                ("n_reserve", status.RESERVE),
                ("n_accepted", status.ACCEPTED),
                ("n_rejected", status.REJECTED),
            )
        }
    )
    rows = [
        CountryCounts(
            member=member,
            submitted=member.n_submitted,
            reserve=member.n_reserve,
            accepted=member.n_accepted,
            rejected=member.n_rejected,
        )
        for member in members
    ]
    return sorted(rows, key=lambda row: row.country.name)


def country_nominations(programme, country):
    return (
        Nomination.objects.filter(programme=programme, country=country)
        .select_related("profile", "decided_by")
        .order_by("status", "created_at", "id")
    )


@dataclass(frozen=True)
class Matches:
    """The nominations of a programme that a manager's filters find, in the list's order."""

    ids: list[int]
    # Among those of the country and search asked for, how many hold each status, whatever
    # the status asked for: the counts above the list, each a filter of its own.
    by_status: dict[str, int]


def matching_nominations(programme, *, country=None, status: str = "", search: str = "") -> Matches:
    """The ids of the programme's nominations of `country` (every country when None) in
    `status` (any when empty) whose name or e-mail holds `search`, accents and case ignored,
    ordered by country name in the reader's language, then oldest first.

    The search runs here over one query's names and e-mails, as on the other lists of people
    (`shared.people_pages`): the database would ignore no accents (nor, on every backend, the
    case), and "Peña" must be found as "pena"."""
    rows = Nomination.objects.filter(programme=programme)
    if country is not None:
        rows = rows.filter(country=country)
    rows = rows.order_by("created_at", "id").values_list(
        "pk",
        "status",
        "first_name",
        "last_name",
        "email",
        "country__name_es",
        "country__name_en",
    )
    needle = folded(search)
    english = active_language() == "en"
    found = []
    for pk, row_status, first_name, last_name, email, name_es, name_en in rows:
        if needle and needle not in folded(f"{first_name} {last_name} {email}"):
            continue
        name = (name_en or name_es) if english else (name_es or name_en)
        found.append((folded(name), pk, row_status))
    # Stable: within a country the oldest first, as quotas count them.
    found.sort(key=lambda item: item[0])
    by_status = dict.fromkeys(Nomination.Status.values, 0)
    for _name, _pk, row_status in found:
        by_status[row_status] += 1
    ids = [pk for _name, pk, row_status in found if not status or row_status == status]
    return Matches(ids=ids, by_status=by_status)


def nominations_by_id(ids) -> list[Nomination]:
    """The nominations with `ids`, in that order, with what a row of the list shows."""
    found = Nomination.objects.filter(pk__in=list(ids)).select_related("country", "profile")
    by_id = {nomination.pk: nomination for nomination in found}
    return [by_id[pk] for pk in ids if pk in by_id]
