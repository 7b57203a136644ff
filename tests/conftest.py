"""Shared fixtures: the 2021 programme loaded from its file, and one account per role."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from capacita.demo import DEMO_ACCOUNTS, load_demo
from capacita.programmes.models import Role


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage of production needs `collectstatic`; tests read the sources.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def demo(db):
    """The 2021 CRM programme as `capacita demo` loads it."""
    programme, _accounts = load_demo()
    return programme


@pytest.fixture
def programme(demo):
    return demo


@pytest.fixture
def users(demo):
    """One account per role of the demo, keyed by role (plus `outsider` and `superuser`)."""
    User = get_user_model()
    by_role = {}
    for account in DEMO_ACCOUNTS:
        by_role.setdefault(account.role, User.objects.get(email=account.email))
    by_role["outsider"] = User.objects.create_user(
        "outsider@example.org", "x", first_name="Demo", last_name="Outsider"
    )
    by_role["superuser"] = User.objects.create_superuser(
        "root@example.org", "x", first_name="Demo", last_name="Root"
    )
    return by_role


@pytest.fixture
def client_as(client, users):
    """`client_as("participant")` logs the test client in as that role's demo account."""

    def log_in(role: str | None):
        client.logout()
        if role not in (None, "anonymous"):
            client.force_login(users[role])
        return client

    return log_in


ROLES = ["anonymous", "outsider", *[role.value for role in Role], "superuser"]
