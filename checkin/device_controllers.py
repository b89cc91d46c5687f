"""Scanner devices of an event (tag ``checkin``): organisers add, re-pair and revoke phones."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from app.auth import current_user, requires_login
from checkin import devices
from checkin.schemas import DeviceCreate, DevicePairing, DeviceRead

EventId = FromPath[int]
DeviceId = FromPath[int]


class DeviceController(Controller):
    path = "/api/v1/events/{event_id:int}/scanner-devices"
    tags = ["checkin"]

    @get("/", guards=[requires_login], summary="Scanner devices of an event (organisers)")
    async def list_devices(self, request: Request, event_id: EventId) -> list[DeviceRead]:
        return await devices.list_devices(current_user(request), event_id)

    @post(
        "/",
        guards=[requires_login],
        status_code=HTTP_201_CREATED,
        summary="Add a scanner device; answers its one-time pairing code",
    )
    async def create_device(
        self, request: Request, event_id: EventId, data: JSONBody[DeviceCreate]
    ) -> DevicePairing:
        return await devices.create_device(current_user(request), event_id, data)

    @post(
        "/{device_id:int}/pairing",
        guards=[requires_login],
        status_code=HTTP_201_CREATED,
        summary="A new pairing code for a device (e.g. to move it to another phone)",
    )
    async def renew_pairing(self, request: Request, event_id: EventId, device_id: DeviceId) -> DevicePairing:
        return await devices.renew_pairing(current_user(request), event_id, device_id)

    @post(
        "/{device_id:int}/revoke",
        guards=[requires_login],
        status_code=HTTP_200_OK,
        summary="Revoke a scanner device: its token stops working at once",
    )
    async def revoke_device(self, request: Request, event_id: EventId, device_id: DeviceId) -> DeviceRead:
        return await devices.revoke_device(current_user(request), event_id, device_id)


ROUTES = [DeviceController]
