"""Shared fixtures: the 2021 programme loaded from its file, and one account per role."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.test import override_settings

from capacita.development.demo import DEMO_ACCOUNTS, load_demo
from capacita.programmes.models import Programme, Role
from capacita.shared import page_cache

# The loopback SMTP server and the database worker, for every test that sends e-mail.
from .emails.conftest import refusing_smtp_server, run_worker, smtp_server  # noqa: F401


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # A fast hasher: the tests create accounts by the dozen and check no password strength.
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # django-axes refuses `authenticate()` without a request, which the test client's
    # `login()` and direct calls make; the login lockout's own tests (tests/accounts/) turn
    # it back on.
    settings.AXES_ENABLED = False
    # Pages are rendered afresh in tests; the test of the cache turns it on.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        # A shared Redis (REDIS_URL): each test worker in a database of its own, which the
        # clearing below empties without touching another worker's.
        settings.CACHES = {
            alias: {**settings.CACHES[alias], "LOCATION": worker_redis_url()}
            for alias in ("default", "pages")
        }
    cache.clear()
    caches["pages"].clear()
    page_cache.forget()
    settings.STATIC_ROOT = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # The manifest storage of production needs `collectstatic`; tests read the sources.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def worker_redis_url() -> str:
    """REDIS_URL with the database numbered after the test worker (gw0 → 1, gw1 → 2…)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = 1 + int(worker.removeprefix("gw") or 0)
    return urlunsplit(urlsplit(os.environ["REDIS_URL"])._replace(path=f"/{number}"))


@pytest.fixture(scope="session")
def demo_database(django_db_setup, django_db_blocker):
    """Load the demo into the test database once, when the first test asks for it; each
    test then runs in a rolled-back transaction over it.

    Only tests that ask for `demo` (or a fixture built on it: `programme`, `users`,
    `client_as`) wait for it. Tests that build their own data with tests/factories.py do not,
    but may run after it was loaded: they must not count on an empty database."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        load_demo()


@pytest.fixture
def demo(demo_database, db):
    """The 2021 CRM programme as `capacita demo` loads it."""
    programme = Programme.objects.filter(slug="crm-2021").first()
    if programme is None:
        # A transactional test before this one emptied the database.
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


def pytest_collection_modifyitems(items):
    """Browser tests run last: their live server needs committed data, which the database
    flush after each of them removes, and the other tests share the demo loaded once."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# The kept progress (`capacita.certificates.kept`), the answers' kept verdicts and the
# responses' kept counts (`capacita.evaluation.kept`) checked after every test that used the
# database and passed: the rules worked out afresh must agree with what the services kept. A
# service that changes what a rule reads without saying so fails the test that runs it. A test
# that corrupts what is kept on purpose says so with `@pytest.mark.stale_progress`.
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.passed_its_call = report.passed
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        _check_kept_progress(item)
    finally:
        result = yield
    return result


def _check_kept_progress(item) -> None:
    if not getattr(item, "passed_its_call", False):
        return
    if "_django_db_helper" not in item.fixturenames or item.get_closest_marker("stale_progress"):
        return
    from django.db import DatabaseError, transaction
    from pytest_django.plugin import blocking_manager_key

    from capacita.certificates.kept import differences
    from capacita.evaluation.kept import count_differences
    from capacita.evaluation.kept import differences as verdict_differences

    with item.config.stash[blocking_manager_key].unblock():
        if transaction.get_connection().needs_rollback:
            return  # the test left its transaction broken on purpose: nothing can be read
        try:
            found = [
                f"{programme.slug}: {line}"
                for programme in Programme.objects.all()
                for check in (differences, verdict_differences, count_differences)
                for line in check(programme)
            ]
        except DatabaseError:
            return
    assert not found, "The kept progress or verdicts differ from the rule:\n" + "\n".join(
        found[:20]
    )
