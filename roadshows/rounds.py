"""Contest rounds of a call, their rubric (weighted criteria), their entries and their panel.

A call's rounds go preliminary -> semi_final -> final (a call may start at any of them, never
add a kind before an existing one). A round moves draft -> scoring -> closed; a closed round may
reopen until the results area publishes it (``published``), after which nothing here changes.
The rubric and the scale are fixed once any judge has scored, since changing them would make
the saved scores mean something else. Entries and judges with scores stay (removing them
would silently change the results).

Writes run in a transaction that first locks the round row (PostgreSQL; SQLite serialises write
transactions anyway), so a rubric edit and a score being saved never interleave.
"""

from __future__ import annotations

from typing import Any

import msgspec

from app.auth import CurrentUser
from app.db import is_sqlite
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from roadshows.access import organiser_call, organiser_round
from roadshows.judging_schemas import (
    KIND_ORDER,
    CriteriaOrder,
    CriterionCreate,
    CriterionRead,
    CriterionUpdate,
    EntriesAdd,
    EntryScored,
    InvalidRoundMove,
    NoRubric,
    RoundCreate,
    RoundNotEmpty,
    RoundOrder,
    RoundPublished,
    RoundRead,
    RoundUpdate,
    RubricLocked,
    criterion_read,
)
from roadshows.tables import (
    ContestRound,
    Criterion,
    JudgeAssignment,
    PitchCall,
    RoundEntry,
    Score,
    Submission,
)

# Status moves an organiser may make; ``published`` is set by the results area only.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("scoring",),
    "scoring": ("closed", "draft"),
    "closed": ("scoring",),
    "published": (),
}


def transaction() -> Any:
    return ContestRound._meta.db.transaction()


async def locked_round(round_id: int, *, mode: str = "update") -> dict[str, Any]:
    """The round row, locked until the surrounding transaction ends (PostgreSQL)."""
    query = ContestRound.select().where(ContestRound.id == round_id)
    if not is_sqlite():
        query = query.lock_rows(mode)  # type: ignore[arg-type]
    row = await query.first()
    if row is None:
        raise NotFound()
    return row


async def has_scores(round_id: int) -> bool:
    return await Score.exists().where(Score.round == round_id)


async def criteria_of(round_id: int) -> list[CriterionRead]:
    rows = (
        await Criterion.select()
        .where(Criterion.round == round_id)
        .order_by(Criterion.position)
        .order_by(Criterion.id)
    )
    return [criterion_read(r) for r in rows]


async def round_read(row: dict[str, Any], event_id: int) -> RoundRead:
    round_id = row["id"]
    scores = await Score.count().where(Score.round == round_id)
    allowed = list(TRANSITIONS[row["status"]])
    return RoundRead(
        id=round_id,
        call_id=row["call"],
        event_id=event_id,
        kind=row["kind"],
        position=row["position"],
        name_en=row["name_en"],
        name_zh=row["name_zh"],
        status=row["status"],
        blind=row["blind"],
        scale_min=row["scale_min"],
        scale_max=row["scale_max"],
        advance_count=row["advance_count"],
        published_at=row["published_at"],
        created_at=row["created_at"],
        criteria=await criteria_of(round_id),
        allowed_moves=allowed,
        entries_count=await RoundEntry.count().where(RoundEntry.round == round_id),
        judges_count=await JudgeAssignment.count().where(JudgeAssignment.round == round_id),
        scores_count=scores,
    )


def _check_scale(scale_min: int, scale_max: int) -> None:
    if scale_min >= scale_max:
        raise InvalidInput({"scale_max": N_("The highest score must be above the lowest.")})


# -- rounds ------------------------------------------------------------------------------------
async def list_rounds(user: CurrentUser, call_id: int) -> list[RoundRead]:
    call = await organiser_call(user, call_id)
    rows = await ContestRound.select().where(ContestRound.call == call_id).order_by(ContestRound.position)
    return [await round_read(r, call["event"]) for r in rows]


