"""Figures of the pre-test/post-test evaluation, computed from plain values.

Nothing here reads the database: callers pass scores, answers and scale values, and get
dataclasses and dicts ready for a page or a JSON export. Every figure is a plain `float`
(never NaN) or `None` when it cannot be given; messages for people go through gettext.

Knowledge scores are fractions of the maximum (0 to 1). What is promised:

- **Who counts.** One `(pre, post)` per participant. Participants with both tests are the
  pairs; those with one test are counted apart (`pre_only_n`, `post_only_n`) and enter no
  figure; those with neither are ignored. Means and medians before and after are over the
  pairs only, so that "before" and "after" describe the same people.
- **Gain.** The mean paired difference `post - pre`, with its 95% confidence interval from
  Student's t: `mean ± t(0.975, n - 1) · sd / √n` (sd with n - 1 in the denominator); no
  interval with fewer than 2 pairs.
- **Normalized gain.** The mean over pairs with `pre < 1` of `(post - pre) / (1 - pre)`;
  a participant who started at the maximum has nothing left to gain and is left out.
- **Improved, same, worsened.** Shares of the pairs; they sum to 1.
- **Wilcoxon signed-rank test** (`scipy.stats.wilcoxon`, two-sided). Zero differences are
  dropped, as SciPy's default `zero_method="wilcox"` does; the test then runs on the pairs
  whose score changed. It is given only when at least `MIN_PAIRS_FOR_TEST` pairs changed:
  with 5 or fewer, even a unanimous change cannot reach p < 0.05 (the smallest exact
  two-sided p with 5 pairs is 2/32), so a p-value would say nothing. Otherwise
  `no_test_reason` says why not (too few pairs, all differences zero, too few changed).
  The statistic is SciPy's: the smaller of the rank sums of positive and negative
  differences.
- **Effect size**: the matched-pairs rank-biserial correlation
  `r = (T+ - T-) / (T+ + T-)`, where `T+` and `T-` are the sums of the ranks of the
  positive and negative differences, ranked by absolute value among the non-zero
  differences (ties get their average rank; zeros dropped as in the test). It runs from
  -1 (everyone worsened) to +1 (everyone improved). Given with the test only.

Differences are rounded to 10 decimals before they are compared, ranked or tested, so that
`0.3 - 0.2` and `0.2 - 0.1` are the same tie and `0.7 - 0.7` is a zero, as a person would
read them.

Groups (country, profile, sex/gender): see `by_group`; a group of fewer than
`MIN_GROUP_SIZE` people never shows a figure.
"""

from __future__ import annotations

import functools
import math
import statistics as pystats
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from fractions import Fraction

import numpy as np
from django.utils.translation import gettext as _
from scipy import special, stats

# The fewest pairs with a changed score on which the Wilcoxon test is run.
MIN_PAIRS_FOR_TEST = 6
# The fewest people a group may have to be shown apart, and the fewest pairs whose
# figures a shown group may give.
MIN_GROUP_SIZE = 3
# Decimals kept by the `as_dict` methods.
ROUND_DECIMALS = 4
# Decimals to which paired differences are rounded before they are compared or ranked.
DIFFERENCE_DECIMALS = 10
CONFIDENCE = 0.95


@dataclass(frozen=True)
class KnowledgeSummary:
    """The knowledge figures of a set of participants (see the module's docstring).

    Every figure is `None` when there is nothing to compute it from (no pairs, one pair for
    the interval, no pair below the maximum for the normalized gain, no test run for the
    Wilcoxon figures). `no_test_reason` is "" when the test was run, else a sentence saying
    why not.
    """

    paired_n: int
    pre_only_n: int
    post_only_n: int
    mean_pre: float | None
    median_pre: float | None
    mean_post: float | None
    median_post: float | None
    mean_gain: float | None
    gain_ci_low: float | None
    gain_ci_high: float | None
    normalized_gain: float | None
    improved: float | None
    same: float | None
    worsened: float | None
    wilcoxon_statistic: float | None
    wilcoxon_p: float | None
    effect_size: float | None
    no_test_reason: str

    def as_dict(self) -> dict:
        """Every field by name, floats rounded to 4 decimals, `None` kept: ready for JSON."""
        return {key: _rounded(value) for key, value in asdict(self).items()}


