"""Pitch slots: the event's run of show, in order, with planned times.

A slot puts a submission (of a call of the same event) on stage, or is a break or announcement
with a bilingual title. Slots belong to an agenda session of the event, or to none; a slot's
planned start is its session's start (the event's start without a session) plus the durations
of the slots before it in the same session. Organisers of the event manage slots; everyone
sees the run of show of a published event, without any judging data.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

import msgspec

from app.auth import CurrentUser
from app.errors import DomainError, InvalidInput, NotFound
from app.i18n import N_
from events.access import organiser_event, public_event
from events.tables import AgendaSession
from roadshows.slot_schemas import (
    PublicSlot,
    RunOfShow,
    SlotCreate,
    SlotOrder,
    SlotRead,
    SlotStatus,
    SlotUpdate,
)
from roadshows.tables import PitchSlot, Submission

OUT_OF_THE_RUNNING = ("rejected", "withdrawn")
ORGANISER = frozenset({"organiser"})
log = logging.getLogger("luyan.roadshows.slots")


def status_of(row: dict[str, Any]) -> SlotStatus:
    if row["ended_at"] is not None:
        return "done"
    return "now" if row["started_at"] is not None else "upcoming"


async def slot_rows(event_id: int) -> list[dict[str, Any]]:
    """The event's slots in order, with the project of each pitch (no access check)."""
    return (
        await PitchSlot.select(
            PitchSlot.all_columns(),
            PitchSlot.submission.project.id.as_alias("project_id"),
            PitchSlot.submission.project.name_en.as_alias("project_name_en"),
            PitchSlot.submission.project.name_zh.as_alias("project_name_zh"),
        )
        .where(PitchSlot.event == event_id)
        .order_by(PitchSlot.position)
        .order_by(PitchSlot.id)
    )


async def _session_starts(event_id: int) -> dict[int, dt.datetime]:
    rows = await AgendaSession.select(AgendaSession.id, AgendaSession.starts_at).where(
        AgendaSession.event == event_id
    )
    return {r["id"]: r["starts_at"] for r in rows}


def planned_times(
    rows: Iterable[dict[str, Any]], event_start: dt.datetime, session_starts: dict[int, dt.datetime]
) -> dict[int, tuple[dt.datetime, dt.datetime]]:
    """Slot id -> (planned start, planned end): each session's slots follow one another from
    the session's start; slots outside any session from the event's start. Pure."""
    clocks: dict[int | None, dt.datetime] = {}
    planned = {}
    for row in rows:
        session = row["agenda_session"]
        start = clocks.get(session)
        if start is None:
            start = session_starts.get(session, event_start) if session is not None else event_start
        end = start + dt.timedelta(seconds=row["duration_s"])
        planned[row["id"]] = (start, end)
        clocks[session] = end
    return planned


def _read(row: dict[str, Any], planned: tuple[dt.datetime, dt.datetime]) -> SlotRead:
    return SlotRead(
        id=row["id"],
        event_id=row["event"],
        position=row["position"],
        submission_id=row["submission"],
        project_id=row.get("project_id"),
        project_name_en=row.get("project_name_en") or "",
        project_name_zh=row.get("project_name_zh") or "",
        title_en=row["title_en"],
        title_zh=row["title_zh"],
        agenda_session_id=row["agenda_session"],
        stage=row["stage"],
        duration_min=max(1, round(row["duration_s"] / 60)),
        planned_start=planned[0],
        planned_end=planned[1],
        status=status_of(row),
        started_at=row["started_at"],
        ended_at=row["ended_at"],
    )


def public_slot(slot: SlotRead) -> PublicSlot:
    pitch = slot.submission_id is not None
    return PublicSlot(
        id=slot.id,
        position=slot.position,
        kind="pitch" if pitch else "break",
        name_en=(slot.project_name_en or slot.title_en) if pitch else slot.title_en,
        name_zh=(slot.project_name_zh or slot.title_zh) if pitch else slot.title_zh,
        stage=slot.stage,
        duration_min=slot.duration_min,
        planned_start=slot.planned_start,
        planned_end=slot.planned_end,
        status=slot.status,
        started_at=slot.started_at,
        ended_at=slot.ended_at,
    )


