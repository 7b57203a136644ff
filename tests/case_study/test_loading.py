"""The catalogue and the case come from their YAML files, bilingual, and load again safely."""

import pytest
from django.utils import translation

from capacita.case_study.models import Case, CaseQuestion, Factor, Level
from capacita.case_study.services import case_questions, matrix
from capacita.development.demo_case import (
    DEMO_CASE_FILE,
    example_assessment,
    load_case,
    load_catalogue,
)
from capacita.groupwork.models import Perspective

pytestmark = pytest.mark.django_db


def test_the_catalogue_loads_once_by_code_with_every_level_in_both_languages():
    first = load_catalogue()
    count = Factor.objects.count()
    Factor.objects.filter(code="debts").update(name_en="changed by hand")
    again = load_catalogue()
    assert Factor.objects.count() == count == len(first) == len(again)
    debts = Factor.objects.get(code="debts")
    assert debts.level == Level.HOUSEHOLD and debts.name_en == "Debts"
    assert debts.name_es == "Deudas"
    with translation.override("es"):
        assert Factor.objects.get(code="discrimination").name == "Discriminación y xenofobia"
    assert Factor.objects.get(code="discrimination").name == "Discrimination and xenophobia"
    assert set(Factor.objects.values_list("level", flat=True)) == set(Level.values)
    for code in ("age", "migration-status", "dependants", "access-to-services", "crisis-disaster"):
        assert Factor.objects.filter(code=code).exists(), code
    assert not Factor.objects.filter(name_es="").exists()
    assert not Factor.objects.filter(name_en="").exists()


def test_the_case_loads_once_with_its_story_and_questions_per_perspective():
    case = load_case(DEMO_CASE_FILE)
    questions = CaseQuestion.objects.filter(case=case).count()
    case.questions.filter(perspective=Perspective.GOVERNANCE).delete()
    CaseQuestion.objects.create(case=case, perspective="protection", position=9, text_es="x")
    again = load_case(DEMO_CASE_FILE)
    assert again.pk == case.pk and Case.objects.filter(code=case.code).count() == 1
    assert CaseQuestion.objects.filter(case=case).count() == questions
    assert "fictitious" in again.story_en and "ficticio" in again.story_es
    with translation.override("es"):
        assert again.title.startswith("El caso de Daniela")
    assert again.title.startswith("Daniela's case")
    for perspective in Perspective.values:
        guiding = case_questions(again, perspective)
        assert 2 <= len(guiding) <= 3, perspective
        assert [q.position for q in guiding] == list(range(1, len(guiding) + 1))
        assert all(q.text_es and q.text_en for q in guiding)
    assert case_questions(again, Perspective.PROTECTION)[0].text.startswith(
        "Which of Daniela's labour and human rights"
    )


def test_the_example_assessment_is_given_once_in_the_language_asked(groups, case):
    group = groups[0]
    assessment = example_assessment(group, case, language="en")
    assert assessment is not None and assessment.case == case
    assert example_assessment(group, case) is None
    assert group.assessment.factors.count() == assessment.factors.count() >= 8
    rows = matrix(assessment)
    assert all(row.risk or row.protective for row in rows)
    individual = rows[0]
    assert [entry.name for entry in individual.risk] == [
        "Migration status and documents",
        "Physical and mental health",
    ]
    assert "Initiative in seeking help" in [entry.name for entry in individual.protective]
    assert assessment.needs.startswith("Formal work")
    assert assessment.referrals.startswith("Employment service")
    spanish = example_assessment(groups[1], case, language="es")
    assert spanish.factors.filter(custom_name="Iniciativa para buscar ayuda").exists()
