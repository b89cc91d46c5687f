"""The check-in API (tag ``checkin``): check-in lists.

Every route needs a signed-in caller, then an object check: organisers of the event may
change lists; its check-in staff may only read them. Anyone else gets the 404 of a missing event.
"""

from __future__ import annotations

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from app.auth import current_user, requires_login
from checkin import lists
from checkin.schemas import CheckinListCreate, CheckinListRead, CheckinListUpdate

EventId = FromPath[int]
ListId = FromPath[int]


class CheckinListController(Controller):
    path = "/api/v1/events/{event_id:int}/checkin-lists"
    tags = ["checkin"]

    @get("/", guards=[requires_login], summary="Check-in lists of an event (organisers and check-in staff)")
    async def list_lists(self, request: Request, event_id: EventId) -> list[CheckinListRead]:
        return await lists.list_lists(current_user(request), event_id)

    @post(
        "/",
        guards=[requires_login],
        status_code=HTTP_201_CREATED,
        summary="Create a check-in list (gate, day or session) with its rules",
    )
    async def create_list(
        self, request: Request, event_id: EventId, data: JSONBody[CheckinListCreate]
    ) -> CheckinListRead:
        return await lists.create_list(current_user(request), event_id, data)

    @patch("/{list_id:int}", guards=[requires_login], summary="Change a check-in list or its rules")
    async def update_list(
        self, request: Request, event_id: EventId, list_id: ListId, data: JSONBody[CheckinListUpdate]
    ) -> CheckinListRead:
        return await lists.update_list(current_user(request), event_id, list_id, data)

    @delete(
        "/{list_id:int}",
        guards=[requires_login],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a check-in list",
    )
    async def delete_list(self, request: Request, event_id: EventId, list_id: ListId) -> None:
        await lists.delete_list(current_user(request), event_id, list_id)


ROUTES = [CheckinListController]
