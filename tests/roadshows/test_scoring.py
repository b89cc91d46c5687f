"""Aggregation of scores on hand-computed examples (no database)."""

from __future__ import annotations

import math

import pytest

from roadshows.scoring import (
    CriterionWeight,
    JudgeScore,
    Scale,
    aggregate,
    competition_ranks,
    distribution,
    judge_z_scores,
    median,
    population_sd,
    weighted_mean,
)

SCALE = Scale(1, 10)
Z = math.sqrt(1.5)  # 1 / sd of (a, a - 1, a + 1) -> z of the top one: 1 / sqrt(2/3)


def scores(*triples: tuple[int, int, float]) -> list[JudgeScore]:
    return [JudgeScore(judge_id=j, submission_id=s, total=t) for j, s, t in triples]


def by_entry(results: tuple) -> dict[int, object]:
    return {r.submission_id: r for r in results}


def test_weighted_mean_of_one_judges_values() -> None:
    criteria = [CriterionWeight(1, 2.0), CriterionWeight(2, 1.0), CriterionWeight(3, 1.0)]
    # (2*8 + 1*6 + 1*4) / 4 = 26 / 4
    assert weighted_mean({"1": 8, "2": 6, "3": 4}, criteria) == pytest.approx(6.5)
    # A missing criterion is left out, not counted as zero: (2*8 + 1*5) / 3 = 7
    assert weighted_mean({"1": 8, "3": 5}, criteria) == pytest.approx(7.0)
    # Non-numbers and unknown criteria are ignored; nothing usable -> None
    assert weighted_mean({"1": "eight", "9": 3, "2": True}, criteria) is None
    assert weighted_mean({}, criteria) is None
    # Weight 0 does not count
    assert weighted_mean({"1": 2, "2": 10}, [CriterionWeight(1, 0.0), CriterionWeight(2, 1.0)]) == 10


def test_median_with_odd_and_even_counts() -> None:
    assert median([7.0, 3.0, 5.0]) == 5.0
    assert median([8.0, 2.0, 6.0, 4.0]) == 5.0  # (4 + 6) / 2
    assert median([9.0]) == 9.0
    assert median([]) is None


def test_population_sd() -> None:
    # deviations -2, 0, 2 -> variance 8 / 3 (population, not 8 / 2)
    assert population_sd([2.0, 4.0, 6.0]) == pytest.approx(math.sqrt(8 / 3))
    assert population_sd([5.0]) == 0.0
    assert population_sd([]) == 0.0


def test_z_scores_per_judge() -> None:
    z = judge_z_scores(
        scores(
            (1, 10, 5), (1, 11, 3), (1, 12, 4),  # mean 4, sd sqrt(2/3)
            (2, 10, 7),  # one score only: z = 0
            (3, 10, 6), (3, 11, 6),  # no spread: z = 0
        )
    )  # fmt: skip
    assert z[(1, 10)] == pytest.approx(Z)
    assert z[(1, 11)] == pytest.approx(-Z)
    assert z[(1, 12)] == pytest.approx(0.0)
    assert z[(2, 10)] == 0.0
    assert z[(3, 10)] == 0.0 and z[(3, 11)] == 0.0


