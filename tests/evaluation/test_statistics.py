"""The evaluation's statistics, checked against figures worked out by hand in each test and
against `scipy.stats.wilcoxon` called directly. No database."""

from __future__ import annotations

import json
import math
import statistics as pystats
import warnings

import numpy as np
import pytest
from django.utils import translation
from scipy import stats

from capacita.evaluation.statistics import (
    MIN_GROUP_SIZE,
    MIN_PAIRS_FOR_TEST,
    by_group,
    item_changes,
    knowledge_summary,
    scale_distribution,
)

# Eight pairs with a zero difference, ties, a loss and a participant who started at the
# maximum; and one pre-only, one post-only and one with neither test.
EIGHT_PAIRS = [
    (0.2, 0.5),  # +0.3
    (0.4, 0.6),  # +0.2
    (0.5, 0.5),  #  0
    (1.0, 0.9),  # -0.1, pre at the maximum
    (0.3, 0.8),  # +0.5
    (0.6, 0.9),  # +0.3
    (0.1, 0.4),  # +0.3
    (0.5, 0.7),  # +0.2
]
EIGHT_DIFFERENCES = [0.3, 0.2, 0.0, -0.1, 0.5, 0.3, 0.3, 0.2]
WITH_SINGLES = [*EIGHT_PAIRS, (0.2, None), (None, 0.4), (None, None)]


def summary_without_warnings(scores):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return knowledge_summary(scores)


def all_floats_finite(summary) -> bool:
    return all(
        not isinstance(value, float) or math.isfinite(value) for value in summary.as_dict().values()
    )


# --- Knowledge summary: a hand-worked case -----------------------------------------------


def test_participants_with_one_test_are_counted_apart_and_those_with_none_ignored():
    summary = knowledge_summary(WITH_SINGLES)
    assert (summary.paired_n, summary.pre_only_n, summary.post_only_n) == (8, 1, 1)
    # The pre-only 0.2 and post-only 0.4 would change these means if they counted.
    assert summary.mean_pre == pytest.approx(3.6 / 8)
    assert summary.mean_post == pytest.approx(5.3 / 8)


def test_means_and_medians_before_and_after_are_over_the_pairs():
    summary = knowledge_summary(WITH_SINGLES)
    # pre sorted 0.1 0.2 0.3 0.4 | 0.5 0.5 0.6 1.0; post sorted 0.4 0.5 0.5 0.6 | 0.7 0.8 0.9 0.9
    assert summary.mean_pre == pytest.approx(0.45)
    assert summary.median_pre == pytest.approx((0.4 + 0.5) / 2)
    assert summary.mean_post == pytest.approx(0.6625)
    assert summary.median_post == pytest.approx((0.6 + 0.7) / 2)


def test_mean_gain_has_a_t_based_95_percent_interval():
    summary = knowledge_summary(WITH_SINGLES)
    mean = 1.7 / 8
    # Squared deviations from 0.2125, summed by hand: 0.24875; sd with n - 1 = 7.
    sd = math.sqrt(0.24875 / 7)
    half = stats.t.ppf(0.975, 7) * sd / math.sqrt(8)
    assert summary.mean_gain == pytest.approx(mean)
    assert summary.gain_ci_low == pytest.approx(mean - half)
    assert summary.gain_ci_high == pytest.approx(mean + half)
    assert summary.gain_ci_low < summary.mean_gain < summary.gain_ci_high


def test_normalized_gain_leaves_out_participants_who_started_at_the_maximum():
    summary = knowledge_summary(WITH_SINGLES)
    # (post - pre) / (1 - pre) for the seven pairs with pre < 1; (1.0, 0.9) left out.
    by_hand = (3 / 8 + 2 / 6 + 0 / 5 + 5 / 7 + 3 / 4 + 3 / 9 + 2 / 5) / 7
    assert summary.normalized_gain == pytest.approx(by_hand)


def test_shares_improved_same_worsened_sum_to_one():
    summary = knowledge_summary(WITH_SINGLES)
    assert (summary.improved, summary.same, summary.worsened) == pytest.approx(
        (6 / 8, 1 / 8, 1 / 8)
    )
    assert summary.improved + summary.same + summary.worsened == pytest.approx(1)


