"""What many readers of a programme see alike (its agenda, its slides), computed once and
kept for `PUBLIC_PAGE_CACHE_SECONDS` in each server process's memory.

Readers may see a change up to that long after it is made; managers ask for it fresh.
With the setting at 0 nothing is kept (the tests' default).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")


def kept(key: str, compute: Callable[[], T], *, fresh: bool = False) -> T:
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    if fresh or seconds <= 0:
        return compute()
    key = f"capacita:{key}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
