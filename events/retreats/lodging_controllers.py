"""The lodging API (tag ``retreats``): hotels, rooms and inventory, room assignment, travel plans,
pick-up lists and manifests for organisers; travel plans of their own party for guests.

Organiser routes are guarded by ``requires_organiser`` and then check the event belongs to one
of the caller's organisations (another organisation's event answers 404, like a missing one).
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from app.auth import current_user, requires_login, requires_organiser
from events.retreats import manifests, room_assignment, room_changes, rooms, transport
from events.retreats.lodging_schemas import (
    AssignmentResult,
    Direction,
    HotelCreate,
    HotelRead,
    HotelUpdate,
    Inventory,
    Manifest,
    ManifestKind,
    MoveRequest,
    PartyRead,
    PickupDay,
    ReleaseRequest,
    RoomBatchCreate,
    RoomRead,
    RoomTypeCreate,
    RoomTypeRead,
    SwapRequest,
    TravelRead,
    TravelWrite,
)

TAGS = ["retreats"]
Day = Annotated[str, QueryParameter(pattern=r"^\d{4}-\d{2}-\d{2}$", description="A local date, YYYY-MM-DD")]
ORGANISER = {"guards": [requires_organiser]}


class LodgingController(Controller):
    path = "/api/v1/retreats/{event_id:int}/lodging"
    tags = TAGS

    # -- hotels and rooms -------------------------------------------------------------------
    @get("/hotels", summary="Hotels of a retreat with their room types and rooms", **ORGANISER)
    async def list_hotels(self, request: Request, event_id: FromPath[int]) -> list[HotelRead]:
        return await rooms.list_hotels(current_user(request), event_id)

    @post("/hotels", summary="Add a hotel", **ORGANISER)
    async def create_hotel(
        self, request: Request, event_id: FromPath[int], data: JSONBody[HotelCreate]
    ) -> HotelRead:
        return await rooms.create_hotel(current_user(request), event_id, data)

    @patch("/hotels/{hotel_id:int}", summary="Change a hotel", **ORGANISER)
    async def update_hotel(
        self, request: Request, event_id: FromPath[int], hotel_id: FromPath[int], data: JSONBody[HotelUpdate]
    ) -> HotelRead:
        return await rooms.update_hotel(current_user(request), event_id, hotel_id, data)

    @delete("/hotels/{hotel_id:int}", summary="Delete a hotel, its rooms and their assignments", **ORGANISER)
    async def delete_hotel(self, request: Request, event_id: FromPath[int], hotel_id: FromPath[int]) -> None:
        await rooms.delete_hotel(current_user(request), event_id, hotel_id)

    @post("/hotels/{hotel_id:int}/room-types", summary="Add a room type (how many it sleeps)", **ORGANISER)
    async def create_room_type(
        self,
        request: Request,
        event_id: FromPath[int],
        hotel_id: FromPath[int],
        data: JSONBody[RoomTypeCreate],
    ) -> RoomTypeRead:
        return await rooms.create_room_type(current_user(request), event_id, hotel_id, data)

    @delete("/room-types/{room_type_id:int}", summary="Delete a room type and its rooms", **ORGANISER)
    async def delete_room_type(
        self, request: Request, event_id: FromPath[int], room_type_id: FromPath[int]
    ) -> None:
        await rooms.delete_room_type(current_user(request), event_id, room_type_id)

    @post(
        "/room-types/{room_type_id:int}/rooms",
        summary="Add rooms of a type, with the nights they are available",
        **ORGANISER,
    )
    async def create_rooms(
        self,
        request: Request,
        event_id: FromPath[int],
        room_type_id: FromPath[int],
        data: JSONBody[RoomBatchCreate],
    ) -> list[RoomRead]:
        return await rooms.create_rooms(current_user(request), event_id, room_type_id, data)

    @delete("/rooms/{room_id:int}", summary="Delete a room and its assignments", **ORGANISER)
    async def delete_room(self, request: Request, event_id: FromPath[int], room_id: FromPath[int]) -> None:
        await rooms.delete_room(current_user(request), event_id, room_id)

    @get("/inventory", summary="Rooms and beds free per room type and night", **ORGANISER)
    async def inventory(self, request: Request, event_id: FromPath[int]) -> Inventory:
        return await rooms.event_inventory(current_user(request), event_id)

    # -- assignment -------------------------------------------------------------------------
    @get("/parties", summary="Parties with their rooms night by night", **ORGANISER)
    async def list_parties(self, request: Request, event_id: FromPath[int]) -> list[PartyRead]:
        return await room_assignment.list_parties(current_user(request), event_id)

    @post(
        "/assignment/auto",
        status_code=HTTP_200_OK,
        summary="Assign rooms automatically to nights without one (keeps every existing assignment)",
        **ORGANISER,
    )
    async def auto_assign(self, request: Request, event_id: FromPath[int]) -> AssignmentResult:
        return await room_assignment.auto_assign(current_user(request), event_id)

    @post(
        "/assignment/move",
        status_code=HTTP_200_OK,
        summary="Move a party to a room for some or all nights (409 if the room is taken)",
        **ORGANISER,
    )
    async def move(self, request: Request, event_id: FromPath[int], data: JSONBody[MoveRequest]) -> PartyRead:
        return await room_changes.move_party(current_user(request), event_id, data)

    @post("/assignment/swap", status_code=HTTP_200_OK, summary="Swap the rooms of two parties", **ORGANISER)
    async def swap(
        self, request: Request, event_id: FromPath[int], data: JSONBody[SwapRequest]
    ) -> list[PartyRead]:
        return await room_changes.swap_parties(current_user(request), event_id, data)

    @post(
        "/assignment/release", status_code=HTTP_200_OK, summary="Take a party out of its rooms", **ORGANISER
    )
    async def release(
        self, request: Request, event_id: FromPath[int], data: JSONBody[ReleaseRequest]
    ) -> PartyRead:
        return await room_changes.release_party(current_user(request), event_id, data)

    # -- travel -----------------------------------------------------------------------------
    @get(
        "/parties/{guest_registration_id:int}/travel", summary="A party's arrival and departure", **ORGANISER
    )
    async def party_travel(
        self, request: Request, event_id: FromPath[int], guest_registration_id: FromPath[int]
    ) -> list[TravelRead]:
        return await transport.party_travel(current_user(request), event_id, guest_registration_id)

    @put(
        "/parties/{guest_registration_id:int}/travel/{direction:str}",
        summary="Enter a party's arrival or departure",
        **ORGANISER,
    )
    async def save_travel(
        self,
        request: Request,
        event_id: FromPath[int],
        guest_registration_id: FromPath[int],
        direction: FromPath[Direction],
        data: JSONBody[TravelWrite],
    ) -> list[TravelRead]:
        return await transport.save_travel(
            current_user(request), event_id, guest_registration_id, direction, data
        )

    @delete(
        "/parties/{guest_registration_id:int}/travel/{direction:str}",
        summary="Remove a party's arrival or departure",
        **ORGANISER,
    )
    async def delete_travel(
        self,
        request: Request,
        event_id: FromPath[int],
        guest_registration_id: FromPath[int],
        direction: FromPath[Direction],
    ) -> None:
        await transport.delete_travel(current_user(request), event_id, guest_registration_id, direction)

    @get("/pickups", summary="The day's pick-ups and drop-offs, by time, station and vehicle", **ORGANISER)
    async def pickups(self, request: Request, event_id: FromPath[int], day: Day) -> PickupDay:
        return await transport.event_pickups(current_user(request), event_id, day)

    # -- manifests --------------------------------------------------------------------------
    @get("/manifests/{kind:str}", summary="A day's manifest: hotel, buses or restaurant", **ORGANISER)
    async def manifest(
        self, request: Request, event_id: FromPath[int], kind: FromPath[ManifestKind], day: Day
    ) -> Manifest:
        return await manifests.manifest(current_user(request), event_id, kind, day)

    @get(
        "/manifests/{kind:str}/csv",
        summary="A day's manifest as CSV (localized headers)",
        response_description="The file, as an attachment.",
        **ORGANISER,
    )
    async def manifest_csv(
        self, request: Request, event_id: FromPath[int], kind: FromPath[ManifestKind], day: Day
    ) -> Response[bytes]:
        data = await manifests.manifest(current_user(request), event_id, kind, day)
        return csv_response(data, event_id)


def csv_response(data: Manifest, event_id: int) -> Response[bytes]:
    name = f"retreat-{event_id}-{data.kind}-{data.day}.csv"
    return Response(
        manifests.manifest_csv(data),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class MyTravelController(Controller):
    path = "/api/v1/me/retreats/{event_id:int}/travel"
    tags = TAGS

    @get("/", guards=[requires_login], summary="My party's arrival and departure")
    async def my_travel(self, request: Request, event_id: FromPath[int]) -> list[TravelRead]:
        _event, _party, plans = await transport.my_travel(current_user(request), event_id)
        return plans

    @put("/{direction:str}", guards=[requires_login], summary="Enter my party's arrival or departure")
    async def save_my_travel(
        self,
        request: Request,
        event_id: FromPath[int],
        direction: FromPath[Direction],
        data: JSONBody[TravelWrite],
    ) -> list[TravelRead]:
        return await transport.save_my_travel(current_user(request), event_id, direction, data)


ROUTES = [LodgingController, MyTravelController]