def test_wilcoxon_matches_scipy_on_the_differences_with_zeros_dropped():
    summary = summary_without_warnings(WITH_SINGLES)
    direct = stats.wilcoxon(EIGHT_DIFFERENCES)  # zero_method="wilcox" by default
    assert summary.no_test_reason == ""
    assert summary.wilcoxon_statistic == pytest.approx(float(direct.statistic))
    assert summary.wilcoxon_p == pytest.approx(float(direct.pvalue))
    # Ranks of |d| among the seven non-zero: 0.1 → 1; 0.2, 0.2 → 2.5; 0.3 ×3 → 5; 0.5 → 7.
    # T- = 1, T+ = 2.5·2 + 5·3 + 7 = 27; the statistic is the smaller sum.
    assert summary.wilcoxon_statistic == 1.0


def test_effect_size_is_the_matched_pairs_rank_biserial_correlation():
    summary = knowledge_summary(WITH_SINGLES)
    positive, negative = 27, 1  # rank sums worked out above
    assert summary.effect_size == pytest.approx((positive - negative) / (positive + negative))


def test_as_dict_rounds_to_four_decimals_and_is_json_without_nan():
    summary = knowledge_summary(WITH_SINGLES)
    data = summary.as_dict()
    assert data["mean_gain"] == 0.2125
    assert data["normalized_gain"] == round(summary.normalized_gain, 4)
    assert data["effect_size"] == round(13 / 14, 4)
    json.dumps(data, allow_nan=False)


# --- Ties, zeros, floating point ---------------------------------------------------------


def test_differences_equal_on_paper_are_ties_despite_floating_point():
    # 0.3 - 0.1, 0.4 - 0.2 and 0.5 - 0.3 differ in the last bits as floats; they are ties.
    pairs = [(0.1, 0.3), (0.2, 0.4), (0.3, 0.5), (0.6, 0.5), (0.0, 0.3), (0.4, 0.9)]
    summary = summary_without_warnings(pairs)
    # Ranks: 0.1 → 1; 0.2 ×3 → 3; 0.3 → 5; 0.5 → 6. T+ = 9 + 5 + 6 = 20, T- = 1.
    assert summary.effect_size == pytest.approx(19 / 21)
    direct = stats.wilcoxon([0.2, 0.2, 0.2, -0.1, 0.3, 0.5])
    assert summary.wilcoxon_statistic == pytest.approx(float(direct.statistic))
    assert summary.wilcoxon_p == pytest.approx(float(direct.pvalue))


def test_unchanged_scores_count_as_same_even_when_floats_would_not_be_exact():
    summary = knowledge_summary([(0.7, 0.7), (0.1 + 0.2, 0.3), (0.5, 0.6)])
    assert summary.same == pytest.approx(2 / 3)
    assert summary.improved == pytest.approx(1 / 3)


def test_all_differences_zero_gives_no_test_a_reason_and_no_warning():
    pairs = [(0.5, 0.5)] * 4 + [(0.2, 0.2), (1.0, 1.0), (0.0, 0.0)]
    summary = summary_without_warnings(pairs)
    assert summary.wilcoxon_p is None
    assert summary.wilcoxon_statistic is None
    assert summary.effect_size is None
    with translation.override("en"):
        assert "changed" in knowledge_summary(pairs).no_test_reason
    assert (summary.mean_gain, summary.gain_ci_low, summary.gain_ci_high) == (0.0, 0.0, 0.0)
    assert summary.same == 1.0
    assert summary.normalized_gain == 0.0  # (1.0, 1.0) left out, the others gain 0
    assert all_floats_finite(summary)


def test_too_few_changed_scores_give_no_test_though_there_are_enough_pairs():
    pairs = [(0.5, 0.5), (0.4, 0.4), (0.1, 0.5), (0.2, 0.7), (0.3, 0.9), (0.4, 0.6)]
    assert len(pairs) >= MIN_PAIRS_FOR_TEST
    summary = summary_without_warnings(pairs)
    assert summary.wilcoxon_p is None
    assert summary.effect_size is None
    with translation.override("en"):
        reason = knowledge_summary(pairs).no_test_reason
    assert "4 of 6" in reason
    assert summary.mean_gain == pytest.approx((0 + 0 + 0.4 + 0.5 + 0.6 + 0.2) / 6)


# --- Small numbers -----------------------------------------------------------------------


