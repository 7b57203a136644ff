"""People the attendance tests import reports about."""

from __future__ import annotations

import pytest

from .reports import person


@pytest.fixture
def manager(users):
    return users["manager"]


@pytest.fixture
def jose(programme):
    return person(programme, "jose.pena@example.org", "José", "Peña Núñez")


@pytest.fixture
def ines(programme):
    return person(programme, "ines.ortiz@example.org", "Inés María", "Ortiz", country="DO")
