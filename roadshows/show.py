"""The run of show on the day: the stage manager starts, advances and ends slots; the screens
follow over a websocket.

State lives in the slots themselves (``started_at`` / ``ended_at``): a slot is *now* on stage
between the two, *done* once ended, *upcoming* before. At most one slot of an event is on stage:
starting one ends the one before. Each change is published on the topic ``show-<event id>``
through the live hub, as the whole state (it is small), so a screen that missed a message is
right again with the next one.

Stage manager actions are serialised per event (PostgreSQL: the event's slot rows are locked;
SQLite: the write transaction). "Next" names the slot the stage manager saw on stage, so a
double press or a second stage manager cannot skip a pitch: the second press gets 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketException
from litestar.params import FromPath

from app.auth import CurrentUser, public
from app.db import is_sqlite
from app.errors import Conflict, NotFound
from app.i18n import N_
from events.access import organiser_event, public_event
from events.tables import Event
from livestream import hub
from roadshows.slot_schemas import NowPitching, PublicSlot, ShowState
from roadshows.slots import advance, event_slots, public_slot
from roadshows.tables import PitchSlot

SHOW_PATH = "/ws/events/{event_id:int}/show"


def topic(event_id: int) -> str:
    return f"show-{event_id}"


class SlotAlreadyDone(Conflict):
    code, message = "slot_done", N_("This slot is over. Reset it to run it again.")


class NothingOnStage(Conflict):
    code, message = "nothing_on_stage", N_("Nothing is on stage.")


class ShowFinished(Conflict):
    code, message = "show_finished", N_("Every slot has been run. Reset a slot to run it again.")


class StageMovedOn(Conflict):
    code, message = (
        "stage_moved_on",
        N_("The stage has moved on since you loaded the page. Check it and try again."),
    )


# -- the state -------------------------------------------------------------------------------
def _following(slots: list[PublicSlot], current: PublicSlot | None) -> PublicSlot | None:
    """The next upcoming slot after the one on stage (or after the last one run)."""
    anchor = current
    if anchor is None:
        done = [s for s in slots if s.ended_at is not None]
        anchor = max(done, key=lambda s: s.ended_at or dt.datetime.min) if done else None
    upcoming = [s for s in slots if s.status == "upcoming"]
    if anchor is not None:
        after = [s for s in upcoming if s.position > anchor.position]
        if after or current is not None:
            return after[0] if after else None
    return upcoming[0] if upcoming else None


def state_from(event_id: int, slots: list[PublicSlot]) -> ShowState:
    current = next((s for s in slots if s.status == "now"), None)
    now = None
    if current is not None and current.started_at is not None:
        ends_at = current.started_at + dt.timedelta(minutes=current.duration_min)
        now = NowPitching(slot=current, started_at=current.started_at, ends_at=ends_at)
    return ShowState(
        event_id=event_id,
        now=now,
        next=_following(slots, current),
        done=sum(1 for s in slots if s.status == "done"),
        total=len(slots),
        server_time=dt.datetime.now(dt.UTC),
    )


async def state_of(event: dict[str, Any]) -> ShowState:
    return state_from(event["id"], [public_slot(s) for s in await event_slots(event)])


async def public_state(event_id: int, viewer: CurrentUser | None) -> ShowState:
    return await state_of(await public_event(event_id, viewer))


def message(state: ShowState) -> dict[str, Any]:
    return {"type": "state", "state": state}


async def publish_state(event: dict[str, Any]) -> ShowState:
    """Read the event's state and send it to every screen following it (after commit)."""
    state = await state_of(event)
    live = hub.current_hub()
    if live is not None:  # None without a running app (CLI): nobody is watching
        live.publish(topic(event["id"]), message(state))
    return state


async def announce(event_id: int) -> None:
    """For changes to the slots themselves (added, edited, moved, removed)."""
    if hub.current_hub() is None:
        return
    event = await Event.select().where(Event.id == event_id).first()
    if event is not None:
        await publish_state(event)


# -- stage manager actions -------------------------------------------------------------------
async def _locked_slots(event_id: int) -> list[dict[str, Any]]:
    query = (
        PitchSlot.select(
            PitchSlot.id, PitchSlot.submission, PitchSlot.position, PitchSlot.started_at, PitchSlot.ended_at
        )
        .where(PitchSlot.event == event_id)
        .order_by(PitchSlot.position)
        .order_by(PitchSlot.id)
    )
    return await (query if is_sqlite() else query.lock_rows())


