"""Aggregation of judges' scores: pure functions, no I/O, frozen dataclasses in and out.

One judge's score for an entry is the weighted mean of their criterion values (``weighted_mean``).
Per entry the round keeps the number of judges, the mean and the median of their totals, and
a **normalised** score: every judge's totals across the entries they scored in the round become
z-scores (``z = (x - mean_j) / sd_j``, population standard deviation), and an entry's normalised
score is the mean of its judges' z-scores. That removes each judge's personal level (a harsh
judge's 6 can be their best mark, a lenient judge's 8 their worst) and spread, which matters
when judges do not all score the same entries (conflicts of interest, late panels).

A judge with fewer than two scores in the round, or who gave every entry the same total, says
nothing about *relative* quality: their scores count as z = 0 (average) for the entries they
scored. The normalised score is also shown mapped back onto the round's scale
(overall mean + z × overall sd, clamped) so that people can read it.

Ranking: normalised score, then mean, then median, then number of judges, all descending;
entries equal on all four share a rank (competition ranking: 1, 2, 2, 4). Entries nobody scored
have no rank and come last. See ``docs/judging.md`` for a worked example.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Scores are compared after rounding, so that float noise never breaks a genuine tie.
TIE_DIGITS = 9
# Scales up to this many points get one histogram bucket per whole point.
MAX_POINT_BUCKETS = 20
WIDE_SCALE_BUCKETS = 10


@dataclass(frozen=True, slots=True)
class Scale:
    minimum: float
    maximum: float

    def clamp(self, value: float) -> float:
        return min(max(value, self.minimum), self.maximum)


@dataclass(frozen=True, slots=True)
class CriterionWeight:
    id: int
    weight: float


@dataclass(frozen=True, slots=True)
class JudgeScore:
    """One judge's total (weighted mean of their values) for one entry."""

    judge_id: int
    submission_id: int
    total: float


@dataclass(frozen=True, slots=True)
class EntryResult:
    submission_id: int
    judges_count: int
    mean: float | None
    median: float | None
    normalised: float | None  # mean of the judges' z-scores
    normalised_on_scale: float | None  # the same, mapped back onto the round's scale
    rank: int | None  # None: nobody scored this entry
    incomplete: bool  # fewer judges than the round's median count


@dataclass(frozen=True, slots=True)
class Bucket:
    """A bar of the score histogram: totals ``low <= t < high`` (the last bar includes ``high``)."""

    low: float
    high: float
    label: str
    count: int


# -- one judge ---------------------------------------------------------------------------------
def weighted_mean(values: Mapping[str, object], criteria: Sequence[CriterionWeight]) -> float | None:
    """Σ(weight × value) / Σ weight over the criteria that have a numeric value.

    Criteria without a value (or with a weight of 0 or less) are left out rather than counted
    as zero; ``None`` when no criterion has a value.
    """
    weighted = 0.0
    weights = 0.0
    for criterion in criteria:
        value = values.get(str(criterion.id))
        if criterion.weight <= 0 or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if not math.isfinite(value):
            continue
        weighted += criterion.weight * float(value)
        weights += criterion.weight
    return weighted / weights if weights else None


# -- plain statistics --------------------------------------------------------------------------
def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def median(values: Sequence[float]) -> float | None:
    """The middle value; with an even count, the mean of the two middle values."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def population_sd(values: Sequence[float]) -> float:
    """Standard deviation over the whole population (divides by n, not n - 1); 0 when empty."""
    centre = mean(values)
    if centre is None:
        return 0.0
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / len(values))


# -- normalisation -----------------------------------------------------------------------------
def judge_z_scores(scores: Iterable[JudgeScore]) -> dict[tuple[int, int], float]:
    """(judge id, submission id) -> that score as a z-score among the judge's own scores.

    A judge with fewer than two scores, or whose totals are all equal (sd 0), gets z = 0.
    """
    by_judge: dict[int, list[JudgeScore]] = defaultdict(list)
    for score in scores:
        by_judge[score.judge_id].append(score)
    z_scores: dict[tuple[int, int], float] = {}
    for judge_id, own in by_judge.items():
        totals = [s.total for s in own]
        centre = mean(totals) or 0.0
        spread = population_sd(totals)
        usable = len(totals) >= 2 and round(spread, TIE_DIGITS) > 0
        for score in own:
            z = (score.total - centre) / spread if usable else 0.0
            z_scores[(judge_id, score.submission_id)] = z
    return z_scores


def on_scale(z: float, overall_mean: float, overall_sd: float, scale: Scale) -> float:
    """A z-score as a point on the round's scale: where an average judge would have put it."""
    return scale.clamp(overall_mean + z * overall_sd)


