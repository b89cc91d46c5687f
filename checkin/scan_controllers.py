"""The scanning API (tag ``checkin``): pairing, scans, offline bundle and sync, search, badges.

Scanning routes take a paired device's token or a signed-in organiser / check-in staff member
(``requires_scanner``); the services check per event and list. Pairing is public but
rate-limited per client address like sign-in.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.openapi import ResponseSpec
from litestar.params import FromQuery, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from app.auth import public
from app.hot_routes import EncodedJSON, hot_post, json_body, read_json
from app.ratelimit import login_rate_limit
from checkin import devices, offline, scans
from checkin.scan_schemas import (
    AttendeeHit,
    Badge,
    Bundle,
    ScanRequest,
    ScanResult,
    SyncRequest,
    SyncResponse,
)
from checkin.scanner_auth import requires_scanner, scanner_of
from checkin.schemas import PairRequest, PairResponse

Query = Annotated[str, Parameter(max_length=100)]


class ScanController(Controller):
    path = "/api/v1/checkin"
    tags = ["checkin"]

    @post(
        "/pair",
        guards=[public],
        status_code=HTTP_201_CREATED,
        middleware=[login_rate_limit().middleware],
        summary="Pair a scanner phone: trade a one-time pairing code for a device token",
    )
    async def pair(self, data: JSONBody[PairRequest]) -> PairResponse:
        return await devices.pair(data.code)

    @hot_post(
        "/scans",
        guards=[requires_scanner],
        status_code=HTTP_200_OK,
        dependencies=json_body(ScanRequest),
        responses={200: ResponseSpec(ScanResult, description="The scan's answer")},
        summary="Scan a ticket (or check in by registration id) on a check-in list",
        description=(
            "Every scan is recorded and answered with a stable `code`: ok, already_checked_in, "
            "revoked, unknown, wrong_event, not_valid_now, not_approved, wrong_list, not_inside. "
            "Retrying with the same `nonce` returns the first answer and records nothing."
        ),
    )
    async def scan(self, request: Request) -> EncodedJSON:
        # The busiest route: see app.hot_routes for why it reads and answers JSON itself.
        data = await read_json(request, ScanRequest, max_bytes=4096)
        return EncodedJSON(await scans.scan(scanner_of(request), data))

    @post(
        "/sync",
        guards=[requires_scanner],
        status_code=HTTP_200_OK,
        summary="Upload scans made offline; admissions the server would have refused are conflicts",
    )
    async def sync(self, request: Request, data: JSONBody[SyncRequest]) -> SyncResponse:
        return await scans.sync(scanner_of(request), data)

    @get("/bundle", guards=[requires_scanner], summary="The offline bundle of an event for scanners")
    async def bundle(self, request: Request, event_id: FromQuery[int]) -> Bundle:
        return await offline.bundle(scanner_of(request), event_id)

    @get("/attendees", guards=[requires_scanner], summary="Search attendees by name, e-mail or code")
    async def attendees(self, request: Request, event_id: FromQuery[int], q: Query = "") -> list[AttendeeHit]:
        return await offline.search_attendees(scanner_of(request), event_id, q)

    @get("/badge", guards=[requires_scanner], summary="Badge data (name, organisation, QR) to print")
    async def badge(self, request: Request, registration_id: FromQuery[int]) -> Badge:
        return await offline.badge(scanner_of(request), registration_id)


ROUTES = [ScanController]