def test_harsh_and_lenient_judges_normalisation_changes_the_ranking() -> None:
    """The worked example of docs/judging.md."""
    harsh, lenient = 1, 2
    a, b, c, d = 101, 102, 103, 104
    given = scores(
        (harsh, a, 5), (harsh, b, 3), (harsh, c, 4),  # lenient judge has a conflict with A
        (lenient, b, 7), (lenient, c, 9), (lenient, d, 8),  # harsh judge has one with D
    )  # fmt: skip
    results = aggregate([a, b, c, d], given, SCALE)
    got = by_entry(results)

    # Raw means: A 5, B 5, C 6.5, D 8 -> D, C, then A and B
    assert [got[s].mean for s in (a, b, c, d)] == [5.0, 5.0, 6.5, 8.0]
    raw_order = sorted([a, b, c, d], key=lambda s: -got[s].mean)
    assert raw_order[:2] == [d, c]

    # Normalised: A +1.2247, C +0.6124, D 0, B -1.2247 -> A, C, D, B
    assert got[a].normalised == pytest.approx(Z)
    assert got[b].normalised == pytest.approx(-Z)
    assert got[c].normalised == pytest.approx(Z / 2)
    assert got[d].normalised == pytest.approx(0.0)
    assert [r.submission_id for r in results] == [a, c, d, b]
    assert [r.rank for r in results] == [1, 2, 3, 4]

    # Back on the scale: overall mean 6, population sd sqrt(28/6)
    sd = math.sqrt(28 / 6)
    assert got[a].normalised_on_scale == pytest.approx(6 + Z * sd)  # 8.6458
    assert got[d].normalised_on_scale == pytest.approx(6.0)
    assert got[b].normalised_on_scale == pytest.approx(6 - Z * sd)  # 3.3542

    # Judges count 1, 2, 2, 1: median 1.5, so A and D are incomplete
    assert [got[s].judges_count for s in (a, b, c, d)] == [1, 2, 2, 1]
    assert [got[s].incomplete for s in (a, b, c, d)] == [True, False, False, True]
    assert got[b].median == 5.0 and got[c].median == 6.5


def test_on_scale_is_clamped() -> None:
    given = scores((1, 1, 1), (1, 2, 1), (1, 3, 10), (2, 1, 10), (2, 2, 10), (2, 3, 1))
    for result in aggregate([1, 2, 3], given, SCALE):
        assert 1 <= (result.normalised_on_scale or 0) <= 10


def test_ties_share_a_rank_competition_style() -> None:
    # Three judges with no spread contribute z = 0, so means decide; 2 and 3 tie on everything.
    given = scores((1, 1, 9), (2, 2, 7), (3, 3, 7), (4, 4, 5))
    results = aggregate([1, 2, 3, 4], given, SCALE)
    assert [(r.submission_id, r.rank) for r in results] == [(1, 1), (2, 2), (3, 2), (4, 4)]


def test_ties_broken_by_mean_then_median_then_judges_count() -> None:
    # Every judge scores one entry only: all z = 0, so the normalised scores are equal.
    given = scores(
        (1, 1, 6), (2, 1, 6), (3, 1, 9),  # mean 7, median 6, 3 judges
        (4, 2, 7), (5, 2, 7),  # mean 7, median 7, 2 judges -> beats 1 on median
        (6, 3, 7), (7, 3, 7), (8, 3, 7),  # mean 7, median 7, 3 judges -> beats 2 on count
        (9, 4, 8),  # mean 8 -> first
    )  # fmt: skip
    results = aggregate([1, 2, 3, 4], given, SCALE)
    assert [r.submission_id for r in results] == [4, 3, 2, 1]
    assert [r.rank for r in results] == [1, 2, 3, 4]


def test_unscored_entries_come_last_without_a_rank() -> None:
    results = aggregate([5, 6, 7], scores((1, 6, 8), (1, 7, 4)), SCALE)
    assert [(r.submission_id, r.rank) for r in results] == [(6, 1), (7, 2), (5, None)]
    unscored = results[-1]
    assert unscored.judges_count == 0 and unscored.mean is None and unscored.normalised is None
    assert unscored.incomplete


def test_competition_ranks_of_nothing() -> None:
    assert competition_ranks([]) == []
    assert aggregate([], [], SCALE) == ()


def test_distribution_one_bar_per_point() -> None:
    bars = distribution([1.0, 6.4, 6.5, 7.49, 10.0, 12.0], SCALE)
    assert [b.label for b in bars] == [str(n) for n in range(1, 11)]
    counts = {b.label: b.count for b in bars}
    assert counts == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 0, "6": 1, "7": 2, "8": 0, "9": 0, "10": 2}
    assert sum(b.count for b in distribution([], SCALE)) == 0


def test_distribution_on_a_wide_scale() -> None:
    bars = distribution([0.0, 9.9, 10.0, 55.0, 100.0], Scale(0, 100))
    assert len(bars) == 10
    assert [b.count for b in bars] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 1]
    assert bars[0].label == "0–10" and bars[-1].label == "90–100"
