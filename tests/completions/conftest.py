from __future__ import annotations

import pytest
from django.utils import translation

from capacita.programmes.models import Course


@pytest.fixture
def course(programme) -> Course:
    """A required course of the 2021 programme: deadline the end of 5 November 2021 in
    Mexico City (2021-11-06 05:59:59 UTC)."""
    return Course.objects.get(programme=programme, code="migration-trends")


@pytest.fixture
def english():
    with translation.override("en"):
        yield
