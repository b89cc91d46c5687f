"""A round's ranking, computed from the scores in the database (two queries).

``round_ranking`` is what the organiser's results page, the exports and the live leaderboard
read. It has no access check: callers decide who may see it (and hide ``team_name`` in a blind
round for anyone but organisers).

Only scores that still stand count: by a judge who is on the round's panel, for an entry of the
round, and not on a project the judge has since declared a conflict of interest with. A judge's
total is recomputed from their values with the rubric's current weights, so a weight changed
after scoring applies to every score alike.

Once a round is published, ``rank`` and ``normalised_on_scale`` come from what publication froze
into the entries (``RoundEntry.rank`` and ``final_score``), so later changes to scores cannot
move a published ranking.
"""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec

from app.db import fast
from app.errors import NotFound
from roadshows import scoring
from roadshows.results_schemas import RankingCriterion, RankingRow, RoundRanking, ScoreBucket

__all__ = ["RankingRow", "RoundRanking", "judge_scores", "round_ranking"]

ROUND_SQL = (
    'SELECT r.id, r."call", r.kind, r.name_en, r.name_zh, r.status, r.blind, r.scale_min, '
    "r.scale_max, r.advance_count, "
    '(SELECT COUNT(*) FROM luyan_judge_assignment a WHERE a."round" = r.id) AS panel_size, '
    'c.id AS criterion_id, c.name_en AS criterion_en, c.name_zh AS criterion_zh, c.weight, c."position" '
    'FROM luyan_contest_round r LEFT JOIN luyan_criterion c ON c."round" = r.id '
    'WHERE r.id = $1 ORDER BY c."position", c.id'
)
# One row per entry and standing score (entries nobody scored come once, score columns NULL).
ENTRIES_SQL = (
    'SELECT e.submission, e.advanced, e."rank", e.final_score, s.project, '
    "p.name_en AS project_name_en, p.name_zh AS project_name_zh, u.display_name AS team_name, "
    'sc.judge, sc."values", sc.total '
    "FROM luyan_round_entry e "
    "JOIN luyan_submission s ON s.id = e.submission "
    "JOIN luyan_project p ON p.id = s.project "
    "JOIN luyan_user u ON u.id = p.owner "
    'LEFT JOIN luyan_score sc ON sc."round" = e."round" AND sc.submission = e.submission '
    "  AND EXISTS (SELECT 1 FROM luyan_judge_assignment a "
    '              WHERE a."round" = sc."round" AND a.judge = sc.judge) '
    "  AND NOT EXISTS (SELECT 1 FROM luyan_judge_conflict jc "
    "                  WHERE jc.judge = sc.judge AND jc.project = s.project) "
    'WHERE e."round" = $1 ORDER BY e.submission, sc.judge'
)


def decode_values(raw: Any) -> dict[str, Any]:
    """A score's ``values`` column: JSON text (SQLite, asyncpg) or already decoded."""
    if not raw:
        return {}
    if isinstance(raw, str | bytes):
        try:
            raw = msgspec.json.decode(raw)
        except msgspec.DecodeError:
            return {}
    return dict(raw) if isinstance(raw, dict) else {}


def judge_total(values: dict[str, Any], stored: float, criteria: list[scoring.CriterionWeight]) -> float:
    """The weighted mean of the values under the current rubric; the stored total if none apply."""
    computed = scoring.weighted_mean(values, criteria)
    return computed if computed is not None else float(stored or 0.0)


def judge_scores(
    entry_rows: list[dict[str, Any]], criteria: list[scoring.CriterionWeight]
) -> list[scoring.JudgeScore]:
    return [
        scoring.JudgeScore(
            judge_id=row["judge"],
            submission_id=row["submission"],
            total=judge_total(decode_values(row["values"]), row["total"], criteria),
        )
        for row in entry_rows
        if row["judge"] is not None
    ]


async def _load(round_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    db = fast()
    round_rows, entry_rows = await asyncio.gather(
        db.fetch(ROUND_SQL, round_id), db.fetch(ENTRIES_SQL, round_id)
    )
    if not round_rows:
        raise NotFound()
    return round_rows, entry_rows


def _criteria(round_rows: list[dict[str, Any]]) -> list[RankingCriterion]:
    return [
        RankingCriterion(
            id=r["criterion_id"],
            name_en=r["criterion_en"],
            name_zh=r["criterion_zh"] or "",
            weight=float(r["weight"]),
            position=r["position"] or 0,
        )
        for r in round_rows
        if r["criterion_id"] is not None
    ]


def _entries(entry_rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """The first row of each entry (project and frozen columns), by submission id, in order."""
    entries: dict[int, dict[str, Any]] = {}
    for row in entry_rows:
        entries.setdefault(row["submission"], row)
    return entries


async def round_ranking(round_id: int) -> RoundRanking:
    """The round's entries best first with their statistics; ``NotFound`` for no such round."""
    round_rows, entry_rows = await _load(round_id)
    head = round_rows[0]
    criteria = _criteria(round_rows)
    weights = [scoring.CriterionWeight(c.id, c.weight) for c in criteria]
    scale = scoring.Scale(float(head["scale_min"]), float(head["scale_max"]))
    entries = _entries(entry_rows)
    scores = judge_scores(entry_rows, weights)
    results = scoring.aggregate(list(entries), scores, scale)
    published = head["status"] == "published"
    rows = [_row(result, entries[result.submission_id], published) for result in results]
    if published:
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.submission_id))
    buckets = scoring.distribution([s.total for s in scores], scale)
    return RoundRanking(
        round_id=head["id"],
        call_id=head["call"],
        kind=head["kind"],
        name_en=head["name_en"] or "",
        name_zh=head["name_zh"] or "",
        status=head["status"],
        blind=bool(head["blind"]),
        published=published,
        scale_min=head["scale_min"],
        scale_max=head["scale_max"],
        advance_count=head["advance_count"] or 0,
        panel_size=int(head["panel_size"] or 0),
        scores_count=len(scores),
        criteria=criteria,
        rows=rows,
        distribution=[ScoreBucket(b.low, b.high, b.label, b.count) for b in buckets],
    )


def _row(result: scoring.EntryResult, entry: dict[str, Any], published: bool) -> RankingRow:
    rank, on_scale = result.rank, result.normalised_on_scale
    if published:  # what publication froze
        rank = entry["rank"]
        on_scale = float(entry["final_score"]) if entry["final_score"] is not None else None
    return RankingRow(
        submission_id=result.submission_id,
        project_id=entry["project"],
        project_name_en=entry["project_name_en"] or "",
        project_name_zh=entry["project_name_zh"] or "",
        team_name=entry["team_name"] or "",
        judges_count=result.judges_count,
        mean=result.mean,
        median=result.median,
        normalised=result.normalised,
        normalised_on_scale=on_scale,
        rank=rank,
        incomplete=result.incomplete,
        advanced=bool(entry["advanced"]),
    )
