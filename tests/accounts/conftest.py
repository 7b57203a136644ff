import pytest


@pytest.fixture(autouse=True)
def _login_lockout_on(settings):
    """The suite runs without django-axes (see tests/conftest.py); these tests are about it."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.TRUSTED_PROXY_COUNT = 0