async def get_round(user: CurrentUser, round_id: int) -> RoundRead:
    row = await organiser_round(user, round_id)
    return await round_read(row, row["event"])


async def create_round(user: CurrentUser, call_id: int, data: RoundCreate) -> RoundRead:
    call = await organiser_call(user, call_id)
    _check_scale(data.scale_min, data.scale_max)
    async with transaction():
        lock = PitchCall.select(PitchCall.id).where(PitchCall.id == call_id)
        if not is_sqlite():
            lock = lock.lock_rows("update")
        await lock  # two organisers adding rounds at once are ordered here
        kinds = [
            r["kind"]
            for r in await ContestRound.select(ContestRound.kind).where(ContestRound.call == call_id)
        ]
        if any(KIND_ORDER.get(k, 0) >= KIND_ORDER[data.kind] for k in kinds):
            raise RoundOrder(extra={"existing": kinds})
        row = ContestRound(call=call_id, position=KIND_ORDER[data.kind], **msgspec.structs.asdict(data))
        await row.save()
    created = await ContestRound.select().where(ContestRound.id == row.id).first()
    assert created is not None
    return await round_read(created, call["event"])


async def update_round(user: CurrentUser, round_id: int, data: RoundUpdate) -> RoundRead:
    current = await organiser_round(user, round_id)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    async with transaction():
        row = await locked_round(round_id)
        if row["status"] == "published":
            raise RoundPublished()
        scale_min = changes.get("scale_min", row["scale_min"])
        scale_max = changes.get("scale_max", row["scale_max"])
        _check_scale(scale_min, scale_max)
        scale_changed = (scale_min, scale_max) != (row["scale_min"], row["scale_max"])
        if scale_changed and await has_scores(round_id):
            raise RubricLocked()
        if changes:
            await ContestRound.update(changes).where(ContestRound.id == round_id)
    return await get_round(user, current["id"])


async def move_round(user: CurrentUser, round_id: int, target: str) -> RoundRead:
    """draft -> scoring (needs a rubric) -> closed -> scoring again; 409 with the allowed moves."""
    await organiser_round(user, round_id)
    async with transaction():
        row = await locked_round(round_id)
        allowed = TRANSITIONS[row["status"]]
        if target not in allowed:
            raise InvalidRoundMove(extra={"round_status": row["status"], "allowed": list(allowed)})
        if target == "scoring" and not await Criterion.exists().where(Criterion.round == round_id):
            raise NoRubric()
        await ContestRound.update({ContestRound.status: target}).where(ContestRound.id == round_id)
    return await get_round(user, round_id)


async def delete_round(user: CurrentUser, round_id: int) -> None:
    await organiser_round(user, round_id)
    async with transaction():
        row = await locked_round(round_id)
        if row["status"] != "draft" or await has_scores(round_id):
            raise RoundNotEmpty()
        await ContestRound.delete().where(ContestRound.id == round_id)  # criteria, entries, panel cascade


# -- rubric ------------------------------------------------------------------------------------
async def _editable_rubric(round_id: int) -> dict[str, Any]:
    """Inside a transaction: the locked round, if its rubric may still change."""
    row = await locked_round(round_id)
    if row["status"] == "published":
        raise RoundPublished()
    if await has_scores(round_id):
        raise RubricLocked()
    return row


async def _criterion(round_id: int, criterion_id: int) -> dict[str, Any]:
    row = (
        await Criterion.select().where((Criterion.id == criterion_id) & (Criterion.round == round_id)).first()
    )
    if row is None:
        raise NotFound()
    return row


async def add_criterion(user: CurrentUser, round_id: int, data: CriterionCreate) -> CriterionRead:
    await organiser_round(user, round_id)
    async with transaction():
        await _editable_rubric(round_id)
        position = data.position
        if position is None:
            last = (
                await Criterion.select(Criterion.position)
                .where(Criterion.round == round_id)
                .order_by(Criterion.position, ascending=False)
                .first()
            )
            position = 0 if last is None else last["position"] + 1
        values = msgspec.structs.asdict(data) | {"position": position}
        row = Criterion(round=round_id, **values)
        await row.save()
    return criterion_read(await _criterion(round_id, row.id))


