"""Reading nominations: counts against quotas, a country's list, the managers' overview."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from capacita.programmes.models import MemberCountry

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
