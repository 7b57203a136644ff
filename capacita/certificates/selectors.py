"""Who earns a certificate, counted and filtered in SQL over the kept progress
(`ProgressRecord`), so that a programme of thousands is read in a few queries."""

from __future__ import annotations

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Value, When

from .models import Certificate
from .rule import participants


class Verdict:
    ISSUED = "issued"  # meets the rule and holds none: issuing gives them one
    HAS_ONE = "has_one"  # already holds a valid certificate
    REVOKED = "revoked"  # their certificate was revoked: only a manager's hand issues again
    NOT_ELIGIBLE = "not_eligible"

    ALL = (ISSUED, HAS_ONE, REVOKED, NOT_ELIGIBLE)


def _holding(status):
    return Exists(
        Certificate.objects.filter(
            programme_id=OuterRef("programme_id"), user_id=OuterRef("user_id"), status=status
        )
    )


def with_verdicts(memberships):
    """`memberships` (a programme's participants) each annotated with `verdict`: what issuing
    would do for them. A valid certificate comes first (at most one per person, always the
    latest); a revoked one, with none valid since, bars the batch; then the kept progress
    (no record yet: nothing done)."""
    return memberships.annotate(
        verdict=Case(
            When(_holding(Certificate.Status.VALID), then=Value(Verdict.HAS_ONE)),
            When(_holding(Certificate.Status.REVOKED), then=Value(Verdict.REVOKED)),
            When(Q(progress_record__complete=True), then=Value(Verdict.ISSUED)),
            default=Value(Verdict.NOT_ELIGIBLE),
            output_field=CharField(),
        )
    )


def verdict_counts(programme) -> dict[str, int]:
    """How many participants of `programme` stand at each verdict, in one query."""
    counts = dict.fromkeys(Verdict.ALL, 0)
    rows = (
        with_verdicts(participants(programme))
        .order_by()
        .values("verdict")
        .annotate(n=Count("pk"))
        .values_list("verdict", "n")
    )
    counts.update(rows)
    return counts