def knowledge_summary(scores: Iterable[tuple[float | None, float | None]]) -> KnowledgeSummary:
    """Summarise one `(pre, post)` per participant, `None` for a test not taken.

    Scores must be numbers from 0 to 1; anything else (NaN included) raises `ValueError`.
    """
    return counted_knowledge_summary(Counter(scores))


def counted_knowledge_summary(counted: Counter) -> KnowledgeSummary:
    """`knowledge_summary` of participants counted by their `(pre, post)`."""
    checked = _Checked()
    scores: Counter = Counter()
    for (pre, post), n in counted.items():
        scores[(checked(pre), checked(post))] += n
    return _paired_summary(scores)


class _Checked(dict):
    """`_checked` of each distinct score once: a report's thousands of scores are a few
    dozen values."""

    def __call__(self, score):
        try:
            return self[score]
        except KeyError:
            value = self[score] = _checked(score)
            return value
        except TypeError:  # not hashable: not a score either
            return _checked(score)


def _paired_summary(scores: Counter) -> KnowledgeSummary:
    """`knowledge_summary` of scores already `_checked`, counted: how many people had each
    `(pre, post)`."""
    pairs: Counter = Counter()
    pre_only = post_only = 0
    for (pre, post), n in scores.items():
        if pre is not None and post is not None:
            pairs[(pre, post)] += n
        elif pre is not None:
            pre_only += n
        elif post is not None:
            post_only += n
    return _counted_summary(pairs, pre_only, post_only)


@dataclass(frozen=True)
class GroupSummary:
    """One line of a breakdown by country, profile or sex/gender.

    `size` is the number of people in the group with at least one test. A group with fewer
    than `MIN_GROUP_SIZE` of them is `hidden`: its `summary` is `None`. `pooled` marks the
    line that gathers the people of the hidden groups (see `by_group`).
    """

    label: str
    size: int
    summary: KnowledgeSummary | None
    hidden: bool
    pooled: bool = False

    def as_dict(self) -> dict:
        """JSON-ready: the summary through `KnowledgeSummary.as_dict`, or `None`."""
        return {
            "label": self.label,
            "size": self.size,
            "summary": self.summary.as_dict() if self.summary is not None else None,
            "hidden": self.hidden,
            "pooled": self.pooled,
        }


def by_group(rows: Iterable[tuple[str, float | None, float | None]]) -> list[GroupSummary]:
    """The knowledge figures of each group, from one `(group label, pre, post)` per person.

    Promises:

    - one line per group, sorted by label; people with neither test are not counted;
    - a group of fewer than `MIN_GROUP_SIZE` people (with at least one test) is listed with
      `hidden=True`, its size and no figures;
    - in a shown group with fewer than `MIN_GROUP_SIZE` pairs, only the counts are given:
      the paired figures would describe one or two people, and `no_test_reason` says so;
    - when some groups are hidden, a last line, `pooled=True`, labelled "Other groups",
      gathers their people; it follows the same rules (hidden if fewer than
      `MIN_GROUP_SIZE` people in all, paired figures withheld under `MIN_GROUP_SIZE` pairs).

    Beware: figures of all participants shown beside these lines can give, by subtraction,
    the sum of the scores of hidden people; the page that shows both must take care of it.
    """
    return counted_by_group((label, pre, post, 1) for label, pre, post in rows)


