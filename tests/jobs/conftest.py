import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """The messages these tests read are the English ones, whatever ran before them."""
    with translation.override("en"):
        yield