async def update_criterion(
    user: CurrentUser, round_id: int, criterion_id: int, data: CriterionUpdate
) -> CriterionRead:
    await organiser_round(user, round_id)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    async with transaction():
        await _editable_rubric(round_id)
        await _criterion(round_id, criterion_id)
        if changes:
            await Criterion.update(changes).where(Criterion.id == criterion_id)
    return criterion_read(await _criterion(round_id, criterion_id))


async def delete_criterion(user: CurrentUser, round_id: int, criterion_id: int) -> None:
    await organiser_round(user, round_id)
    async with transaction():
        row = await _editable_rubric(round_id)
        await _criterion(round_id, criterion_id)
        if row["status"] == "scoring" and await Criterion.count().where(Criterion.round == round_id) == 1:
            raise NoRubric()  # a round open for scoring keeps at least one criterion
        await Criterion.delete().where(Criterion.id == criterion_id)


async def reorder_criteria(user: CurrentUser, round_id: int, data: CriteriaOrder) -> list[CriterionRead]:
    await organiser_round(user, round_id)
    async with transaction():
        await _editable_rubric(round_id)
        ids = {r["id"] for r in await Criterion.select(Criterion.id).where(Criterion.round == round_id)}
        if len(data.criterion_ids) != len(ids) or set(data.criterion_ids) != ids:
            raise InvalidInput({"criterion_ids": N_("List every criterion of the round once.")})
        for position, criterion_id in enumerate(data.criterion_ids):
            await Criterion.update({Criterion.position: position}).where(Criterion.id == criterion_id)
    return await criteria_of(round_id)


async def move_criterion(user: CurrentUser, round_id: int, criterion_id: int, step: int) -> None:
    """One place up (``step=-1``) or down (``+1``): the rubric editor's arrows."""
    order = [c.id for c in await criteria_of(round_id)]
    if criterion_id not in order:
        raise NotFound()
    index = order.index(criterion_id)
    other = index + step
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        await reorder_criteria(user, round_id, CriteriaOrder(criterion_ids=order))


# -- entries -----------------------------------------------------------------------------------
async def add_entries(user: CurrentUser, round_id: int, data: EntriesAdd) -> int:
    """Enter submissions of the round's own call; answers how many were new."""
    row = await organiser_round(user, round_id)
    if bool(data.submission_ids) == (data.all_with_status is not None):
        raise InvalidInput({"submission_ids": N_("Give either submission ids or a status, not both.")})
    query = Submission.select(Submission.id).where(Submission.call == row["call"])
    if data.all_with_status is not None:
        wanted = [r["id"] for r in await query.where(Submission.status == data.all_with_status)]
    else:
        wanted = sorted(set(data.submission_ids))
        found = {r["id"] for r in await query.where(Submission.id.is_in(wanted))}
        if found != set(wanted):
            raise InvalidInput({"submission_ids": N_("Choose submissions to this round's call.")})
    async with transaction():
        if (await locked_round(round_id))["status"] == "published":
            raise RoundPublished()
        present = {
            r["submission"]
            for r in await RoundEntry.select(RoundEntry.submission).where(RoundEntry.round == round_id)
        }
        new = [s for s in wanted if s not in present]
        if new:
            await RoundEntry.insert(*[RoundEntry(round=round_id, submission=s) for s in new]).on_conflict(
                action="DO NOTHING"
            )
    return len(new)


async def remove_entry(user: CurrentUser, round_id: int, submission_id: int) -> None:
    await organiser_round(user, round_id)
    async with transaction():
        if (await locked_round(round_id))["status"] == "published":
            raise RoundPublished()
        where = (RoundEntry.round == round_id) & (RoundEntry.submission == submission_id)
        if not await RoundEntry.exists().where(where):
            raise NotFound()
        if await Score.exists().where((Score.round == round_id) & (Score.submission == submission_id)):
            raise EntryScored()
        await RoundEntry.delete().where(where)
