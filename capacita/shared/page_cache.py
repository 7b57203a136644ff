"""What many readers of a programme see alike (its agenda, its slides, its tests' questions),
computed once and kept for `PUBLIC_PAGE_CACHE_SECONDS` in each server process's memory.

Readers may see a change up to that long after it is made; managers ask for it fresh. With
the setting at 0 nothing is kept (the tests' default). The objects are kept as they are, not
pickled: unpickling an agenda cost as much as reading it from the database. Whoever reads
them must not change them.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.conf import settings

T = TypeVar("T")
MOST = 512  # entries kept per process; the oldest go first

_kept: OrderedDict[str, tuple[float, object]] = OrderedDict()
_lock = threading.Lock()
# While `expiries` is open: the moment (`time.monotonic`) the first of the values `kept` gave
# out stops being kept.
_first_expiry: ContextVar[list[float] | None] = ContextVar("first_expiry", default=None)


def kept(key: str, compute: Callable[[], T], *, fresh: bool = False) -> T:
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    if fresh or seconds <= 0:
        return compute()
    now = time.monotonic()
    with _lock:
        entry = _kept.get(key)
    if entry is not None and entry[0] > now:
        _note_expiry(entry[0])
        return entry[1]
    value = compute()
    _note_expiry(now + seconds)
    with _lock:
        _kept[key] = (now + seconds, value)
        _kept.move_to_end(key)
        while len(_kept) > MOST:
            _kept.popitem(last=False)
    return value


def _note_expiry(moment: float) -> None:
    box = _first_expiry.get()
    if box is not None and moment < box[0]:
        box[0] = moment


@contextmanager
def expiries() -> Iterator[list[float]]:
    """Within it, note when the first of the values `kept` gives out stops being kept: in the
    one item of the list it yields (`time.monotonic()`'s clock; infinity when none was kept).
    What is made of them can be kept as long, and no longer."""
    box = [float("inf")]
    token = _first_expiry.set(box)
    try:
        yield box
    finally:
        _first_expiry.reset(token)


def forget() -> None:
    """Drop everything kept (the tests start each from nothing)."""
    with _lock:
        _kept.clear()