def test_no_pairs_at_all_gives_counts_and_no_figures():
    summary = summary_without_warnings([(0.3, None), (0.4, None), (None, 0.9), (None, None)])
    assert (summary.paired_n, summary.pre_only_n, summary.post_only_n) == (0, 2, 1)
    figures = {k: v for k, v in summary.as_dict().items() if not k.endswith(("_n", "reason"))}
    assert set(figures.values()) == {None}
    assert summary.no_test_reason


def test_empty_input_gives_zero_counts():
    summary = knowledge_summary([])
    assert (summary.paired_n, summary.pre_only_n, summary.post_only_n) == (0, 0, 0)
    assert summary.mean_gain is None


def test_one_pair_gives_its_gain_but_no_interval_and_no_test():
    summary = summary_without_warnings([(0.4, 0.7)])
    assert summary.paired_n == 1
    assert summary.mean_gain == pytest.approx(0.3)
    assert summary.gain_ci_low is None and summary.gain_ci_high is None
    assert summary.normalized_gain == pytest.approx(0.3 / 0.6)
    assert summary.wilcoxon_p is None and summary.effect_size is None
    assert summary.no_test_reason
    assert all_floats_finite(summary)


def test_fewer_than_six_pairs_give_no_p_value_and_say_why():
    pairs = [(0.1, 0.5), (0.2, 0.6), (0.3, 0.8), (0.0, 0.9), (0.4, 0.45)]
    assert len(pairs) == MIN_PAIRS_FOR_TEST - 1
    summary = summary_without_warnings(pairs)
    assert summary.wilcoxon_p is None
    assert summary.wilcoxon_statistic is None
    with translation.override("en"):
        reason = knowledge_summary(pairs).no_test_reason
    assert "5" in reason and "6" in reason
    # The descriptive figures are still given.
    assert summary.mean_gain == pytest.approx((0.4 + 0.4 + 0.5 + 0.9 + 0.05) / 5)
    assert summary.gain_ci_low is not None


def test_six_pairs_all_improving_are_tested_exactly():
    pairs = [(0.1, 0.2), (0.1, 0.3), (0.1, 0.4), (0.1, 0.5), (0.1, 0.6), (0.1, 0.7)]
    summary = summary_without_warnings(pairs)
    assert summary.no_test_reason == ""
    assert summary.wilcoxon_statistic == 0.0
    assert summary.wilcoxon_p == pytest.approx(2 / 2**6)  # both tails of the exact law
    assert summary.effect_size == 1.0


def test_losses_give_negative_gain_interval_and_effect():
    pairs = [(0.9, 0.8), (0.8, 0.6), (0.7, 0.4), (0.6, 0.2), (0.5, 0.0), (0.9, 0.3)]
    summary = summary_without_warnings(pairs)
    differences = [-0.1, -0.2, -0.3, -0.4, -0.5, -0.6]
    mean = pystats.fmean(differences)
    half = stats.t.ppf(0.975, 5) * pystats.stdev(differences) / math.sqrt(6)
    assert summary.mean_gain == pytest.approx(mean)
    assert (summary.gain_ci_low, summary.gain_ci_high) == pytest.approx((mean - half, mean + half))
    assert summary.gain_ci_high < 0
    by_hand = (-0.1 / 0.1 - 0.2 / 0.2 - 0.3 / 0.3 - 0.4 / 0.4 - 0.5 / 0.5 - 0.6 / 0.1) / 6
    assert summary.normalized_gain == pytest.approx(by_hand)
    assert summary.worsened == 1.0
    assert summary.effect_size == -1.0
    assert summary.wilcoxon_p == pytest.approx(float(stats.wilcoxon(differences).pvalue))


def test_everyone_at_the_maximum_before_gives_no_normalized_gain():
    summary = knowledge_summary([(1.0, 1.0), (1.0, 0.8), (1.0, 0.9)])
    assert summary.normalized_gain is None
    assert summary.mean_gain == pytest.approx(-0.1)


@pytest.mark.parametrize("bad", [math.nan, 1.2, -0.1])
def test_a_score_outside_zero_to_one_or_nan_is_refused(bad):
    with pytest.raises(ValueError):
        knowledge_summary([(0.5, bad)])


# --- Groups ------------------------------------------------------------------------------

