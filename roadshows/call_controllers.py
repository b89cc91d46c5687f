"""The pitch calls API (tag ``pitches``): public calls of an event, and the organiser's tools.

Anyone reads the open and closed calls of published events; organisers create and edit calls on
their roadshow and contest events (409 ``wrong_event_kind`` on other kinds) and open, close or
reopen them. A call of another organisation answers 404, exactly as a missing one.
"""

from __future__ import annotations

from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from app.auth import current_user, public, requires_organiser
from roadshows import calls
from roadshows.call_schemas import CallCreate, CallRead, CallUpdate, OrganiserCallRead

TAGS = ["pitches"]


class EventCallsController(Controller):
    path = "/api/v1/events/{event_id:int}/calls"
    tags = TAGS

    @get("/", guards=[public], summary="Open and closed pitch calls of an event")
    async def list_calls(self, request: Request, event_id: FromPath[int]) -> list[CallRead]:
        return await calls.public_calls(event_id, request.scope.get("user"))

    @post(
        "/",
        guards=[requires_organiser],
        status_code=HTTP_201_CREATED,
        summary="Create a pitch call (as a draft) on a roadshow or contest",
        description="Errors: 409 `wrong_event_kind` (conferences and retreats take no calls), "
        "`event_cancelled`; 422 on fields (`categories`, `questions.<key>`).",
    )
    async def create_call(
        self, request: Request, event_id: FromPath[int], data: JSONBody[CallCreate]
    ) -> OrganiserCallRead:
        return await calls.create_call(current_user(request), event_id, data)


class CallController(Controller):
    path = "/api/v1/calls"
    tags = TAGS

    @get("/{call_id:int}", guards=[public], summary="One pitch call (drafts only for its organisers)")
    async def get_call(self, request: Request, call_id: FromPath[int]) -> CallRead:
        return await calls.public_call(call_id, request.scope.get("user"))

    @patch(
        "/{call_id:int}",
        guards=[requires_organiser],
        summary="Change a pitch call",
        description="409 `category_in_use` when a removed category is used by submissions.",
    )
    async def update_call(
        self, request: Request, call_id: FromPath[int], data: JSONBody[CallUpdate]
    ) -> OrganiserCallRead:
        return await calls.update_call(current_user(request), call_id, data)

    @post(
        "/{call_id:int}/open",
        guards=[requires_organiser],
        status_code=HTTP_200_OK,
        summary="Open a draft call, or reopen a closed one before its deadline",
        description="409 `invalid_transition` (with `allowed`), `deadline_passed`.",
    )
    async def open_call(self, request: Request, call_id: FromPath[int]) -> OrganiserCallRead:
        return await calls.set_call_status(current_user(request), call_id, "open")

    @post(
        "/{call_id:int}/close",
        guards=[requires_organiser],
        status_code=HTTP_200_OK,
        summary="Close an open call (no more submissions)",
    )
    async def close_call(self, request: Request, call_id: FromPath[int]) -> OrganiserCallRead:
        return await calls.set_call_status(current_user(request), call_id, "closed")


@get(
    "/api/v1/dashboard/events/{event_id:int}/calls",
    guards=[requires_organiser],
    tags=TAGS,
    summary="Every pitch call of my event, drafts included, with submissions per status",
)
async def organiser_calls(request: Request, event_id: FromPath[int]) -> list[OrganiserCallRead]:
    return await calls.organiser_calls(current_user(request), event_id)


@get(
    "/api/v1/dashboard/calls/{call_id:int}",
    guards=[requires_organiser],
    tags=TAGS,
    summary="One pitch call of my event with submissions per status",
)
async def organiser_call(request: Request, call_id: FromPath[int]) -> OrganiserCallRead:
    return await calls.get_organiser_call(current_user(request), call_id)


ROUTES = [EventCallsController, CallController, organiser_calls, organiser_call]
