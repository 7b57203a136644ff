"""A group's assessment: factors in, factors out, its conclusions, its matrix and report.

The groups are built here, in a session of their own studying the demo's case (from its
file, with the factor catalogue): no demo programme."""

import pytest

from capacita.case_study.models import AssessedFactor, Assessment, Perspective, SessionCase
from capacita.case_study.services import (
    AssessmentError,
    add_factor,
    assessment_for,
    assessment_report,
    matrix,
    remove_factor,
    save_conclusions,
)
from capacita.groupwork.models import SessionWork, WorkGroup
from tests.factories import GroupMemberFactory, SessionCaseFactory, WorkGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(case):
    """Group 1 (protection) and group 2 (inclusion) of a session grouped by theme that studies
    the case, a participant in each."""
    studied = SessionCaseFactory(case=case, session_work__grouping=SessionWork.Grouping.THEME)
    protection, inclusion = (
        WorkGroupFactory(
            session_work=studied.session_work,
            position=position,
            perspective=perspective,
            name_es=f"Grupo {position}",
            name_en=name,
        )
        for position, perspective, name in (
            (1, Perspective.PROTECTION, "Group 1: protection"),
            (2, Perspective.INCLUSION, "Group 2: inclusion"),
        )
    )
    GroupMemberFactory(group=protection)
    GroupMemberFactory(group=inclusion)
    return protection, inclusion


@pytest.fixture
def assessment(groups):
    return assessment_for(groups[0])


def test_the_assessment_is_made_once_for_the_sessions_case(groups, case):
    first = assessment_for(groups[0])
    assert first.case == case and assessment_for(groups[0]).pk == first.pk
    assert Assessment.objects.filter(group=groups[0]).count() == 1


def test_no_assessment_without_a_case(groups):
    SessionCase.objects.filter(session_work=groups[0].session_work).delete()
    with pytest.raises(AssessmentError, match="no case"):
        assessment_for(groups[0])
    assert not Assessment.objects.filter(group__in=groups).exists()


def test_a_factor_from_the_catalogue_is_added_and_removed(assessment):
    row = add_factor(assessment, "household", "risk", factor_code="debts", note=" Fee debt ")
    assert (row.level, row.kind, row.factor.code, row.custom_name, row.note) == (
        "household",
        "risk",
        "debts",
        "",
        "Fee debt",
    )
    remove_factor(assessment, row.pk)
    assert not assessment.factors.exists()
    with pytest.raises(AssessmentError, match="no longer"):
        remove_factor(assessment, row.pk)


def test_a_factor_of_another_level_is_refused(assessment):
    with pytest.raises(AssessmentError) as refused:
        add_factor(assessment, "individual", "risk", factor_code="debts")
    assert refused.value.message.startswith(
        "“Debts” is a factor of the household and family level, not of the individual level"
    )
    assert not assessment.factors.exists()


@pytest.mark.parametrize(
    "level, kind, code, custom, expected",
    [
        ("personal", "risk", "", "Fear", "Choose one of the four levels."),
        ("community", "maybe", "", "Fear", "Choose whether it is a risk factor"),
        ("community", "risk", "", "  ", "Choose a factor from the list or write your own."),
        ("community", "risk", "discrimination", "Fear", "not both"),
        ("community", "risk", "no-such-factor", "", "not in the catalogue"),
        ("community", "risk", "", "x" * 201, "too long"),
    ],
)
def test_bad_input_is_refused_with_a_message(assessment, level, kind, code, custom, expected):
    with pytest.raises(AssessmentError, match=expected):
        add_factor(assessment, level, kind, factor_code=code, custom_name=custom)
    assert not assessment.factors.exists()


def test_a_groups_own_factor_is_kept_with_its_name(assessment):
    row = add_factor(assessment, "community", "protective", custom_name="  Parish   support ")
    assert row.factor is None and row.custom_name == "Parish support"
    assert row.name == "Parish support"


def test_the_check_constraint_holds_one_of_factor_and_name(assessment):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AssessedFactor.objects.create(assessment=assessment, level="community", kind="risk")


def test_conclusions_are_saved(assessment):
    save_conclusions(assessment, " A formal job. ", "Labour inspection.")
    assessment.refresh_from_db()
    assert (assessment.needs, assessment.referrals) == ("A formal job.", "Labour inspection.")


def _fill(assessment):
    add_factor(assessment, "structural", "risk", factor_code="recruitment-practices", note="Fee")
    add_factor(assessment, "individual", "protective", factor_code="education", note="Degree")
    add_factor(assessment, "individual", "risk", factor_code="migration-status")
    add_factor(assessment, "individual", "risk", custom_name="Fear of reporting", note="Afraid")
    add_factor(assessment, "community", "protective", factor_code="social-networks")


def test_the_matrix_puts_levels_in_order_and_risk_apart_from_protection(assessment):
    _fill(assessment)
    rows = matrix(assessment)
    assert [(row.level, row.label) for row in rows] == [
        ("individual", "Individual"),
        ("household", "Household and family"),
        ("community", "Community"),
        ("structural", "Structural"),
    ]

    def cell(entries):
        return [(entry.name, entry.note) for entry in entries]

    assert cell(rows[0].risk) == [
        ("Migration status and documents", ""),
        ("Fear of reporting", "Afraid"),
    ]
    assert cell(rows[0].protective) == [("Education and skills", "Degree")]
    assert cell(rows[1].risk) == [] and cell(rows[1].protective) == []
    assert cell(rows[2].risk) == []
    assert cell(rows[2].protective) == [("Social and community networks", "")]
    assert cell(rows[3].risk) == [("Recruitment practices", "Fee")]
    assert cell(rows[3].protective) == []


def test_the_matrix_of_no_assessment_has_four_empty_levels():
    rows = matrix(None)
    assert len(rows) == 4 and not any(row.risk or row.protective for row in rows)


def test_the_report_lists_each_groups_factors_and_conclusions(groups, assessment, case):
    _fill(assessment)
    save_conclusions(assessment, "Needs", "Referrals")
    assessment_for(groups[1])
    WorkGroup.objects.filter(pk=groups[1].pk).update(position=0)  # the report follows the order
    report = assessment_report(groups[0].session_work)
    assert [entry["group"] for entry in report] == ["Group 2: inclusion", "Group 1: protection"]
    assert report[0]["factors"] == [] and report[0]["needs"] == ""
    assert report[1] == {
        "group": "Group 1: protection",
        "case": case.code,
        "factors": [
            {
                "level": "individual",
                "kind": "risk",
                "factor": "migration-status",
                "name": "Migration status and documents",
                "note": "",
            },
            {
                "level": "individual",
                "kind": "risk",
                "factor": None,
                "name": "Fear of reporting",
                "note": "Afraid",
            },
            {
                "level": "individual",
                "kind": "protective",
                "factor": "education",
                "name": "Education and skills",
                "note": "Degree",
            },
            {
                "level": "community",
                "kind": "protective",
                "factor": "social-networks",
                "name": "Social and community networks",
                "note": "",
            },
            {
                "level": "structural",
                "kind": "risk",
                "factor": "recruitment-practices",
                "name": "Recruitment practices",
                "note": "Fee",
            },
        ],
        "needs": "Needs",
        "referrals": "Referrals",
    }