GROUP_ROWS = [
    ("Spain", 0.2, 0.6),
    ("Spain", 0.4, 0.5),
    ("Spain", 0.5, 0.9),
    ("Spain", 0.3, None),
    ("Peru", 0.9, 0.1),  # a group of two: its scores must never show
    ("Peru", 0.85, 0.15),
    ("Peru", None, None),  # took no test: not counted
    ("Chile", 0.05, 0.95),  # a group of one
    ("Argentina", 0.1, 0.7),  # three people but one pair
    ("Argentina", 0.2, None),
    ("Argentina", None, 0.4),
]


def line(lines, label):
    (found,) = [group for group in lines if group.label == label]
    return found


def test_groups_are_sorted_by_label_with_the_pooled_line_last():
    lines = by_group(GROUP_ROWS)
    assert [g.label for g in lines[:-1]] == ["Argentina", "Chile", "Peru", "Spain"]
    assert lines[-1].pooled and not any(g.pooled for g in lines[:-1])


def test_a_shown_group_has_the_figures_of_its_people():
    spain = line(by_group(GROUP_ROWS), "Spain")
    assert not spain.hidden
    assert spain.size == 4
    expected = knowledge_summary([(0.2, 0.6), (0.4, 0.5), (0.5, 0.9), (0.3, None)])
    assert spain.summary == expected


def test_a_group_of_two_never_shows_figures():
    lines = by_group(GROUP_ROWS)
    peru = line(lines, "Peru")
    assert peru.hidden
    assert peru.size == 2  # the person without a test is not counted
    assert peru.summary is None
    assert peru.as_dict()["summary"] is None
    chile = line(lines, "Chile")
    assert chile.hidden and chile.summary is None


def test_hidden_groups_are_pooled_in_one_line_when_together_large_enough():
    pooled = by_group(GROUP_ROWS)[-1]
    assert pooled.size == 3
    assert not pooled.hidden
    assert pooled.summary == knowledge_summary([(0.9, 0.1), (0.85, 0.15), (0.05, 0.95)])


def test_the_pooled_line_is_hidden_too_when_it_gathers_fewer_than_three():
    rows = [("Spain", 0.1, 0.2), ("Spain", 0.3, 0.4), ("Spain", 0.5, 0.9)]
    lines = by_group([*rows, ("Chile", 0.05, 0.95), ("Peru", 0.9, 0.1)])
    pooled = lines[-1]
    assert pooled.pooled and pooled.hidden and pooled.summary is None
    assert pooled.size == 2
    assert all(g.summary is None for g in lines if g.label in {"Chile", "Peru"})


def test_a_shown_group_with_fewer_than_three_pairs_gives_counts_only():
    argentina = line(by_group(GROUP_ROWS), "Argentina")
    assert not argentina.hidden
    assert argentina.size == MIN_GROUP_SIZE
    summary = argentina.summary
    assert (summary.paired_n, summary.pre_only_n, summary.post_only_n) == (1, 1, 1)
    assert summary.mean_pre is None and summary.mean_gain is None and summary.median_post is None
    assert summary.no_test_reason


def test_no_pooled_line_when_no_group_is_hidden():
    lines = by_group([("A", 0.1, 0.2)] * 3 + [("B", 0.3, 0.5)] * 3)
    assert [g.label for g in lines] == ["A", "B"]
    assert not any(g.hidden or g.pooled for g in lines)


# --- Items -------------------------------------------------------------------------------


def test_item_changes_give_the_share_correct_before_and_after_sorted_by_code():
    answers = [
        ("Q2", "pre", False),
        ("Q2", "pre", True),
        ("Q2", "pre", False),
        ("Q2", "pre", False),
        ("Q2", "post", True),
        ("Q2", "post", True),
        ("Q2", "post", False),
        ("Q1", "pre", True),
        ("Q1", "post", False),
        ("Q1", "post", True),
        ("Q3", "pre", True),
    ]
    q1, q2, q3 = item_changes(answers)
    assert [q1.code, q2.code, q3.code] == ["Q1", "Q2", "Q3"]
    assert (q2.pre_n, q2.pre_correct, q2.post_n) == (4, 0.25, 3)
    assert q2.post_correct == pytest.approx(2 / 3)
    assert q2.change == pytest.approx(2 / 3 - 1 / 4)
    assert (q1.pre_correct, q1.post_correct, q1.change) == (1.0, 0.5, -0.5)
    assert (q3.post_n, q3.post_correct, q3.change) == (0, None, None)


def test_item_changes_refuse_an_unknown_phase():
    with pytest.raises(ValueError):
        item_changes([("Q1", "middle", True)])


