"""Several servers share one Redis (REDIS_URL): Django's Redis cache and sessions read from it
before the database. Without REDIS_URL each process caches in its own memory and sessions live
in the database alone. The sharing is shown across processes when a Redis server answers here
(CI runs its PostgreSQL pass with one; `CAPACITA_REQUIRE_REDIS=1` makes its absence a
failure)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import uuid
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import caches
from django.test import override_settings

from tests.conftest import worker_redis_url

READ_SETTINGS = textwrap.dedent(
    """
    import json, os, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "capacita.settings"
    django.setup()
    from django.conf import settings
    print(json.dumps({"cache": settings.CACHES["default"], "session": settings.SESSION_ENGINE}))
    """
)


def settings_with(**environment) -> dict:
    env = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    env.update(environment)
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", READ_SETTINGS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.subprocess
def test_without_redis_each_process_caches_in_its_memory_and_sessions_are_in_the_database():
    read = settings_with()
    assert read["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert read["session"] == "django.contrib.sessions.backends.db"


@pytest.mark.subprocess
def test_with_redis_the_cache_and_the_sessions_are_shared():
    read = settings_with(REDIS_URL="redis://127.0.0.1:6379/0")
    assert read["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert read["cache"]["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert read["session"] == "django.contrib.sessions.backends.cached_db"
    # A Redis that stops answering fails a request in seconds, not at gunicorn's timeout.
    assert read["cache"]["OPTIONS"] == {"socket_connect_timeout": 2, "socket_timeout": 2}


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or 6379), timeout=1).close()
    except OSError:
        if os.environ.get("CAPACITA_REQUIRE_REDIS") == "1":
            pytest.fail(f"CAPACITA_REQUIRE_REDIS=1 but no Redis answers at {url}")
        pytest.skip(f"no Redis server answers at {url}")
    return url


# What another server process reads: the cache's value and the session's user, through its
# own connection to the same Redis (the test's database transaction is not visible to it, so
# the session can only come from the cache).
OTHER_SERVER = textwrap.dedent(
    """
    import json, os, sys, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "capacita.settings"
    django.setup()
    from django.core.cache import cache
    from django.contrib.sessions.backends.cached_db import SessionStore
    key, session_key = sys.argv[1], sys.argv[2]
    session = SessionStore(session_key=session_key)
    print(json.dumps({"value": cache.get(key), "user": session.get("_auth_user_id")}))
    """
)


@pytest.mark.subprocess
def test_another_server_process_reads_the_same_cache_and_session(db, settings, users):
    base = _redis_url()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": worker_redis_url() if os.environ.get("REDIS_URL") else base,
            "KEY_PREFIX": f"capacita-test-{uuid.uuid4().hex}",
        }
    }
    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        cache = caches["default"]
        key = "shared-check"
        cache.set(key, "written by one server", 60)
        session = SessionStore()
        session["_auth_user_id"] = str(users["manager"].pk)
        session.create()
        env = {
            **os.environ,
            "REDIS_URL": settings.CACHES["default"]["LOCATION"],
            "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        }
        result = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", OTHER_SERVER, key, session.session_key],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        read = json.loads(result.stdout.strip().splitlines()[-1])
        cache.delete(key)
        session.delete()
    assert read == {"value": "written by one server", "user": str(users["manager"].pk)}


@pytest.mark.subprocess
def test_a_session_kept_in_redis_ends_when_its_database_row_would(client, settings, users):
    _redis_url()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": worker_redis_url() if os.environ.get("REDIS_URL") else _redis_url(),
            "KEY_PREFIX": f"capacita-test-{uuid.uuid4().hex}",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(users["participant"])
    store = SessionStore(session_key=client.session.session_key)
    cache = caches["default"]
    ttl = redis.Redis.from_url(cache._servers[0]).ttl(cache.make_key(store.cache_key))
    # Twelve hours from the login, as the database row's expiry: not renewed by later pages.
    assert settings.SESSION_COOKIE_AGE - 60 <= ttl <= settings.SESSION_COOKIE_AGE
    store.delete()


def test_the_suite_s_own_cache_is_what_the_environment_says():
    backend = settings.CACHES["default"]["BACKEND"]
    if os.environ.get("REDIS_URL"):
        assert backend.endswith("RedisCache")
        assert settings.CACHES["default"]["LOCATION"] == worker_redis_url()
    else:
        assert backend.endswith("LocMemCache")


def _redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"readyz-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


@pytest.mark.django_db
def test_readyz_asks_the_shared_cache_too(client):
    """Behind a load balancer, a server whose Redis does not answer is taken out of the
    rotation: /readyz says so (503) instead of ok."""
    with override_settings(
        REDIS_URL="redis://127.0.0.1:9/0", CACHES=_redis_cache("redis://127.0.0.1:9/0")
    ):
        down = client.get("/readyz")
    assert down.status_code == 503
    assert down.content == b"cache unavailable"

    url = _redis_url()
    with override_settings(REDIS_URL=url, CACHES=_redis_cache(url)):
        up = client.get("/readyz")
    assert up.status_code == 200
    assert up.content == b"ok"