# -- per entry ---------------------------------------------------------------------------------
def _rank_key(result: EntryResult) -> tuple[float, float, float, int]:
    def level(value: float | None) -> float:
        return round(value, TIE_DIGITS) if value is not None else -math.inf

    return (level(result.normalised), level(result.mean), level(result.median), result.judges_count)


def competition_ranks(results: Sequence[EntryResult]) -> list[EntryResult]:
    """Scored entries best first with ranks 1, 2, 2, 4 …; unscored entries last without a rank."""
    scored = sorted(
        (r for r in results if r.judges_count), key=lambda r: (_rank_key(r), -r.submission_id), reverse=True
    )
    ranked: list[EntryResult] = []
    previous: tuple[float, float, float, int] | None = None
    rank = 0
    for position, result in enumerate(scored, start=1):
        key = _rank_key(result)
        if key != previous:
            rank, previous = position, key
        ranked.append(_with_rank(result, rank))
    unscored = sorted((r for r in results if not r.judges_count), key=lambda r: r.submission_id)
    return ranked + [_with_rank(r, None) for r in unscored]


def _with_rank(result: EntryResult, rank: int | None) -> EntryResult:
    return EntryResult(
        submission_id=result.submission_id,
        judges_count=result.judges_count,
        mean=result.mean,
        median=result.median,
        normalised=result.normalised,
        normalised_on_scale=result.normalised_on_scale,
        rank=rank,
        incomplete=result.incomplete,
    )


def aggregate(
    submission_ids: Sequence[int], scores: Sequence[JudgeScore], scale: Scale
) -> tuple[EntryResult, ...]:
    """Every entry of the round with its statistics and rank, best first.

    ``scores`` are the round's scores for these entries only (one per judge and entry).
    """
    z_scores = judge_z_scores(scores)
    all_totals = [s.total for s in scores]
    overall_mean = mean(all_totals) or 0.0
    overall_sd = population_sd(all_totals)
    by_entry: dict[int, list[JudgeScore]] = defaultdict(list)
    for score in scores:
        by_entry[score.submission_id].append(score)
    counts = [len(by_entry.get(sid, ())) for sid in submission_ids]
    median_count = median([float(c) for c in counts]) or 0.0
    results = []
    for submission_id, count in zip(submission_ids, counts, strict=True):
        own = by_entry.get(submission_id, [])
        totals = [s.total for s in own]
        normalised = mean([z_scores[(s.judge_id, submission_id)] for s in own])
        results.append(
            EntryResult(
                submission_id=submission_id,
                judges_count=count,
                mean=mean(totals),
                median=median(totals),
                normalised=normalised,
                normalised_on_scale=(
                    on_scale(normalised, overall_mean, overall_sd, scale) if normalised is not None else None
                ),
                rank=None,
                incomplete=count == 0 or count < median_count,
            )
        )
    return tuple(competition_ranks(results))


# -- distribution ------------------------------------------------------------------------------
def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def distribution(totals: Sequence[float], scale: Scale) -> tuple[Bucket, ...]:
    """Histogram of judges' totals over the whole scale (empty bars included).

    Scales of up to 20 points get one bar per whole point (a total counts towards the nearest
    point, halves rounding up); wider scales get ten bars of equal width.
    """
    span = scale.maximum - scale.minimum
    if span <= 0:
        return (Bucket(scale.minimum, scale.maximum, _number(scale.minimum), len(totals)),)
    if span <= MAX_POINT_BUCKETS and float(scale.minimum).is_integer():
        points = [scale.minimum + i for i in range(int(span) + 1)]
        counts = [0] * len(points)
        for total in totals:
            index = math.floor(scale.clamp(total) - scale.minimum + 0.5)
            counts[min(index, len(points) - 1)] += 1
        return tuple(
            Bucket(point - 0.5, point + 0.5, _number(point), count)
            for point, count in zip(points, counts, strict=True)
        )
    width = span / WIDE_SCALE_BUCKETS
    counts = [0] * WIDE_SCALE_BUCKETS
    for total in totals:
        index = int((scale.clamp(total) - scale.minimum) // width)
        counts[min(index, WIDE_SCALE_BUCKETS - 1)] += 1
    buckets = []
    for index, count in enumerate(counts):
        low = scale.minimum + index * width
        high = scale.minimum + (index + 1) * width
        buckets.append(Bucket(low, high, f"{_number(low)}–{_number(high)}", count))
    return tuple(buckets)