async def event_slots(event: dict[str, Any]) -> list[SlotRead]:
    """Every slot of ``event`` (a row the caller may see), in order, with planned times."""
    rows = await slot_rows(event["id"])
    planned = planned_times(rows, event["starts_at"], await _session_starts(event["id"]))
    return [_read(r, planned[r["id"]]) for r in rows]


async def list_slots(user: CurrentUser, event_id: int) -> list[SlotRead]:
    return await event_slots(await organiser_event(user, event_id))


async def run_of_show(event_id: int, viewer: CurrentUser | None) -> RunOfShow:
    """For everyone on a published event (drafts: its organisers only)."""
    event = await public_event(event_id, viewer)
    slots = await event_slots(event)
    return RunOfShow(event_id=event_id, timezone=event["timezone"], slots=[public_slot(s) for s in slots])


async def pickable_submissions(event_id: int) -> list[dict[str, Any]]:
    """Submissions to the event's calls that can still pitch, for the "add a slot" picker."""
    return (
        await Submission.select(
            Submission.id,
            Submission.status,
            Submission.project.name_en.as_alias("name_en"),
            Submission.project.name_zh.as_alias("name_zh"),
            Submission.call.title_en.as_alias("call_en"),
            Submission.call.title_zh.as_alias("call_zh"),
        )
        .where((Submission.call.event == event_id) & Submission.status.not_in(list(OUT_OF_THE_RUNNING)))
        .order_by(Submission.project.name_en)
    )


# -- validation ------------------------------------------------------------------------------
async def _check_submission(event_id: int, submission_id: int | None) -> int | None:
    if submission_id is None:
        return None
    row = (
        await Submission.select(Submission.id, Submission.status)
        .where((Submission.id == submission_id) & (Submission.call.event == event_id))
        .first()
    )
    if row is None:
        raise InvalidInput({"submission_id": N_("Choose a submission to a call of this event.")})
    if row["status"] in OUT_OF_THE_RUNNING:
        raise InvalidInput({"submission_id": N_("This submission was rejected or withdrawn.")})
    return submission_id


async def _check_session(event_id: int, session_id: int | None) -> int | None:
    if session_id is None:
        return None
    found = await AgendaSession.exists().where(
        (AgendaSession.id == session_id) & (AgendaSession.event == event_id)
    )
    if not found:
        raise InvalidInput({"agenda_session_id": N_("Choose a session of this event's agenda.")})
    return session_id


def _check_named(submission_id: int | None, title_en: str, title_zh: str) -> None:
    if submission_id is None and not (title_en.strip() or title_zh.strip()):
        raise InvalidInput({"title_en": N_("Choose a submission, or give a title for a break.")})


async def _get(event_id: int, slot_id: int) -> dict[str, Any]:
    row = await PitchSlot.select().where((PitchSlot.id == slot_id) & (PitchSlot.event == event_id)).first()
    if row is None:
        raise NotFound()
    return row


async def _one(event: dict[str, Any], slot_id: int) -> SlotRead:
    for slot in await event_slots(event):
        if slot.id == slot_id:
            return slot
    raise NotFound()


# -- changes ---------------------------------------------------------------------------------
async def create_slot(user: CurrentUser, event_id: int, data: SlotCreate) -> SlotRead:
    event = await organiser_event(user, event_id)
    submission_id = await _check_submission(event_id, data.submission_id)
    session_id = await _check_session(event_id, data.agenda_session_id)
    _check_named(submission_id, data.title_en, data.title_zh)
    async with PitchSlot._meta.db.transaction():
        count = await PitchSlot.count().where(PitchSlot.event == event_id)
        position = count if data.position is None else min(data.position, count)
        await PitchSlot.update({PitchSlot.position: PitchSlot.position + 1}).where(
            (PitchSlot.event == event_id) & (PitchSlot.position >= position)
        )
        row = PitchSlot(
            event=event_id,
            submission=submission_id,
            agenda_session=session_id,
            title_en=data.title_en.strip(),
            title_zh=data.title_zh.strip(),
            stage=data.stage.strip(),
            position=position,
            duration_s=data.duration_min * 60,
        )
        await row.save()
    if submission_id is not None:
        await advance(submission_id, "shortlisted", "scheduled", user.id, "")
    await _changed(event_id)
    return await _one(event, row.id)