def counted_by_group(rows: Iterable[tuple[str, float | None, float | None, int]]):
    """`by_group` of people counted: each `(group label, pre, post, how many people)` (a
    grouped query's rows); the same lines as `by_group` of the people one by one."""
    # Each group's people counted by their (pre, post): a few hundred pairs, not thousands.
    grouped: dict[str, Counter] = defaultdict(Counter)
    checked = _Checked()
    for label, pre, post, n in rows:
        pre, post = checked(pre), checked(post)
        if pre is None and post is None:
            continue
        grouped[label][(pre, post)] += n

    lines = []
    hidden_people: Counter = Counter()
    for label in sorted(grouped):
        people = grouped[label]
        size = people.total()
        if size < MIN_GROUP_SIZE:
            hidden_people.update(people)
            lines.append(GroupSummary(label=label, size=size, summary=None, hidden=True))
        else:
            lines.append(_group_line(label, people))
    if hidden_people:
        lines.append(_group_line(_("Other groups"), hidden_people, pooled=True))
    return lines


@dataclass(frozen=True)
class ItemChange:
    """Share of correct answers to one knowledge item before and after.

    `pre_n`/`post_n` count the answers; a share is `None` when there is no answer, and
    `change` (post share minus pre share) is `None` unless both shares are given.
    """

    code: str
    pre_n: int
    pre_correct: float | None
    post_n: int
    post_correct: float | None
    change: float | None

    def as_dict(self) -> dict:
        """Every field by name, floats rounded to 4 decimals, `None` kept."""
        return {key: _rounded(value) for key, value in asdict(self).items()}


def item_changes(answers: Iterable[tuple[str, str, bool]]) -> list[ItemChange]:
    """Share correct per item from `(item code, "pre" or "post", correct?)`, sorted by code.

    Every answer counts (not only those of participants with both tests): an item's share
    describes the item. Another phase than "pre" or "post" raises `ValueError`.
    """
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: {"pre": [0, 0], "post": [0, 0]})
    for code, phase, correct in answers:
        if phase not in ("pre", "post"):
            raise ValueError(_("Unknown test phase “%(phase)s”.") % {"phase": phase})
        tally = counts[code][phase]
        tally[0] += 1
        tally[1] += bool(correct)
    return counted_item_changes(counts)


def counted_item_changes(counts: dict[str, dict[str, list[int]]]) -> list[ItemChange]:
    """`item_changes` from the answers already counted: for each item code and phase,
    `[answers, correct answers]`."""
    changes = []
    for code in sorted(counts):
        (pre_n, pre_ok), (post_n, post_ok) = counts[code]["pre"], counts[code]["post"]
        pre_share = pre_ok / pre_n if pre_n else None
        post_share = post_ok / post_n if post_n else None
        change = (
            post_share - pre_share if pre_share is not None and post_share is not None else None
        )
        changes.append(ItemChange(code, pre_n, pre_share, post_n, post_share, change))
    return changes


def scale_distribution(values: Iterable[int | None], low: int = 1, high: int = 5) -> dict:
    """The distribution of the answers to one scale question (expectations, satisfaction…).

    Returns `{"n", "counts", "shares", "mean", "median"}`: `counts` and `shares` have every
    point from `low` to `high` (zero when nobody chose it), `None` answers are skipped and
    not in `n`; with no answer, shares, mean and median are `None`. A value outside the
    scale (or not a whole number) raises `ValueError`.
    """
    if low > high:
        raise ValueError(_("The scale's low end is above its high end."))
    counts = dict.fromkeys(range(low, high + 1), 0)
    answered: list[int] = []
    for value in values:
        if value is None:
            continue
        point = _scale_point(value, low, high)
        counts[point] += 1
        answered.append(point)
    n = len(answered)
    return {
        "n": n,
        "counts": counts,
        "shares": {point: (count / n if n else None) for point, count in counts.items()},
        "mean": pystats.fmean(answered) if n else None,
        "median": float(pystats.median(answered)) if n else None,
    }


