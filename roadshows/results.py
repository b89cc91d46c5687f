"""Results of a round: advancing entries to the next round, publishing, and public results.

* **Advancement** takes the best ``top`` entries of a closed round (everyone tied at the cut-off
  goes too: with ranks 1, 2, 3, 3, 5 the top three are four entries) or a hand-picked list, marks
  them ``advanced`` and enters them into the next round of the same call (by kind, then
  position). It only adds: running it again changes nothing.
* **Publication** turns a closed round into a published one and freezes every entry's rank and
  final score (the normalised score on the round's scale); ``round.published`` is emitted after
  commit. From then on the round's ranking no longer moves.
* **Public results** are the published rounds of an event: ranks, project names, final scores
  and awards, never anything about individual judges.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.auth import CurrentUser
from app.errors import Conflict, InvalidInput
from app.i18n import N_
from app.signals import emit
from events.access import public_event
from roadshows.access import organiser_round
from roadshows.ranking import RoundRanking, round_ranking
from roadshows.results_schemas import (
    AdvanceRequest,
    AdvanceResult,
    PublicEntry,
    PublicResults,
    PublicRound,
    PublishResult,
)
from roadshows.tables import ContestRound, RoundEntry

KIND_ORDER = {"preliminary": 0, "semi_final": 1, "final": 2}
ADVANCE_FROM = ("closed", "published")


class RoundNotClosed(Conflict):
    code = "round_not_closed"
    message = N_("Close the round's scoring first.")


class AlreadyPublished(Conflict):
    code = "already_published"
    message = N_("The results of this round are already published.")


class NoNextRound(Conflict):
    code = "no_next_round"
    message = N_("This call has no later round to advance entries to.")


class NextRoundClosed(Conflict):
    code = "next_round_closed"
    message = N_("The next round has already finished scoring: entries cannot be added to it.")


class NothingRanked(Conflict):
    code = "no_ranked_entries"
    message = N_("Nobody has scored an entry of this round yet.")


def round_order(row: dict[str, Any]) -> tuple[int, int, int]:
    """Rounds of a call run by kind (preliminary, semi-final, final), then position."""
    return (KIND_ORDER.get(row["kind"], len(KIND_ORDER)), row["position"] or 0, row["id"])


async def next_round(round_row: dict[str, Any]) -> dict[str, Any] | None:
    rounds = await ContestRound.select(
        ContestRound.id, ContestRound.kind, ContestRound.position, ContestRound.status
    ).where(ContestRound.call == round_row["call"])
    later = sorted((r for r in rounds if round_order(r) > round_order(round_row)), key=round_order)
    return later[0] if later else None


async def organiser_ranking(user: CurrentUser, round_id: int) -> RoundRanking:
    await organiser_round(user, round_id)
    return await round_ranking(round_id)


# -- advancement -------------------------------------------------------------------------------
def choose_top(ranking: RoundRanking, top: int) -> tuple[list[int], list[int], int | None]:
    """(submission ids with rank <= top, those tied at the cut-off when that makes more than
    ``top``, the cut-off rank)."""
    chosen = [r for r in ranking.rows if r.rank is not None and r.rank <= top]
    if not chosen:
        return [], [], None
    cutoff = max(r.rank or 0 for r in chosen)
    tied = [r.submission_id for r in chosen if r.rank == cutoff] if len(chosen) > top else []
    return [r.submission_id for r in chosen], tied, cutoff


def _validate(data: AdvanceRequest) -> None:
    if (data.top is None) == (data.submission_ids is None):
        raise InvalidInput(
            {"top": N_("Give either a number of entries or a list of entries, not both.")},
        )


async def advance(user: CurrentUser, round_id: int, data: AdvanceRequest) -> AdvanceResult:
    _validate(data)
    current = await organiser_round(user, round_id)
    if current["status"] not in ADVANCE_FROM:
        raise RoundNotClosed()
    following = await next_round(current)
    if following is None:
        raise NoNextRound()
    if following["status"] in ("closed", "published"):
        raise NextRoundClosed()
    ranking = await round_ranking(round_id)
    tied: list[int] = []
    cutoff: int | None = None
    if data.top is not None:
        chosen, tied, cutoff = choose_top(ranking, data.top)
        if not chosen:
            raise NothingRanked()
    else:
        entries = {r.submission_id for r in ranking.rows}
        chosen = list(dict.fromkeys(data.submission_ids or []))
        if any(sid not in entries for sid in chosen):
            raise InvalidInput({"submission_ids": N_("Choose entries of this round only.")})
    added = await _enter(round_id, following["id"], chosen)
    emit("round.advanced", round_id=round_id, next_round_id=following["id"], submission_ids=chosen)
    return AdvanceResult(
        round_id=round_id,
        next_round_id=following["id"],
        advanced=chosen,
        added=added,
        tied_at_cutoff=tied,
        cutoff_rank=cutoff,
    )


async def _enter(round_id: int, next_round_id: int, submission_ids: list[int]) -> list[int]:
    """Mark the entries advanced and create the next round's entries that are missing."""
    async with RoundEntry._meta.db.transaction():
        existing = {
            r["submission"]
            for r in await RoundEntry.select(RoundEntry.submission).where(
                (RoundEntry.round == next_round_id) & RoundEntry.submission.is_in(submission_ids)
            )
        }
        missing = [sid for sid in submission_ids if sid not in existing]
        if missing:
            # The unique index on (round, submission) keeps a concurrent duplicate out.
            await RoundEntry.insert(
                *[RoundEntry(round=next_round_id, submission=sid) for sid in missing]
            ).on_conflict(action="DO NOTHING")
        await RoundEntry.update({RoundEntry.advanced: True}).where(
            (RoundEntry.round == round_id) & RoundEntry.submission.is_in(submission_ids)
        )
    return missing


