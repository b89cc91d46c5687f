"""The registrations API (tag ``registrations``): register, my registrations, the organiser's view.

Every registration is visible only to its attendee and to the organisers of its event; anyone
else gets 404, as for a registration that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from litestar import Request, Response, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Stream
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from app.auth import current_user, requires_login, requires_organiser
from events import exports
from events.access import organiser_event
from events.registration import accept_offer, approve, cancel, register, reject
from events.registration_db import visible_registration
from events.registration_queries import (
    Filters,
    event_registrations,
    my_registrations,
    read_for_viewer,
    status_counts,
)
from events.registration_schemas import (
    MyRegistration,
    RegistrationCreate,
    RegistrationPage,
    RegistrationRead,
    RegistrationStatus,
)
from events.registration_seat import SeatRead, SeatUpdate, set_seat

TAGS = ["registrations"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Limit = Annotated[int, QueryParameter(ge=1, le=500)]
Offset = Annotated[int, QueryParameter(ge=0)]


@post(
    "/api/v1/events/{event_id:int}/registrations",
    guards=[requires_login],
    tags=TAGS,
    status_code=HTTP_201_CREATED,
    summary="Register for an event",
    description=(
        "Confirmed when a seat is free, `waitlisted` (201) when the ticket type is full and the "
        "event keeps a waiting list, `pending` when the ticket type needs approval, `awaiting_pay` "
        "when the ticket has a price: the seat is held until `offer_expires_at` and `checkout_url` "
        "is the Stripe Checkout page to pay on. Errors: 409 `payments_not_configured` (a priced "
        "ticket without Stripe keys), "
        "`capacity_exhausted`, `already_registered`, `registration_closed`, `sales_not_open`, "
        "`sales_closed`, `invitation_used_up`; 422 `invitation_required`, `invitation_invalid` "
        "and field errors `answers.<question_id>`."
    ),
)
async def create_registration(
    request: Request, event_id: FromPath[int], data: JSONBody[RegistrationCreate]
) -> RegistrationRead:
    done = await register(
        current_user(request),
        event_id,
        data.ticket_type_id,
        data.attendee_name,
        data.attendee_organisation,
        data.answers,
        data.invitation_code,
        settings=request.app.state.settings,
    )
    return RegistrationRead(
        id=done.id,
        code=done.code,
        status=done.status,  # type: ignore[arg-type]
        event_id=done.event_id,
        ticket_type_id=done.ticket_type_id,
        attendee_name=done.attendee_name,
        attendee_email=done.attendee_email,
        attendee_organisation=done.attendee_organisation,
        answers=done.answers,
        offer_expires_at=done.offer_expires_at,
        created_at=done.created_at,
        checkout_url=done.checkout_url,
    )


@get(
    "/api/v1/events/{event_id:int}/registrations",
    guards=[requires_organiser],
    tags=TAGS,
    summary="An event's registrations (organisers): search, filter, pages",
    description="`q` searches name, email, code and organisation.",
)
async def list_registrations(
    request: Request,
    event_id: FromPath[int],
    q: FromQuery[str | None] = None,
    status: FromQuery[RegistrationStatus | None] = None,
    ticket_type_id: FromQuery[int | None] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> RegistrationPage:
    await organiser_event(current_user(request), event_id)
    items, total = await event_registrations(event_id, Filters(q, status, ticket_type_id), limit, offset)
    return RegistrationPage(
        items=items, total=total, limit=limit, offset=offset, counts=await status_counts(event_id)
    )


@get(
    "/api/v1/events/{event_id:int}/registrations/export",
    guards=[requires_organiser],
    tags=TAGS,
    summary="Export an event's registrations as CSV or XLSX (organisers)",
    description="Headers in the requester's language; CSV is UTF-8 with a byte-order mark for Excel.",
    response_description="The file, as an attachment.",
)
async def export_registrations(
    request: Request,
    event_id: FromPath[int],
    export_format: Annotated[Literal["csv", "xlsx"], QueryParameter(name="format")] = "csv",
) -> Response[bytes] | Stream:
    event = await organiser_event(current_user(request), event_id)
    spec = await exports.layout(event)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d")
    filename = f"registrations-{event_id}-{stamp}.{export_format}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if export_format == "xlsx":
        return Response(await exports.xlsx_bytes(spec), media_type=XLSX, headers=disposition)
    return Stream(exports.csv_stream(spec), media_type="text/csv; charset=utf-8", headers=disposition)


@get("/api/v1/me/registrations", guards=[requires_login], tags=TAGS, summary="My registrations")
async def list_my_registrations(request: Request) -> list[MyRegistration]:
    return await my_registrations(current_user(request).id)


@get(
    "/api/v1/registrations/{registration_id:int}",
    guards=[requires_login],
    tags=TAGS,
    summary="One registration (its attendee or the event's organisers)",
)
async def get_registration(request: Request, registration_id: FromPath[int]) -> RegistrationRead:
    user = current_user(request)
    return await read_for_viewer(await visible_registration(user, registration_id), user.id)


@post(
    "/api/v1/registrations/{registration_id:int}/cancel",
    guards=[requires_login],
    tags=TAGS,
    status_code=HTTP_200_OK,
    summary="Cancel a registration (its attendee or the event's organisers)",
    description="Frees the seat, which is offered to the first person on the waiting list.",
)
async def cancel_registration(request: Request, registration_id: FromPath[int]) -> RegistrationRead:
    user = current_user(request)
    return await read_for_viewer(await cancel(user, registration_id), user.id)


@post(
    "/api/v1/registrations/{registration_id:int}/approve",
    guards=[requires_organiser],
    tags=TAGS,
    status_code=HTTP_200_OK,
    summary="Approve a pending registration (organisers)",
    description="Confirmed if a seat is free, else waitlisted (or 409 `capacity_exhausted`).",
)
async def approve_registration(request: Request, registration_id: FromPath[int]) -> RegistrationRead:
    user = current_user(request)
    return await read_for_viewer(await approve(user, registration_id), user.id)


@post(
    "/api/v1/registrations/{registration_id:int}/reject",
    guards=[requires_organiser],
    tags=TAGS,
    status_code=HTTP_200_OK,
    summary="Reject a pending registration (organisers)",
)
async def reject_registration(request: Request, registration_id: FromPath[int]) -> RegistrationRead:
    user = current_user(request)
    return await read_for_viewer(await reject(user, registration_id), user.id)


@post(
    "/api/v1/registrations/{registration_id:int}/accept-offer",
    guards=[requires_login],
    tags=TAGS,
    status_code=HTTP_200_OK,
    summary="Accept the seat offered from the waiting list (its attendee)",
    description="Before `offer_expires_at`; afterwards 409 `offer_expired`.",
)
async def accept_registration_offer(request: Request, registration_id: FromPath[int]) -> RegistrationRead:
    user = current_user(request)
    return await read_for_viewer(await accept_offer(user, registration_id), user.id)


@put(
    "/api/v1/events/{event_id:int}/registrations/{registration_id:int}/seat",
    guards=[requires_organiser],
    tags=TAGS,
    status_code=HTTP_200_OK,
    summary="Set or clear a registration's seat (organisers)",
    description=(
        'Free text shown on the attendee\'s ticket, e.g. "Hall A · Row 3 · Seat 12" (at most 120 '
        'characters); `""` clears it. The ticket\'s QR code stays the same.'
    ),
)
async def put_registration_seat(
    request: Request, event_id: FromPath[int], registration_id: FromPath[int], data: JSONBody[SeatUpdate]
) -> SeatRead:
    return await set_seat(current_user(request), event_id, registration_id, data.seat)


ROUTES = [
    create_registration,
    list_registrations,
    export_registrations,
    list_my_registrations,
    get_registration,
    cancel_registration,
    approve_registration,
    reject_registration,
    accept_registration_offer,
    put_registration_seat,
]