# --- Scale questions ---------------------------------------------------------------------


def test_scale_distribution_counts_every_point_and_skips_unanswered():
    result = scale_distribution([5, 4, 4, None, 2, 4, 5, None])
    assert result["n"] == 6
    assert result["counts"] == {1: 0, 2: 1, 3: 0, 4: 3, 5: 2}
    assert result["shares"] == pytest.approx({1: 0, 2: 1 / 6, 3: 0, 4: 0.5, 5: 1 / 3})
    assert result["mean"] == pytest.approx(24 / 6)
    assert result["median"] == 4.0


def test_scale_distribution_median_of_an_even_count_is_the_middle_of_two():
    assert scale_distribution([1, 2, 4, 5])["median"] == 3.0


def test_scale_distribution_without_answers_has_no_shares_mean_or_median():
    result = scale_distribution([None, None])
    assert result["n"] == 0
    assert result["counts"] == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    assert set(result["shares"].values()) == {None}
    assert result["mean"] is None and result["median"] is None


def test_scale_distribution_takes_other_ends():
    result = scale_distribution([0, 10, 10], low=0, high=10)
    assert list(result["counts"]) == list(range(11))
    assert result["counts"][10] == 2


@pytest.mark.parametrize("bad", [0, 6, 2.5, True])
def test_scale_distribution_refuses_values_off_the_scale(bad):
    with pytest.raises(ValueError):
        scale_distribution([3, bad])