async def update_slot(user: CurrentUser, event_id: int, slot_id: int, data: SlotUpdate) -> SlotRead:
    event = await organiser_event(user, event_id)
    current = await _get(event_id, slot_id)
    changes: dict[Any, Any] = {}
    if data.submission_id is not msgspec.UNSET:
        changes[PitchSlot.submission] = await _check_submission(event_id, data.submission_id)
    if data.agenda_session_id is not msgspec.UNSET:
        changes[PitchSlot.agenda_session] = await _check_session(event_id, data.agenda_session_id)
    for name in ("title_en", "title_zh", "stage"):
        value = getattr(data, name)
        if value is not msgspec.UNSET:
            changes[getattr(PitchSlot, name)] = value.strip()
    if data.duration_min is not msgspec.UNSET:
        changes[PitchSlot.duration_s] = data.duration_min * 60
    _check_named(
        changes.get(PitchSlot.submission, current["submission"]),
        changes.get(PitchSlot.title_en, current["title_en"]),
        changes.get(PitchSlot.title_zh, current["title_zh"]),
    )
    if changes:
        await PitchSlot.update(changes).where(PitchSlot.id == slot_id)
        await _changed(event_id)
    return await _one(event, slot_id)


async def delete_slot(user: CurrentUser, event_id: int, slot_id: int) -> None:
    await organiser_event(user, event_id)
    async with PitchSlot._meta.db.transaction():
        row = await _get(event_id, slot_id)
        await PitchSlot.delete().where(PitchSlot.id == slot_id)
        await PitchSlot.update({PitchSlot.position: PitchSlot.position - 1}).where(
            (PitchSlot.event == event_id) & (PitchSlot.position > row["position"])
        )
    await _changed(event_id)


async def reorder_slots(user: CurrentUser, event_id: int, data: SlotOrder) -> list[SlotRead]:
    """``data.slot_ids`` must be exactly the event's slots, each once."""
    event = await organiser_event(user, event_id)
    async with PitchSlot._meta.db.transaction():
        existing = {r["id"] for r in await PitchSlot.select(PitchSlot.id).where(PitchSlot.event == event_id)}
        if len(data.slot_ids) != len(set(data.slot_ids)) or set(data.slot_ids) != existing:
            raise InvalidInput({"slot_ids": N_("List every slot of this event exactly once.")})
        for position, slot_id in enumerate(data.slot_ids):
            await PitchSlot.update({PitchSlot.position: position}).where(PitchSlot.id == slot_id)
    await _changed(event_id)
    return await event_slots(event)


async def move_slot(user: CurrentUser, event_id: int, slot_id: int, offset: int) -> None:
    """One place up (``-1``) or down (``+1``): the page's arrow buttons."""
    order = [s.id for s in await list_slots(user, event_id)]
    if slot_id not in order:
        raise NotFound()
    index = order.index(slot_id)
    target = index + offset
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        await reorder_slots(user, event_id, SlotOrder(slot_ids=order))


async def advance(submission_id: int, from_status: str, to_status: str, actor_id: int, note: str) -> None:
    """Move the submission along the workflow as the stage makes it true (a shortlisted one is
    scheduled when it gets a slot; a scheduled one has pitched when its slot ends). Only from
    ``from_status``: a submission elsewhere in the workflow is left where the organisers put it.
    The workflow mails the team about the move."""
    from roadshows.submissions import transition

    try:
        await transition(
            submission_id, to_status, actor_id=actor_id, note=note, from_status=from_status, roles=ORGANISER
        )
    except DomainError as exc:  # moved elsewhere meanwhile, or not in ``from_status``
        log.debug("submission %s stays: %s", submission_id, exc)


async def _changed(event_id: int) -> None:
    """The screens show planned times and the next slot: tell them."""
    from roadshows import show

    await show.announce(event_id)