def _scale_point(value, low: int, high: int) -> int:
    """`value` as a point of the scale from `low` to `high`; ValueError when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(_("“%(value)s” is not a point of the scale.") % {"value": value})
    if not low <= value <= high:
        raise ValueError(
            _("%(value)s is outside the scale from %(low)s to %(high)s.")
            % {"value": value, "low": low, "high": high}
        )
    return int(value)


def counted_scale_distribution(counts: dict[int | None, int], low: int = 1, high: int = 5) -> dict:
    """`scale_distribution` of answers already counted: each value given (None for blank)
    with how many gave it. The same figures, to the last digit, without a list of every
    answer (a programme of thousands)."""
    if low > high:
        raise ValueError(_("The scale's low end is above its high end."))
    points = dict.fromkeys(range(low, high + 1), 0)
    for value, count in counts.items():
        if value is None or not count:
            continue
        points[_scale_point(value, low, high)] += count
    n = sum(points.values())

    def nth(index: int) -> int:  # the answer at `index` of the answers sorted
        for point, count in points.items():
            if index < count:
                return point
            index -= count
        raise IndexError(index)

    if n % 2:
        median = float(nth(n // 2)) if n else None
    else:
        median = (nth(n // 2 - 1) + nth(n // 2)) / 2 if n else None
    return {
        "n": n,
        "counts": points,
        "shares": {point: (count / n if n else None) for point, count in points.items()},
        # As `statistics.fmean`: the exact sum rounded once, divided by n.
        "mean": math.fsum(point * count for point, count in points.items()) / n if n else None,
        "median": median,
    }


def expectations_against_satisfaction(
    people: Iterable[tuple[float | None, float | None]], *, rounded: bool = True
) -> dict:
    """Expectations before beside satisfaction after, from one `(expectation, satisfaction)`
    per person: each their mean answer (1–5) to the pre-test's expectation questions and to
    the post-test's satisfaction questions, `None` when they gave none.

    Returns the mean of each over everyone who gave it (`expectations_n`, `satisfaction_n`)
    and, over the people who gave both (`paired_n`), both means, the mean difference
    (satisfaction minus expectation) and the shares whose satisfaction reached their
    expectation (`met`, a difference of zero or more) or fell short (`short`). Figures are
    `None` when nobody gave what they need; floats rounded as in `as_dict`, or left as
    computed without `rounded` (for a caller that rounds them once, as it shows them).
    """
    return counted_expectations_against_satisfaction(Counter(people), rounded=rounded)


def counted_expectations_against_satisfaction(counted: Counter, *, rounded: bool = True) -> dict:
    """`expectations_against_satisfaction` of people counted by their `(expectation,
    satisfaction)`: the same figures, to the last bit, as over the people one by one."""
    expectations: Counter = Counter()
    satisfaction: Counter = Counter()
    pairs: Counter = Counter()
    for (expected, satisfied), many in counted.items():
        if expected is not None:
            expectations[float(expected)] += many
        if satisfied is not None:
            satisfaction[float(satisfied)] += many
        if expected is not None and satisfied is not None:
            pairs[(float(expected), float(satisfied))] += many
    differences: Counter = Counter()
    expected_paired: Counter = Counter()
    satisfied_paired: Counter = Counter()
    for (a, b), many in pairs.items():
        differences[round(b - a, DIFFERENCE_DECIMALS)] += many
        expected_paired[a] += many
        satisfied_paired[b] += many
    n = pairs.total()
    figures = {
        "expectations_n": expectations.total(),
        "mean_expectations_all": _exact_mean(expectations) if expectations else None,
        "satisfaction_n": satisfaction.total(),
        "mean_satisfaction_all": _exact_mean(satisfaction) if satisfaction else None,
        "paired_n": n,
        "mean_expectations": _exact_mean(expected_paired) if n else None,
        "mean_satisfaction": _exact_mean(satisfied_paired) if n else None,
        "mean_difference": _exact_mean(differences) if n else None,
        "met": sum(many for d, many in differences.items() if d >= 0) / n if n else None,
        "short": sum(many for d, many in differences.items() if d < 0) / n if n else None,
    }
    if not rounded:
        return figures
    return {key: _rounded(value) for key, value in figures.items()}


# --- Internals ---------------------------------------------------------------------------

# The fields of `KnowledgeSummary` that are figures (all but the counts and the reason).
_FIGURES = tuple(
    field.name
    for field in fields(KnowledgeSummary)
    if field.name not in {"paired_n", "pre_only_n", "post_only_n", "no_test_reason"}
)


def _checked(score: float | None) -> float | None:
    if score is None:
        return None
    value = float(score)
    if math.isnan(value) or not 0 <= value <= 1:
        raise ValueError(
            _("A score must be a fraction of the maximum, from 0 to 1, not %(score)s.")
            % {"score": score}
        )
    return value


def _rounded(value):
    if isinstance(value, float):
        return round(value, ROUND_DECIMALS)
    return value


def _summary(
    pre: list[float], post: list[float], pre_only: int, post_only: int
) -> KnowledgeSummary:
    """The summary of the pairs `zip(pre, post)` (see `_counted_summary`)."""
    return _counted_summary(Counter(zip(pre, post, strict=True)), pre_only, post_only)


def _scaled_sums(counted: Counter, squares: bool = False) -> tuple[int, int, int]:
    """The exact sum (and sum of squares) of the values `counted` (value -> how many), as
    whole numbers over one denominator: `(sum, sum of squares, denominator)`, the squares over
    its square. A float is a whole number over a power of two, so the largest denominator
    serves them all; whole numbers add fast and exactly, where fractions are slow."""
    ratios = [(value.as_integer_ratio(), count) for value, count in counted.items()]
    scale = max(denominator for (_numerator, denominator), _count in ratios)
    total = squared = 0
    for (numerator, denominator), count in ratios:
        whole = numerator * (scale // denominator)
        total += whole * count
        if squares:
            squared += whole * whole * count
    return total, squared, scale


def _exact_mean(counted: Counter) -> float:
    """`statistics.fmean` of the values `counted` (value -> how many), to the last bit: the
    exact sum rounded once (as `math.fsum`; a whole number's true division is rounded
    correctly), then divided."""
    total, _squared, scale = _scaled_sums(counted)
    return (total / scale) / counted.total()


def _counted_median(counted: Counter) -> float:
    """`statistics.median` of the values `counted` (value -> how many), to the last bit."""
    n = counted.total()
    wanted = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
    found, seen = [], 0
    for value in sorted(counted):
        seen += counted[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
        if not wanted:
            break
    return float(found[0]) if len(found) == 1 else float((found[0] + found[1]) / 2)


def _counted_summary(pairs: Counter, pre_only: int, post_only: int) -> KnowledgeSummary:
    """The knowledge figures of the people counted in `pairs` ((pre, post) -> how many),
    worked out over the distinct pairs: the same numbers, to the last bit, as over the list
    of every person's pair (a report's thousands of people have a few hundred pairs)."""
    n = pairs.total()
    if n == 0:
        return KnowledgeSummary(
            paired_n=0,
            pre_only_n=pre_only,
            post_only_n=post_only,
            no_test_reason=_("No participant took both tests."),
            **dict.fromkeys(_FIGURES),
        )

    pre, post, differences, normalized_terms = Counter(), Counter(), Counter(), Counter()
    for (a, b), count in pairs.items():
        pre[a] += count
        post[b] += count
        difference = round(b - a, DIFFERENCE_DECIMALS)
        differences[difference] += count
        if a < 1:
            normalized_terms[difference / (1 - a)] += count
    mean_gain = _exact_mean(differences)
    ci_low = ci_high = None
    if n >= 2:
        half_width = _t_quantile(n - 1) * _stdev(differences)
        half_width /= math.sqrt(n)
        ci_low, ci_high = mean_gain - float(half_width), mean_gain + float(half_width)

    normalized = _exact_mean(normalized_terms) if normalized_terms else None

    improved = sum(count for d, count in differences.items() if d > 0)
    worsened = sum(count for d, count in differences.items() if d < 0)
    statistic, p_value, effect, reason = _counted_wilcoxon(differences, n)

    return KnowledgeSummary(
        paired_n=n,
        pre_only_n=pre_only,
        post_only_n=post_only,
        mean_pre=_exact_mean(pre),
        median_pre=_counted_median(pre),
        mean_post=_exact_mean(post),
        median_post=_counted_median(post),
        mean_gain=mean_gain,
        gain_ci_low=ci_low,
        gain_ci_high=ci_high,
        normalized_gain=normalized,
        improved=improved / n,
        same=(n - improved - worsened) / n,
        worsened=worsened / n,
        wilcoxon_statistic=statistic,
        wilcoxon_p=p_value,
        effect_size=effect,
        no_test_reason=reason,
    )


def _stdev(values: list[float] | Counter) -> float:
    """`statistics.stdev(values)`, to the last bit, worked out over the distinct values (a
    report's thousands of differences are a few dozen): the sample variance as an exact
    fraction, as `statistics` has it, then its square root rounded once. `values` may be
    counted already (value -> how many)."""
    counted = values if isinstance(values, Counter) else Counter(values)
    sqrt_of_fraction = getattr(pystats, "_float_sqrt_of_frac", None)
    if sqrt_of_fraction is None:  # another Python than the one measured: its own way
        return pystats.stdev(counted.elements())
    n = counted.total()
    sx, sxx, scale = _scaled_sums(counted, squares=True)
    # (n·Σx² − (Σx)²) / n / (n − 1), the sums over `scale` and `scale²`: one exact fraction.
    variance = Fraction(n * sxx - sx * sx, scale * scale * n * (n - 1))
    return sqrt_of_fraction(variance.numerator, variance.denominator)


# With tied differences and at most this many, SciPy's "auto" method runs an exact
# permutation test over all 2**n sign flips; above it, the normal approximation.
EXACT_WITH_TIES = 13


def _exact_p_with_ties(ranks, positive: float) -> float:
    """The two-sided p-value of SciPy's exact permutation test for tied differences, computed
    at once over the 2**n sign flips instead of one flip at a time (which took about a second
    per group, and many groups make a report)."""
    n = len(ranks)
    flips = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    null = flips @ np.asarray(ranks, dtype=float)
    tolerance = 1e-9 * max(1.0, abs(positive))
    greater = float(np.mean(null >= positive - tolerance))
    less = float(np.mean(null <= positive + tolerance))
    return min(1.0, 2 * min(greater, less))


def _wilcoxon(
    nonzero: list[float], paired_n: int
) -> tuple[float | None, float | None, float | None, str]:
    """Statistic, p-value, rank-biserial effect size and reason from the non-zero differences."""
    if paired_n < MIN_PAIRS_FOR_TEST:
        reason = _(
            "No significance test: %(n)d pairs of tests; the Wilcoxon test needs at least "
            "%(minimum)d."
        ) % {"n": paired_n, "minimum": MIN_PAIRS_FOR_TEST}
        return None, None, None, reason
    if not nonzero:
        return None, None, None, _("No significance test: no participant's score changed.")
    if len(nonzero) < MIN_PAIRS_FOR_TEST:
        reason = _(
            "No significance test: only %(changed)d of %(n)d participants' scores changed; "
            "the Wilcoxon test leaves out unchanged scores and needs at least %(minimum)d "
            "changed."
        ) % {"changed": len(nonzero), "n": paired_n, "minimum": MIN_PAIRS_FOR_TEST}
        return None, None, None, reason

    ranks = stats.rankdata(np.abs(nonzero))
    # Ranks are halves of whole numbers: their sums are exact in whatever order they are added.
    signs = np.sign(nonzero)
    positive = float(ranks[signs > 0].sum())
    negative = float(ranks[signs < 0].sum())
    effect = (positive - negative) / (positive + negative)
    if len(set(np.abs(nonzero))) < len(nonzero) and len(nonzero) <= EXACT_WITH_TIES:
        statistic, p_value = min(positive, negative), _exact_p_with_ties(ranks, positive)
    else:
        with warnings.catch_warnings():
            # Zeros are already dropped; nothing SciPy might note should reach the caller.
            warnings.simplefilter("ignore")
            result = stats.wilcoxon(nonzero)
        statistic, p_value = float(result.statistic), float(result.pvalue)
    if math.isnan(statistic) or math.isnan(p_value):
        return None, None, None, _("No significance test: the Wilcoxon test gave no result.")
    return statistic, p_value, effect, ""


# Above this many changed scores, SciPy's "auto" method takes the normal approximation (as it
# does above `EXACT_WITH_TIES` with tied differences).
EXACT_UP_TO = 50


def _counted_wilcoxon(
    differences: Counter, paired_n: int
) -> tuple[float | None, float | None, float | None, str]:
    """`_wilcoxon` of the differences counted (difference -> how many). Where SciPy takes the
    normal approximation, it is worked out here from the counts, as SciPy does it, to the last
    bit (scipy.stats._wilcoxon: no continuity correction, ties corrected); elsewhere, for a
    few dozen changed scores at most, SciPy runs on the list."""
    changed = Counter()
    for difference, count in differences.items():
        if difference != 0:
            changed[difference] += count
    m = changed.total()
    by_size = Counter()
    for difference, count in changed.items():
        by_size[abs(difference)] += count
    tied = any(count > 1 for count in by_size.values())
    if not (m > EXACT_UP_TO or (tied and m > EXACT_WITH_TIES)):
        # The test reads each changed person's difference; their order changes nothing.
        nonzero = [d for d in sorted(changed) for _each in range(changed[d])]
        return _wilcoxon(nonzero, paired_n)
    if paired_n < MIN_PAIRS_FOR_TEST:  # never here: m > 13 pairs changed
        return _wilcoxon([], paired_n)
    # Ranks by size, ties sharing their average rank: halves of whole numbers, exact.
    rank_of, below = {}, 0
    for size in sorted(by_size):
        count = by_size[size]
        rank_of[size] = below + (count + 1) / 2
        below += count
    positive = sum(rank_of[abs(d)] * count for d, count in changed.items() if d > 0)
    negative = sum(rank_of[abs(d)] * count for d, count in changed.items() if d < 0)
    effect = (positive - negative) / (positive + negative)
    count = float(m)
    mean = count * (count + 1.0) * 0.25
    spread = count * (count + 1.0) * (2.0 * count + 1.0)
    ties = float(sum(float(t) ** 3 - float(t) for t in by_size.values()))
    spread = math.sqrt((spread - ties / 2) / 24)
    z = (positive - mean) / spread
    p_value = float(2 * special.ndtr(-abs(z)))
    statistic = float(min(positive, negative))
    if math.isnan(statistic) or math.isnan(p_value):
        return None, None, None, _("No significance test: the Wilcoxon test gave no result.")
    return statistic, p_value, effect, ""


@functools.lru_cache(maxsize=1024)
def _t_quantile(degrees: int) -> float:
    """Student's t quantile of the confidence interval for `degrees` degrees of freedom,
    worked out once per number (SciPy's call costs a millisecond; a report asks for dozens)."""
    return stats.t.ppf((1 + CONFIDENCE) / 2, degrees)


def _group_line(label: str, people: Counter, pooled: bool = False) -> GroupSummary:
    """The line of a group whose people are counted by their (pre, post)."""
    size = people.total()
    if size < MIN_GROUP_SIZE:
        return GroupSummary(label=label, size=size, summary=None, hidden=True, pooled=pooled)
    summary = _paired_summary(people)  # `by_group` has checked the scores
    if summary.paired_n and summary.paired_n < MIN_GROUP_SIZE:
        summary = KnowledgeSummary(
            paired_n=summary.paired_n,
            pre_only_n=summary.pre_only_n,
            post_only_n=summary.post_only_n,
            no_test_reason=_(
                "Figures withheld: fewer than %(minimum)d people in this group took both "
                "tests, and they could be recognised."
            )
            % {"minimum": MIN_GROUP_SIZE},
            **dict.fromkeys(_FIGURES),
        )
    return GroupSummary(label=label, size=size, summary=summary, hidden=False, pooled=pooled)