def _on_stage(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((r for r in rows if r["started_at"] is not None and r["ended_at"] is None), None)


async def _end(slot_id: int, at: dt.datetime) -> None:
    await PitchSlot.update({PitchSlot.ended_at: at}).where(PitchSlot.id == slot_id)


async def _start(slot_id: int, at: dt.datetime) -> None:
    await PitchSlot.update({PitchSlot.started_at: at, PitchSlot.ended_at: None}).where(
        PitchSlot.id == slot_id
    )


async def _finish(event: dict[str, Any], user: CurrentUser, ended: dict[str, Any] | None = None) -> ShowState:
    """After commit: every screen hears of the change; a pitch that ended has been pitched."""
    state = await publish_state(event)
    if ended is not None and ended["submission"] is not None:
        await advance(ended["submission"], "scheduled", "pitched", user.id, "")
    return state


async def start_slot(user: CurrentUser, event_id: int, slot_id: int) -> ShowState:
    """Put ``slot_id`` on stage (ending whatever was on stage)."""
    event = await organiser_event(user, event_id)
    now = dt.datetime.now(dt.UTC)
    async with PitchSlot._meta.db.transaction():
        rows = await _locked_slots(event_id)
        target = next((r for r in rows if r["id"] == slot_id), None)
        if target is None:
            raise NotFound()
        if target["ended_at"] is not None:
            raise SlotAlreadyDone()
        current = _on_stage(rows)
        if current is not None and current["id"] == slot_id:
            return await state_of(event)  # already on stage: nothing changes
        if current is not None:
            await _end(current["id"], now)
        await _start(slot_id, now)
    return await _finish(event, user, current)


async def next_slot(user: CurrentUser, event_id: int, current_slot_id: int | None = None) -> ShowState:
    """End the slot on stage and start the following one."""
    event = await organiser_event(user, event_id)
    now = dt.datetime.now(dt.UTC)
    async with PitchSlot._meta.db.transaction():
        rows = await _locked_slots(event_id)
        current = _on_stage(rows)
        if current_slot_id is not None and (current is None or current["id"] != current_slot_id):
            raise StageMovedOn()
        state = await state_of(event)
        following = state.next
        if current is None and following is None:
            raise ShowFinished()
        if current is not None:
            await _end(current["id"], now)
        if following is not None:
            await _start(following.id, now)
    return await _finish(event, user, current)


async def end_slot(user: CurrentUser, event_id: int) -> ShowState:
    event = await organiser_event(user, event_id)
    async with PitchSlot._meta.db.transaction():
        current = _on_stage(await _locked_slots(event_id))
        if current is None:
            raise NothingOnStage()
        await _end(current["id"], dt.datetime.now(dt.UTC))
    return await _finish(event, user, current)


async def reset(user: CurrentUser, event_id: int, slot_id: int | None = None) -> ShowState:
    """One slot (or the whole run of show) back to "upcoming"."""
    event = await organiser_event(user, event_id)
    async with PitchSlot._meta.db.transaction():
        rows = await _locked_slots(event_id)
        where = PitchSlot.event == event_id
        if slot_id is not None:
            if all(r["id"] != slot_id for r in rows):
                raise NotFound()
            where = PitchSlot.id == slot_id
        await PitchSlot.update({PitchSlot.started_at: None, PitchSlot.ended_at: None}).where(where)
    return await _finish(event, user)


# -- the socket ------------------------------------------------------------------------------
@websocket(SHOW_PATH, guards=[hub.same_origin, public])
async def show_socket(socket: WebSocket, event_id: FromPath[int]) -> None:
    """Everyone on a published event (drafts: its organisers): the ``state`` on connect, then
    each change as ``{"type": "state", "state": ShowState}``."""
    viewer = socket.scope.get("user")
    try:
        event = await public_event(event_id, viewer)
    except NotFound:
        raise WebSocketException(detail="not found", code=hub.CLOSE_NOT_FOUND) from None

    async def greeting() -> dict[str, Any]:
        return message(await state_of(event))

    await hub.serve(socket, topic(event_id), greeting)
