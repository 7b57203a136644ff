"""Union, clipping, totals and the threshold: pure functions, checked by hand and against
a second-by-second count."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from capacita.attendance import intervals


def test_union_merges_overlapping_and_touching_intervals_and_sorts_them():
    assert intervals.union([(50, 60), (0, 10), (5, 20), (20, 30), (40, 45)]) == [
        (0, 30),
        (40, 45),
        (50, 60),
    ]


def test_union_of_one_interval_inside_another_is_the_outer_one():
    # Two devices: a phone for the whole session, a laptop for part of it.
    assert intervals.union([(0, 120), (30, 60)]) == [(0, 120)]


def test_union_of_nothing_is_nothing():
    assert intervals.union([]) == []
    assert intervals.union_of((), ()) == []


def test_union_of_columns_in_any_order():
    assert intervals.union_of((30, 0, 10), (40, 5, 12)) == [(0, 5), (10, 12), (30, 40)]


def test_clip_keeps_only_the_parts_within_the_schedule():
    spans = [(-30, 10), (20, 30), (90, 150), (200, 210), (-50, -10)]
    assert intervals.clip(spans, 0, 120) == [(0, 10), (20, 30), (90, 120)]


def test_clip_drops_empty_parts():
    assert intervals.clip([(120, 180), (0, 0)], 0, 120) == []


def test_total_seconds_of_datetimes_and_of_numbers():
    start = dt.datetime(2021, 10, 26, 19, 0, tzinfo=dt.UTC)
    spans = [
        (start, start + dt.timedelta(minutes=30)),
        (start + dt.timedelta(hours=1), start + dt.timedelta(hours=2)),
    ]
    assert intervals.total_seconds(spans) == 90 * 60
    assert intervals.total_seconds([(0, 10), (20, 25)]) == 15


def test_seconds_in_session_counts_two_devices_once_and_nothing_outside():
    start, end = 0, 7200
    spans = [
        (-600, 1800),  # joined ten minutes early
        (1200, 3000),  # a second device, overlapping
        (3600, 8000),  # rejoined, stayed after the end
    ]
    assert intervals.seconds_in_session(spans, start, end) == 3000 + 3600


def test_seconds_in_session_with_datetimes():
    start = dt.datetime(2021, 10, 26, 19, 0, tzinfo=dt.UTC)
    end = start + dt.timedelta(hours=2)
    spans = [(start - dt.timedelta(minutes=5), start + dt.timedelta(minutes=95))]
    assert intervals.seconds_in_session(spans, start, end) == 95 * 60


def covered_second_by_second(spans, start, end) -> int:
    covered = set()
    for low, high in spans:
        covered.update(range(max(low, start), min(high, end)))
    return len(covered)


@pytest.mark.parametrize("seed", range(40))
def test_seconds_in_session_equals_a_second_by_second_count(seed):
    rng = random.Random(seed)  # noqa: S311
    spans = []
    for _ in range(rng.randint(0, 30)):
        low = rng.randint(-300, 1500)
        spans.append((low, low + rng.randint(0, 400)))
    start, end = sorted((rng.randint(0, 600), rng.randint(600, 1400)))
    expected = covered_second_by_second(spans, start, end)
    assert intervals.seconds_in_session(spans, start, end) == expected
    assert intervals.total_seconds(intervals.union(intervals.clip(spans, start, end))) == expected
    merged = intervals.union(spans)
    assert all(a[1] < b[0] for a, b in zip(merged, merged[1:], strict=False))
    assert covered_second_by_second(merged, -1000, 3000) == covered_second_by_second(
        spans, -1000, 3000
    )


@pytest.mark.parametrize(
    ("seconds", "scheduled", "threshold", "expected"),
    [
        (90 * 60, 120 * 60, 75, True),  # exactly at the threshold
        (90 * 60 - 1, 120 * 60, 75, False),  # 89 min 59 s
        (120 * 60, 120 * 60, 100, True),
        (0, 120 * 60, 1, False),
        (72, 7200, 1, True),
        (3600, 0, 75, False),  # a session without length counts nobody
    ],
)
def test_attended_reaches_the_threshold_without_rounding(seconds, scheduled, threshold, expected):
    assert intervals.attended(seconds, scheduled, threshold) is expected


def test_whole_minutes_round_down():
    assert intervals.whole_minutes(5399) == 89
    assert intervals.whole_minutes(5400) == 90