# -- publication -------------------------------------------------------------------------------
async def publish(user: CurrentUser, round_id: int) -> PublishResult:
    current = await organiser_round(user, round_id)
    if current["status"] == "published":
        raise AlreadyPublished()
    if current["status"] != "closed":
        raise RoundNotClosed()
    ranking = await round_ranking(round_id)
    now = dt.datetime.now(dt.UTC)
    async with ContestRound._meta.db.transaction():
        # Conditional: of two concurrent publications, only one finds the round still closed.
        changed = (
            await ContestRound.update({ContestRound.status: "published", ContestRound.published_at: now})
            .where((ContestRound.id == round_id) & (ContestRound.status == "closed"))
            .returning(ContestRound.id)
        )
        if not changed:
            raise AlreadyPublished()
        for row in ranking.rows:
            await RoundEntry.update(
                {RoundEntry.rank: row.rank, RoundEntry.final_score: _frozen(row.normalised_on_scale)}
            ).where((RoundEntry.round == round_id) & (RoundEntry.submission == row.submission_id))
    emit("round.published", round_id=round_id)
    return PublishResult(
        round_id=round_id,
        status="published",
        published_at=now,
        ranked=sum(1 for r in ranking.rows if r.rank is not None),
    )


def _frozen(score: float | None) -> float | None:
    return round(score, 4) if score is not None else None


# -- public results ----------------------------------------------------------------------------
async def public_results(event_id: int, viewer: CurrentUser | None) -> PublicResults:
    """Published rounds of an event anyone may see (drafts only for their organisers)."""
    await public_event(event_id, viewer)
    rounds = await ContestRound.select(
        ContestRound.id,
        ContestRound.call,
        ContestRound.kind,
        ContestRound.position,
        ContestRound.name_en,
        ContestRound.name_zh,
        ContestRound.scale_min,
        ContestRound.scale_max,
        ContestRound.published_at,
        ContestRound.call.title_en.as_alias("call_title_en"),
        ContestRound.call.title_zh.as_alias("call_title_zh"),
    ).where((ContestRound.call.event == event_id) & (ContestRound.status == "published"))
    if not rounds:
        return PublicResults(event_id=event_id, rounds=[])
    rows = await RoundEntry.select(
        RoundEntry.round,
        RoundEntry.rank,
        RoundEntry.final_score,
        RoundEntry.advanced,
        RoundEntry.submission.project.as_alias("project_id"),
        RoundEntry.submission.project.name_en.as_alias("name_en"),
        RoundEntry.submission.project.name_zh.as_alias("name_zh"),
        RoundEntry.submission.award_en.as_alias("award_en"),
        RoundEntry.submission.award_zh.as_alias("award_zh"),
    ).where(RoundEntry.round.is_in([r["id"] for r in rounds]))
    by_round: dict[int, list[PublicEntry]] = {}
    for row in sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name_en"] or "")):
        by_round.setdefault(row["round"], []).append(
            PublicEntry(
                rank=row["rank"],
                project_id=row["project_id"],
                project_name_en=row["name_en"] or "",
                project_name_zh=row["name_zh"] or "",
                final_score=row["final_score"],
                award_en=row["award_en"] or "",
                award_zh=row["award_zh"] or "",
                advanced=bool(row["advanced"]),
            )
        )
    ordered = sorted(rounds, key=lambda r: (r["call"], round_order(r)))
    return PublicResults(
        event_id=event_id,
        rounds=[
            PublicRound(
                round_id=r["id"],
                call_id=r["call"],
                call_title_en=r["call_title_en"] or "",
                call_title_zh=r["call_title_zh"] or "",
                kind=r["kind"],
                name_en=r["name_en"] or "",
                name_zh=r["name_zh"] or "",
                scale_min=r["scale_min"],
                scale_max=r["scale_max"],
                published_at=r["published_at"],
                entries=by_round.get(r["id"], []),
            )
            for r in ordered
        ],
    )