def test_expectations_against_satisfaction_hand_worked():
    from capacita.evaluation.statistics import expectations_against_satisfaction

    figures = expectations_against_satisfaction(
        [(4.0, 5.0), (5.0, 4.0), (3.0, 3.0), (4.5, None), (None, 2.0), (None, None)]
    )
    assert figures["expectations_n"] == 4
    assert figures["mean_expectations_all"] == pytest.approx((4 + 5 + 3 + 4.5) / 4)
    assert figures["satisfaction_n"] == 4
    assert figures["mean_satisfaction_all"] == pytest.approx((5 + 4 + 3 + 2) / 4)
    assert figures["paired_n"] == 3
    assert figures["mean_expectations"] == pytest.approx(4.0)
    assert figures["mean_satisfaction"] == pytest.approx(4.0)
    assert figures["mean_difference"] == pytest.approx(0.0)
    # +1 and 0 reach the expectation, -1 falls short.
    assert figures["met"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["short"] == pytest.approx(1 / 3, abs=1e-4)


def test_expectations_against_satisfaction_with_nobody():
    from capacita.evaluation.statistics import expectations_against_satisfaction

    figures = expectations_against_satisfaction([(None, None)])
    assert figures["paired_n"] == 0 and figures["expectations_n"] == 0
    assert figures["met"] is None and figures["mean_expectations_all"] is None


def test_percent_and_decimal_filters_follow_the_language():
    from django.utils import translation

    from capacita.templatetags import decimal, percent

    with translation.override("en"):
        assert percent(0.625) == "63 %"  # half up, as capacita/shared/rounding.py rounds everywhere
        assert percent(0.825) == "83 %"
        assert percent(0.285) == "29 %"  # 0.285 * 100 is 28.499999999999996 as a float
        assert percent(0.6251) == "63 %"
        assert percent(None) == "—"
        assert percent(0.18, True) == "+18 points"
        assert percent(-0.01, True) == "−1 point"
        assert percent(0.0, True) == "±0 points"
        assert decimal(4.5, 1) == "4.5"
        assert decimal(2.675, 2) == "2.68"  # Python's round() gives 2.67
    with translation.override("es"):
        assert decimal(4.5, 2) == "4,50"
        assert decimal(None) == "—"


@pytest.mark.parametrize("n", [6, 7, 9, 11, 13, 14, 20])
def test_the_p_value_with_tied_differences_is_scipys(n):
    # Up to 13 tied differences SciPy runs an exact permutation test; ours computes the same
    # distribution at once. Above 13, both use the normal approximation.
    rng = np.random.default_rng(n)
    # At 13, SciPy's exact test flips 8,192 signs in Python, seconds a call: one round checks
    # the boundary; the smaller sizes, quick for both, check five each.
    for _round in range(1 if n == 13 else 5):
        differences = [float(d) for d in rng.choice([-0.2, -0.1, 0.1, 0.2, 0.3, 0.4], size=n)]
        pairs = [(0.5, 0.5 + d) for d in differences]
        summary = summary_without_warnings(pairs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            direct = stats.wilcoxon([round(d, 9) for d in differences])
        assert summary.wilcoxon_statistic == pytest.approx(float(direct.statistic))
        assert summary.wilcoxon_p == pytest.approx(float(direct.pvalue), rel=1e-9)


# --- The figures worked out over counted pairs, against the list of every person's pair -----


def _over_the_list(scores):
    """Every figure worked out the plain way, over each person's pair: the standard library's
    means, medians and deviation, and SciPy's test on the changed differences."""
    pairs = [(a, b) for a, b in scores if a is not None and b is not None]
    differences = [round(b - a, 10) for a, b in pairs]
    n = len(pairs)
    nonzero = [d for d in differences if d != 0]
    below = [d / (1 - a) for d, (a, _b) in zip(differences, pairs, strict=True) if a < 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        test = stats.wilcoxon(nonzero)
    half = stats.t.ppf(0.975, n - 1) * pystats.stdev(differences) / math.sqrt(n)
    return {
        "mean_pre": pystats.fmean(a for a, _b in pairs),
        "median_pre": float(pystats.median(a for a, _b in pairs)),
        "mean_post": pystats.fmean(b for _a, b in pairs),
        "median_post": float(pystats.median(b for _a, b in pairs)),
        "mean_gain": pystats.fmean(differences),
        "gain_ci_low": pystats.fmean(differences) - float(half),
        "normalized_gain": pystats.fmean(below),
        "wilcoxon_statistic": float(test.statistic),
        "wilcoxon_p": float(test.pvalue),
    }


@pytest.mark.parametrize("people", [60, 400, 3000])
@pytest.mark.parametrize("items", [7, 20])
def test_the_figures_of_counted_pairs_are_those_of_the_list_to_the_last_bit(people, items):
    """Thousands of people have a few hundred distinct (pre, post): the figures are worked out
    over those, counted, and must be exactly those worked out over every person's pair, the
    normal approximation of the Wilcoxon test included (many tied differences)."""
    generator = np.random.default_rng(people + items)
    scores = [
        (int(a) / items, int(b) / items)
        for a, b in generator.integers(0, items + 1, size=(people, 2))
    ] + [(0.5, None), (None, 1.0)]
    summary = knowledge_summary(scores)
    expected = _over_the_list(scores)
    assert {name: getattr(summary, name) for name in expected} == expected
    assert (summary.pre_only_n, summary.post_only_n) == (1, 1)


@pytest.mark.parametrize("seed", range(5))
def test_expectations_counted_give_the_figures_of_everyone_listed(seed):
    """Counted by the database (each distinct pair of means with how many gave it), the
    figures are those of the list of people, to the last bit: the means as `fmean` of the
    list, the shares as counts over the pairs."""
    import random
    from collections import Counter

    from capacita.evaluation.statistics import (
        DIFFERENCE_DECIMALS,
        counted_expectations_against_satisfaction,
    )

    rng = random.Random(seed)

    def mean():  # a person's mean over a few 1-5 answers, or none given
        n = rng.choice([0, 1, 2, 3, 4, 7])
        return sum(rng.randint(1, 5) for _ in range(n)) / n if n else None

    people = [(mean(), mean()) for _ in range(rng.randint(50, 3000))]
    figures = counted_expectations_against_satisfaction(Counter(people), rounded=False)
    expectations = [a for a, _b in people if a is not None]
    satisfaction = [b for _a, b in people if b is not None]
    pairs = [(a, b) for a, b in people if a is not None and b is not None]
    differences = [round(b - a, DIFFERENCE_DECIMALS) for a, b in pairs]
    assert figures == {
        "expectations_n": len(expectations),
        "mean_expectations_all": pystats.fmean(expectations),
        "satisfaction_n": len(satisfaction),
        "mean_satisfaction_all": pystats.fmean(satisfaction),
        "paired_n": len(pairs),
        "mean_expectations": pystats.fmean(a for a, _b in pairs),
        "mean_satisfaction": pystats.fmean(b for _a, b in pairs),
        "mean_difference": pystats.fmean(differences),
        "met": sum(d >= 0 for d in differences) / len(pairs),
        "short": sum(d < 0 for d in differences) / len(pairs),
    }
