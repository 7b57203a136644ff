"""The catalogue and the cases are edited in the administration site; assessments are read."""

import pytest
from django.urls import reverse

from capacita.case_study.services import assessment_for

pytestmark = pytest.mark.django_db


def test_the_catalogue_and_cases_are_editable_and_assessments_read_only(client_as, groups, case):
    client = client_as("superuser")
    page = client.get(reverse("admin:case_study_case_change", args=[case.pk])).content.decode()
    assert 'name="story_es"' in page and 'name="story_en"' in page
    assert 'name="questions-0-text_en"' in page
    assert client.get(reverse("admin:case_study_factor_add")).status_code == 200
    assessment = assessment_for(groups[0])
    assert client.get(reverse("admin:case_study_assessment_add")).status_code == 403
    view = client.get(reverse("admin:case_study_assessment_change", args=[assessment.pk]))
    assert view.status_code == 200 and 'name="needs"' not in view.content.decode()
