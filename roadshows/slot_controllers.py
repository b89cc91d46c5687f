"""The stage API (tag ``pitches``): pitch slots, the public run of show, stage manager actions.

Organiser routes need an organiser, then the event's organisation (another organiser's event
answers 404). The run of show and the live state are public for published events.
"""

from __future__ import annotations

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from app.auth import current_user, public, requires_organiser
from roadshows import show, slots
from roadshows.slot_schemas import (
    RunOfShow,
    ShowNext,
    ShowReset,
    ShowStart,
    ShowState,
    SlotCreate,
    SlotOrder,
    SlotRead,
    SlotUpdate,
)

EventId = FromPath[int]
SlotId = FromPath[int]


class SlotController(Controller):
    path = "/api/v1/events/{event_id:int}/slots"
    tags = ["pitches"]
    guards = [requires_organiser]

    @get("/", summary="Pitch slots of an event, in order, with planned times (organisers)")
    async def list_slots(self, request: Request, event_id: EventId) -> list[SlotRead]:
        return await slots.list_slots(current_user(request), event_id)

    @post("/", status_code=HTTP_201_CREATED, summary="Add a pitch slot, a break or an announcement")
    async def create_slot(self, request: Request, event_id: EventId, data: JSONBody[SlotCreate]) -> SlotRead:
        return await slots.create_slot(current_user(request), event_id, data)

    @put("/order", summary="Reorder the run of show (every slot id of the event, in order)")
    async def reorder(self, request: Request, event_id: EventId, data: JSONBody[SlotOrder]) -> list[SlotRead]:
        return await slots.reorder_slots(current_user(request), event_id, data)

    @patch("/{slot_id:int}", summary="Change a pitch slot")
    async def update_slot(
        self, request: Request, event_id: EventId, slot_id: SlotId, data: JSONBody[SlotUpdate]
    ) -> SlotRead:
        return await slots.update_slot(current_user(request), event_id, slot_id, data)

    @delete("/{slot_id:int}", status_code=HTTP_204_NO_CONTENT, summary="Remove a pitch slot")
    async def delete_slot(self, request: Request, event_id: EventId, slot_id: SlotId) -> None:
        await slots.delete_slot(current_user(request), event_id, slot_id)


@get(
    "/api/v1/events/{event_id:int}/run-of-show",
    guards=[public],
    tags=["pitches"],
    summary="The public run of show: who pitches when, on which stage, and what is on now",
)
async def run_of_show(request: Request, event_id: EventId) -> RunOfShow:
    return await slots.run_of_show(event_id, request.scope.get("user"))


class ShowController(Controller):
    path = "/api/v1/events/{event_id:int}/show"
    tags = ["pitches"]

    @get("/", guards=[public], summary="What is on stage now and next (as the live screens show it)")
    async def state(self, request: Request, event_id: EventId) -> ShowState:
        return await show.public_state(event_id, request.scope.get("user"))

    @post(
        "/start",
        guards=[requires_organiser],
        status_code=HTTP_200_OK,
        summary="Put a slot on stage (ends the one on stage)",
    )
    async def start(self, request: Request, event_id: EventId, data: JSONBody[ShowStart]) -> ShowState:
        return await show.start_slot(current_user(request), event_id, data.slot_id)

    @post(
        "/next",
        guards=[requires_organiser],
        status_code=HTTP_200_OK,
        summary="End the slot on stage and start the following one",
    )
    async def next(self, request: Request, event_id: EventId, data: JSONBody[ShowNext]) -> ShowState:
        return await show.next_slot(current_user(request), event_id, data.current_slot_id)

    @post("/end", guards=[requires_organiser], status_code=HTTP_200_OK, summary="End the slot on stage")
    async def end(self, request: Request, event_id: EventId) -> ShowState:
        return await show.end_slot(current_user(request), event_id)

    @post(
        "/reset",
        guards=[requires_organiser],
        status_code=HTTP_200_OK,
        summary="Put one slot, or the whole run of show, back to upcoming",
    )
    async def reset(self, request: Request, event_id: EventId, data: JSONBody[ShowReset]) -> ShowState:
        return await show.reset(current_user(request), event_id, data.slot_id)


ROUTES = [SlotController, run_of_show, ShowController]
