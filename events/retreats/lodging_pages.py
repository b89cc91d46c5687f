"""Lodging pages: hotels and rooms with the inventory, the room plan (automatic pass, moves,
swaps), travel plans and the day's pick-ups, printable manifests, and the guest's travel form.

Forms post back and redirect (PRG) with a flash message; invalid input re-renders with the
errors (422); a clash answers the room plan with the clash named (409).
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from app.auth import current_user, requires_login, requires_organiser
from app.errors import DomainError, InvalidInput
from app.forms import convert_form, read_form
from app.i18n import N_, _
from app.templating import page, set_flash
from events.access import organiser_event
from events.page_helpers import checkboxes, local_datetimes, translated_errors
from events.retreats import manifests, room_assignment, room_changes, rooms, transport
from events.retreats.lodging_controllers import csv_response
from events.retreats.lodging_schemas import (
    HotelCreate,
    MoveRequest,
    ReleaseRequest,
    RoomBatchCreate,
    RoomTypeCreate,
    SwapRequest,
    TravelWrite,
)
from events.timezones import input_value

OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_organiser]}
GUEST: dict[str, Any] = {"include_in_schema": False, "guards": [requires_login]}
BASE = "/dashboard/events/{event_id:int}/retreat"
DIRECTIONS = (("arrival", N_("Arrival")), ("departure", N_("Departure")))
MODES = (("train", N_("Train")), ("flight", N_("Flight")), ("car", N_("Car")), ("other", N_("Other")))
KIND_LABELS = {"hotel": N_("Hotel"), "buses": N_("Buses"), "restaurant": N_("Restaurant")}
RANGE = re.compile(r"^(\D*)(\d+)\s*-\s*(\d+)$")


def _base(event_id: int, part: str) -> str:
    return f"/dashboard/events/{event_id}/retreat/{part}"


def _errors(exc: DomainError) -> dict[str, str]:
    if isinstance(exc, InvalidInput) and exc.errors:
        return {**translated_errors(exc.errors), "form": exc.detail()}
    return {"form": exc.detail()}


def room_numbers(text: str) -> list[str]:
    """``301-305, 310, A1`` as single numbers (a range keeps its prefix and zero padding)."""
    numbers: list[str] = []
    text = re.sub(r"\s*[-–~]\s*", "-", text)
    for part in (p for p in re.split(r"[,\s，、;；]+", text) if p):
        match = RANGE.match(part)
        if match and int(match.group(3)) - int(match.group(2)) < 500:
            prefix, first, last = match.group(1), match.group(2), match.group(3)
            width = len(first)
            numbers.extend(f"{prefix}{n:0{width}d}" for n in range(int(first), int(last) + 1))
        else:
            numbers.append(part)
    return numbers


# -- hotels, rooms, inventory ---------------------------------------------------------------------------
async def _lodging(
    request: Request, event_id: int, status: int = 200, section: str = "", errors=None, values=None
) -> Template:
    event = await organiser_event(current_user(request), event_id)
    return await page(
        request,
        "retreats/lodging/manage.html",
        status,
        event=event,
        hotels=await rooms.hotels_of(event_id),
        inventory=await rooms.inventory(event),
        nights=rooms.event_nights(event),
        section=section,
        errors=errors or {},
        values=values or {},
    )


@get(BASE + "/lodging", **OPTS)
async def lodging_page(request: Request, event_id: FromPath[int]) -> Template:
    return await _lodging(request, event_id)


async def _lodging_form(
    request: Request, event_id: int, section: str, schema: type, action: Any, done: str
) -> Template | Redirect:
    raw = await read_form(request)
    data = dict(raw)
    if schema is RoomBatchCreate:
        data["numbers"] = room_numbers(str(raw.get("numbers", "")))
    form, errors = convert_form(data, schema)
    if form is None:
        return await _lodging(request, event_id, 422, section, errors, raw)
    try:
        await action(form)
    except DomainError as exc:
        return await _lodging(request, event_id, exc.status, section, _errors(exc), raw)
    set_flash(request, _(done))
    return Redirect(_base(event_id, "lodging") + f"#{section}", status_code=303)


@post(BASE + "/lodging/hotels", **OPTS)
async def add_hotel(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)
    return await _lodging_form(
        request,
        event_id,
        "hotels",
        HotelCreate,
        lambda f: rooms.create_hotel(user, event_id, f),
        N_("The hotel is added."),
    )


@post(BASE + "/lodging/hotels/{hotel_id:int}/room-types", **OPTS)
async def add_room_type(
    request: Request, event_id: FromPath[int], hotel_id: FromPath[int]
) -> Template | Redirect:
    user = current_user(request)
    return await _lodging_form(
        request,
        event_id,
        f"hotel-{hotel_id}",
        RoomTypeCreate,
        lambda f: rooms.create_room_type(user, event_id, hotel_id, f),
        N_("The room type is added."),
    )


@post(BASE + "/lodging/room-types/{room_type_id:int}/rooms", **OPTS)
async def add_rooms(
    request: Request, event_id: FromPath[int], room_type_id: FromPath[int]
) -> Template | Redirect:
    user = current_user(request)
    return await _lodging_form(
        request,
        event_id,
        f"type-{room_type_id}",
        RoomBatchCreate,
        lambda f: rooms.create_rooms(user, event_id, room_type_id, f),
        N_("The rooms are added."),
    )


@post(BASE + "/lodging/{what:str}/{item_id:int}/delete", **OPTS)
async def delete_item(
    request: Request, event_id: FromPath[int], what: FromPath[str], item_id: FromPath[int]
) -> Redirect:
    user = current_user(request)
    deleters = {
        "hotels": rooms.delete_hotel,
        "room-types": rooms.delete_room_type,
        "rooms": rooms.delete_room,
    }
    if what not in deleters:
        await organiser_event(user, event_id)
        return Redirect(_base(event_id, "lodging"), status_code=303)
    await deleters[what](user, event_id, item_id)
    set_flash(request, _("Deleted."))
    return Redirect(_base(event_id, "lodging"), status_code=303)


# -- the room plan ---------------------------------------------------------------------------------
async def _plan(request: Request, event_id: int, status: int = 200, errors=None) -> Template:
    event = await organiser_event(current_user(request), event_id)
    return await page(
        request,
        "retreats/lodging/assignment.html",
        status,
        event=event,
        parties=await room_assignment.party_stays(event),
        rooms=await rooms.event_rooms(event_id),
        nights=rooms.event_nights(event),
        errors=errors or {},
    )


@get(BASE + "/rooms", **OPTS)
async def plan_page(request: Request, event_id: FromPath[int]) -> Template:
    return await _plan(request, event_id)


@post(BASE + "/rooms/{action:str}", **OPTS)
async def plan_change(
    request: Request, event_id: FromPath[int], action: FromPath[str]
) -> Template | Redirect:
    user = current_user(request)
    schemas = {"move": MoveRequest, "swap": SwapRequest, "release": ReleaseRequest}
    services = {
        "move": room_changes.move_party,
        "swap": room_changes.swap_parties,
        "release": room_changes.release_party,
    }
    if action == "auto":
        result = await room_assignment.auto_assign(user, event_id)
        text = _("Rooms assigned: %(placed)s parties placed, %(unplaced)s could not be placed.")
        set_flash(
            request,
            text % {"placed": result.placed, "unplaced": len(result.unplaced)},
            "warning" if result.unplaced else "success",
        )
        return Redirect(_base(event_id, "rooms"), status_code=303)
    if action not in schemas:
        return await _plan(request, event_id, 404, {"form": _("Not found.")})
    raw = await read_form(request)
    if isinstance(raw.get("nights"), str):
        raw["nights"] = [raw["nights"]]
    form, errors = convert_form(raw, schemas[action])
    if form is None:
        return await _plan(request, event_id, 422, errors)
    try:
        await services[action](user, event_id, form)
    except DomainError as exc:
        return await _plan(request, event_id, exc.status, _errors(exc))
    set_flash(request, _("The room plan is saved."))
    return Redirect(_base(event_id, "rooms"), status_code=303)


# -- travel and pick-ups --------------------------------------------------------------------------
def _travel_values(plans: list[Any], tz: str) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {}
    for plan in plans:
        values[plan.direction] = {
            "at": input_value(plan.at, tz),
            "mode": plan.mode,
            "number": plan.number,
            "station_en": plan.station_en,
            "station_zh": plan.station_zh,
            "pickup": plan.pickup,
            "vehicle": plan.vehicle,
            "note": plan.note,
        }
    return values


def _travel_form(raw: dict[str, Any], tz: str) -> tuple[TravelWrite | None, dict[str, str]]:
    data = dict(raw)
    checkboxes(data, "pickup")
    local_datetimes(data, tz, "at")
    return convert_form(data, TravelWrite)


async def _party_travel(
    request: Request,
    event_id: int,
    guest_id: int,
    status: int = 200,
    direction: str = "",
    errors=None,
    raw=None,
) -> Template:
    user = current_user(request)
    event = await organiser_event(user, event_id)
    party = await room_assignment.party_of(event, guest_id)
    values = _travel_values(await transport.party_travel(user, event_id, guest_id), event["timezone"])
    if raw is not None:
        values[direction] = raw
    return await page(
        request, "retreats/lodging/travel.html", status, event=event, party=party, values=values, errors=errors or {},
        section=direction, directions=DIRECTIONS, modes=MODES, organiser=True,
        action=_base(event_id, f"parties/{guest_id}/travel"),
    )  # fmt: skip


@get(BASE + "/parties/{guest_id:int}/travel", **OPTS)
async def party_travel_page(request: Request, event_id: FromPath[int], guest_id: FromPath[int]) -> Template:
    return await _party_travel(request, event_id, guest_id)


@post(BASE + "/parties/{guest_id:int}/travel/{direction:str}", **OPTS)
async def party_travel_save(
    request: Request, event_id: FromPath[int], guest_id: FromPath[int], direction: FromPath[str]
) -> Template | Redirect:
    user = current_user(request)
    event = await organiser_event(user, event_id)
    if direction not in ("arrival", "departure"):
        return await _party_travel(request, event_id, guest_id, 404)
    raw = await read_form(request)
    form, errors = _travel_form(raw, event["timezone"])
    if form is None:
        return await _party_travel(request, event_id, guest_id, 422, direction, errors, raw)
    await transport.save_travel(user, event_id, guest_id, direction, form)
    set_flash(request, _("The travel plan is saved."))
    return Redirect(_base(event_id, f"parties/{guest_id}/travel"), status_code=303)


@get(BASE + "/pickups", **OPTS)
async def pickups_page(
    request: Request, event_id: FromPath[int], day: FromQuery[str | None] = None
) -> Template:
    event = await organiser_event(current_user(request), event_id)
    days = rooms.event_days(event)
    chosen = day if day in days else days[0]
    return await page(
        request, "retreats/lodging/pickups.html", event=event, days=days, day=chosen,
        pickups=await transport.pickup_list(event, chosen),
    )  # fmt: skip


# -- manifests ----------------------------------------------------------------------------------------
@get(BASE + "/manifests", **OPTS)
async def manifest_page(
    request: Request,
    event_id: FromPath[int],
    kind: FromQuery[str] = "hotel",
    day: FromQuery[str | None] = None,
) -> Template:
    user = current_user(request)
    event = await organiser_event(user, event_id)
    days = rooms.event_days(event)
    chosen = day if day in days else days[0]
    kind = kind if kind in manifests.KINDS else "hotel"
    data = await manifests.manifest(user, event_id, kind, chosen)
    return await page(
        request, "retreats/manifests/manifest.html", event=event, days=days, day=chosen, kind=kind,
        kinds=KIND_LABELS, manifest=data,
    )  # fmt: skip


@get(BASE + "/manifests/{kind:str}/csv", **OPTS)
async def manifest_download(
    request: Request, event_id: FromPath[int], kind: FromPath[str], day: FromQuery[str]
) -> Response[bytes]:
    data = await manifests.manifest(current_user(request), event_id, kind, day)
    return csv_response(data, event_id)


# -- the guest's travel form -------------------------------------------------------------------------
async def _my_travel(
    request: Request, event_id: int, status: int = 200, direction: str = "", errors=None, raw=None
) -> Template:
    event, party, plans = await transport.my_travel(current_user(request), event_id)
    values = _travel_values(plans, event["timezone"])
    if raw is not None:
        values[direction] = raw
    return await page(
        request, "retreats/lodging/travel.html", status, event=event, party=party, values=values, errors=errors or {},
        section=direction, directions=DIRECTIONS, modes=MODES, organiser=False,
        action=f"/me/retreats/{event_id}/travel",
    )  # fmt: skip


@get("/me/retreats/{event_id:int}/travel", **GUEST)
async def my_travel_page(request: Request, event_id: FromPath[int]) -> Template:
    return await _my_travel(request, event_id)


@post("/me/retreats/{event_id:int}/travel/{direction:str}", **GUEST)
async def my_travel_save(
    request: Request, event_id: FromPath[int], direction: FromPath[str]
) -> Template | Redirect:
    user = current_user(request)
    event, _party, _plans = await transport.my_travel(user, event_id)
    if direction not in ("arrival", "departure"):
        return await _my_travel(request, event_id, 404)
    raw = await read_form(request)
    form, errors = _travel_form(raw, event["timezone"])
    if form is None:
        return await _my_travel(request, event_id, 422, direction, errors, raw)
    await transport.save_my_travel(user, event_id, direction, form)
    set_flash(request, _("Thank you. Your travel plan is saved."))
    return Redirect(f"/me/retreats/{event_id}/travel", status_code=303)


ROUTES = [
    lodging_page, add_hotel, add_room_type, add_rooms, delete_item, plan_page, plan_change,
    party_travel_page, party_travel_save, pickups_page, manifest_page, manifest_download, my_travel_page, my_travel_save,
]  # fmt: skip
