import pytest
from django.utils import translation

from tests.progress.conftest import complete_everything, person


@pytest.fixture(autouse=True)
def _english():
    """The messages these tests read are the English ones, whatever ran before them."""
    with translation.override("en"):
        yield


@pytest.fixture
def participant(demo):
    """The demo's Mexican participant (reads Spanish)."""
    return person("participant.mx@example.org")


@pytest.fixture
def participant_do(demo):
    """The demo's participant from the Dominican Republic (reads English)."""
    return person("participant.do@example.org")


@pytest.fixture
def eligible(programme, participant):
    """The Mexican participant attended every session and completed the required courses."""
    complete_everything(programme, participant)
    return participant
