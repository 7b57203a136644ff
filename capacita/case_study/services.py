"""A group's assessment of its session's case. Each change is one transaction; refusals raise
`AssessmentError` with a message in the active language, and nothing is saved."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from capacita.shared.errors import UserError
from capacita.shared.text_limits import FACTOR_NAME, FACTORS_PER_ASSESSMENT, refusal

from .models import AssessedFactor, Assessment, Case, CaseQuestion, Factor, Kind, Level, SessionCase


class AssessmentError(UserError):
    """A refusal: `message` says why, in the active language."""


def assessment_for(group) -> Assessment:
    """The group's assessment, created on first use for the case its session studies.
    Raises `AssessmentError` when the session has no case."""
    existing = Assessment.objects.filter(group=group).select_related("case").first()
    if existing is not None:
        return existing
    session_case = SessionCase.objects.filter(session_work_id=group.session_work_id).first()
    if session_case is None:
        raise AssessmentError(_("This session has no case to study."))
    with transaction.atomic():
        assessment, _created = Assessment.objects.get_or_create(
            group=group, defaults={"case": session_case.case}
        )
    return assessment


def add_factor(
    assessment: Assessment,
    level: str,
    kind: str,
    factor_code: str | None = None,
    custom_name: str = "",
    note: str = "",
) -> AssessedFactor:
    """Add a risk or protective factor at `level`: one of the catalogue (`factor_code`, which
    must belong to that level) or the group's own (`custom_name`), never both, with an
    optional note. Refused beyond `FACTORS_PER_ASSESSMENT` factors and for a name or note
    over its limit. Returns the saved row."""
    if level not in Level.values:
        raise AssessmentError(_("Choose one of the four levels."))
    if kind not in Kind.values:
        raise AssessmentError(_("Choose whether it is a risk factor or a protective factor."))
    factor_code = (factor_code or "").strip()
    custom_name = " ".join((custom_name or "").split())
    note = (note or "").strip()
    if factor_code and custom_name:
        raise AssessmentError(
            _("Choose a factor from the list or write your own, not both: nothing was added.")
        )
    if not factor_code and not custom_name:
        raise AssessmentError(_("Choose a factor from the list or write your own."))
    if len(custom_name) > FACTOR_NAME:
        raise AssessmentError(
            _("The factor's name is too long: at most %(limit)s characters.")
            % {"limit": FACTOR_NAME}
        )
    problem = refusal(AssessedFactor, "note", note, what=_("The note"))
    if problem:
        raise AssessmentError(problem)
    factor = None
    if factor_code:
        factor = Factor.objects.filter(code=factor_code).first()
        if factor is None:
            raise AssessmentError(_("That factor is not in the catalogue."))
        if factor.level != level:
            raise AssessmentError(
                _(
                    "“%(factor)s” is a factor of the %(its_level)s level, not of the "
                    "%(level)s level: choose its level or another factor."
                )
                % {
                    "factor": factor.name,
                    "its_level": factor.get_level_display(),
                    "level": Level(level).label,
                }
            )
    with transaction.atomic():
        # Locked, so that two members adding at once cannot pass the limit together.
        Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
        if assessment.factors.count() >= FACTORS_PER_ASSESSMENT:
            raise AssessmentError(
                _(
                    "Your group's assessment already has %(limit)s factors, the most it can "
                    "have: remove one before adding another. Nothing was added."
                )
                % {"limit": FACTORS_PER_ASSESSMENT}
            )
        return AssessedFactor.objects.create(
            assessment=assessment,
            level=level,
            kind=kind,
            factor=factor,
            custom_name="" if factor else custom_name,
            note=note,
        )


def remove_factor(assessment: Assessment, factor_id: int) -> None:
    """Remove one of the assessment's factors (`factor_id` is the AssessedFactor's id)."""
    with transaction.atomic():
        deleted, _rows = AssessedFactor.objects.filter(assessment=assessment, pk=factor_id).delete()
    if not deleted:
        raise AssessmentError(_("That factor is no longer in the assessment."))


def save_conclusions(assessment: Assessment, needs: str, referrals: str) -> Assessment:
    """Save the needs the group sees and the services or referrals it proposes; refused,
    with nothing saved, when either is over its limit (characters or lines)."""
    needs, referrals = (needs or "").strip(), (referrals or "").strip()
    for field_name, text in (("needs", needs), ("referrals", referrals)):
        problem = refusal(Assessment, field_name, text)
        if problem:
            raise AssessmentError(problem)
    with transaction.atomic():
        assessment.needs, assessment.referrals = needs, referrals
        assessment.save(update_fields=["needs", "referrals", "updated_at"])
    return assessment


@dataclass
class MatrixEntry:
    id: int
    name: str
    note: str
    code: str | None


@dataclass
class MatrixRow:
    level: str
    label: str
    risk: list[MatrixEntry] = field(default_factory=list)
    protective: list[MatrixEntry] = field(default_factory=list)


def matrix(assessment: Assessment | None) -> list[MatrixRow]:
    """The four levels in the model's order, each with its risk and its protective factors
    (names in the active language, in the order they were added); empty rows for None."""
    rows = {level: MatrixRow(level, capfirst(str(Level(level).label))) for level in Level.values}
    if assessment is None:
        return list(rows.values())
    for row in assessment.factors.select_related("factor").order_by("created_at", "pk"):
        entry = MatrixEntry(
            id=row.pk,
            name=row.name,
            note=row.note,
            code=row.factor.code if row.factor_id else None,
        )
        target = rows[row.level]
        (target.risk if row.kind == Kind.RISK else target.protective).append(entry)
    return list(rows.values())


def assessment_report(session_work) -> list[dict]:
    """Every group's assessment in a session, for the JSON report: level by level, risk
    factors before protective ones."""
    report = []
    for assessment in (
        Assessment.objects.filter(group__session_work=session_work)
        .select_related("group", "case")
        .order_by("group__position", "group__pk")
    ):
        factors = []
        for row in matrix(assessment):
            for kind, entries in ((Kind.RISK, row.risk), (Kind.PROTECTIVE, row.protective)):
                factors.extend(
                    {
                        "level": row.level,
                        "kind": kind.value,
                        "factor": entry.code,
                        "name": entry.name,
                        "note": entry.note,
                    }
                    for entry in entries
                )
        report.append(
            {
                "group": assessment.group.name,
                "case": assessment.case.code,
                "factors": factors,
                "needs": assessment.needs,
                "referrals": assessment.referrals,
            }
        )
    return report


def case_questions(case: Case, perspective: str) -> list[CaseQuestion]:
    """The case's guiding questions for one perspective, in order."""
    return list(case.questions.filter(perspective=perspective).order_by("position", "pk"))
