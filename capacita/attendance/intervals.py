"""Time in a session from join intervals: pure functions, no database.

An interval is a pair `(start, end)` with `start <= end`: whole seconds since 1970 UTC (what
the import uses, as integers compare fastest) or aware datetimes (anything ordered whose
differences add up).

The functions run over whole reports (100,000 rows), so they lean on the C-implemented
built-ins (`sorted`, `map`, `itertools.accumulate`) instead of a Python loop per interval;
`tests/attendance/test_intervals.py` checks them against a second-by-second count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from itertools import accumulate, compress, islice, repeat
from operator import gt, itemgetter, le, lt, sub
from typing import TypeVar

T = TypeVar("T")


def union(intervals: Iterable[tuple[T, T]]) -> list[tuple[T, T]]:
    """The intervals merged: sorted, none overlapping or touching another.

    Two devices at once, or a rejoin before the previous connection closed, count once.
    """
    spans = list(intervals)
    if not spans:
        return []
    starts, ends = zip(*spans, strict=True)
    return union_of(starts, ends)


def union_of(starts: Sequence[T], ends: Sequence[T]) -> list[tuple[T, T]]:
    """`union` of the intervals `(starts[i], ends[i])`, given as two columns."""
    count = len(starts)
    if count < 2:
        return [(starts[0], ends[0])] if count else []
    if not all(map(le, starts, islice(starts, 1, None))):
        order = itemgetter(*sorted(range(count), key=starts.__getitem__))
        starts, ends = order(starts), order(ends)
    # reach[i]: the furthest end among the first i + 1 intervals. Interval i begins a new
    # merged interval when it starts after reach[i - 1]; the merged interval before it
    # ends at reach[i - 1].
    reach = list(accumulate(ends, max))
    breaks = list(compress(range(1, count), map(gt, islice(starts, 1, None), reach)))
    firsts = [0, *breaks]
    lasts = [index - 1 for index in breaks]
    lasts.append(count - 1)
    return list(
        zip(
            itemgetter(*firsts)(starts) if len(firsts) > 1 else (starts[0],),
            itemgetter(*lasts)(reach) if len(lasts) > 1 else (reach[-1],),
            strict=True,
        )
    )


def clip(intervals: Iterable[tuple[T, T]], start: T, end: T) -> list[tuple[T, T]]:
    """The parts of `intervals` within `[start, end]`; parts wholly outside are dropped."""
    spans = list(intervals)
    if not spans:
        return []
    lows, highs = zip(*spans, strict=True)
    lows = list(map(max, lows, [start] * len(spans)))
    highs = list(map(min, highs, [end] * len(spans)))
    return list(compress(zip(lows, highs, strict=True), map(lt, lows, highs)))


def total_seconds(intervals: Iterable[tuple]) -> int:
    """Seconds covered by `intervals`, which must not overlap (pass a `union`)."""
    spans = list(intervals)
    if not spans:
        return 0
    lows, highs = zip(*spans, strict=True)
    lengths = list(map(sub, highs, lows))
    if isinstance(lengths[0], dt.timedelta):
        return int(sum(lengths, dt.timedelta()).total_seconds())
    return int(sum(lengths))


def seconds_in_session(intervals: Iterable[tuple[T, T]], starts_at: T, ends_at: T) -> int:
    """A person's time in a session: the union of their intervals clipped to its schedule,
    in seconds. The same as `total_seconds(union(clip(…)))`, in fewer steps."""
    spans = list(intervals)
    if not spans:
        return 0
    if isinstance(starts_at, dt.datetime):
        return total_seconds(union(clip(spans, starts_at, ends_at)))
    starts, ends = zip(*union(spans), strict=True)
    # Clipping the union keeps it free of overlaps; parts outside come out negative.
    lows = map(max, starts, repeat(starts_at))
    highs = map(min, ends, repeat(ends_at))
    return int(sum(map(max, map(sub, highs, lows), repeat(0))))


def whole_minutes(seconds: int) -> int:
    """Minutes as shown to managers: whole minutes, rounded down."""
    return int(seconds) // 60


def attended(total_seconds: float, scheduled_seconds: float, threshold_percent: float) -> bool:
    """Whether `total_seconds` reaches `threshold_percent` % of `scheduled_seconds`.

    Exactly at the threshold counts as attended. Computed without rounding: 89 min 59 s of
    a 120-minute session is short of 75 %.
    """
    if scheduled_seconds <= 0:
        return False
    return total_seconds * 100 >= scheduled_seconds * threshold_percent
