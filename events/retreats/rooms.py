"""Hotels, room types and rooms of an event, and the inventory of free rooms and beds per night.

Nights are local dates (``YYYY-MM-DD``): the night starting that evening. An event's nights run
from its first local day to the night before its last day; a room is available from its
``first_night`` to its ``last_night`` inclusive.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from app.auth import CurrentUser
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_, localized
from events.access import organiser_event
from events.retreats.lodging_schemas import (
    HotelCreate,
    HotelRead,
    HotelUpdate,
    Inventory,
    InventoryCell,
    InventoryNight,
    InventoryType,
    RoomBatchCreate,
    RoomCreate,
    RoomRead,
    RoomTypeCreate,
    RoomTypeRead,
)
from events.tables import Hotel, Room, RoomNight, RoomType

MAX_NIGHTS = 60


class RoomNumberTaken(Conflict):
    code = "room_number_taken"
    message = N_("Room %(number)s already exists in this room type.")


# -- nights ---------------------------------------------------------------------------------------
def local_day(value: dt.datetime, tz: str) -> dt.date:
    return value.astimezone(ZoneInfo(tz or "Asia/Shanghai")).date()


def nights_between(first: dt.date, last: dt.date) -> list[str]:
    """Every night from ``first`` to ``last`` inclusive, as ``YYYY-MM-DD``."""
    count = (last - first).days + 1
    return [(first + dt.timedelta(days=n)).isoformat() for n in range(max(count, 0))]


def event_nights(event: dict[str, Any]) -> list[str]:
    """From the first local day to the night before the last day (a one-day event: its day)."""
    tz = event.get("timezone") or "Asia/Shanghai"
    first = local_day(event["starts_at"], tz)
    last = max(local_day(event["ends_at"], tz) - dt.timedelta(days=1), first)
    return nights_between(first, last)


def event_days(event: dict[str, Any]) -> list[str]:
    tz = event.get("timezone") or "Asia/Shanghai"
    return nights_between(local_day(event["starts_at"], tz), local_day(event["ends_at"], tz))


# -- reading ----------------------------------------------------------------------------------------
async def event_rooms(event_id: int) -> list[dict[str, Any]]:
    """Every room of the event with its type and hotel, in a stable order (hotel, type, number)."""
    rows = await Room.select(
        Room.id,
        Room.number,
        Room.first_night,
        Room.last_night,
        Room.room_type.id.as_alias("room_type_id"),
        Room.room_type.beds.as_alias("beds"),
        Room.room_type.name_en.as_alias("type_en"),
        Room.room_type.name_zh.as_alias("type_zh"),
        Room.room_type.hotel.id.as_alias("hotel_id"),
        Room.room_type.hotel.name_en.as_alias("hotel_en"),
        Room.room_type.hotel.name_zh.as_alias("hotel_zh"),
    ).where(Room.room_type.hotel.event == event_id)
    return sorted(rows, key=lambda r: (r["hotel_id"], r["room_type_id"], number_key(r["number"])))


def number_key(number: str) -> tuple:
    """Natural order for room numbers: ``2`` before ``10``, ``A-9`` before ``A-10``."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", number)
    )


async def hotels_of(event_id: int) -> list[HotelRead]:
    hotels = await Hotel.select().where(Hotel.event == event_id).order_by(Hotel.id)
    types = await RoomType.select().where(RoomType.hotel.event == event_id).order_by(RoomType.id)
    rooms = await Room.select().where(Room.room_type.hotel.event == event_id)
    rooms.sort(key=lambda r: number_key(r["number"]))
    by_type: dict[int, list[RoomRead]] = {}
    for r in rooms:
        by_type.setdefault(r["room_type"], []).append(
            RoomRead(r["id"], r["room_type"], r["number"], r["first_night"], r["last_night"])
        )
    by_hotel: dict[int, list[RoomTypeRead]] = {}
    for t in types:
        by_hotel.setdefault(t["hotel"], []).append(
            RoomTypeRead(t["id"], t["hotel"], t["name_en"], t["name_zh"], t["beds"], by_type.get(t["id"], []))
        )
    return [
        HotelRead(
            h["id"], event_id, h["name_en"], h["name_zh"], h["address"], h["phone"], by_hotel.get(h["id"], [])
        )
        for h in hotels
    ]


async def list_hotels(user: CurrentUser, event_id: int) -> list[HotelRead]:
    await organiser_event(user, event_id)
    return await hotels_of(event_id)


async def _hotel(event_id: int, hotel_id: int) -> dict[str, Any]:
    row = await Hotel.select().where((Hotel.id == hotel_id) & (Hotel.event == event_id)).first()
    if row is None:
        raise NotFound()
    return row


async def _room_type(event_id: int, room_type_id: int) -> dict[str, Any]:
    row = (
        await RoomType.select()
        .where((RoomType.id == room_type_id) & (RoomType.hotel.event == event_id))
        .first()
    )
    if row is None:
        raise NotFound()
    return row


async def _one_hotel(event_id: int, hotel_id: int) -> HotelRead:
    for hotel in await hotels_of(event_id):
        if hotel.id == hotel_id:
            return hotel
    raise NotFound()


# -- changing ---------------------------------------------------------------------------------------
async def create_hotel(user: CurrentUser, event_id: int, data: HotelCreate) -> HotelRead:
    await organiser_event(user, event_id)
    row = Hotel(
        event=event_id,
        name_en=data.name_en.strip(),
        name_zh=data.name_zh.strip(),
        address=data.address.strip(),
        phone=data.phone.strip(),
    )
    await row.save()
    return await _one_hotel(event_id, row.id)


async def update_hotel(user: CurrentUser, event_id: int, hotel_id: int, data: HotelUpdate) -> HotelRead:
    await organiser_event(user, event_id)
    await _hotel(event_id, hotel_id)
    changes = {
        getattr(Hotel, name): value.strip()
        for name, value in msgspec.structs.asdict(data).items()
        if value is not msgspec.UNSET
    }
    if changes:
        await Hotel.update(changes).where(Hotel.id == hotel_id)
    return await _one_hotel(event_id, hotel_id)


async def delete_hotel(user: CurrentUser, event_id: int, hotel_id: int) -> None:
    """Deleting a hotel deletes its rooms and their assignments (the parties become unassigned)."""
    await organiser_event(user, event_id)
    await _hotel(event_id, hotel_id)
    await Hotel.delete().where(Hotel.id == hotel_id)


async def create_room_type(
    user: CurrentUser, event_id: int, hotel_id: int, data: RoomTypeCreate
) -> RoomTypeRead:
    await organiser_event(user, event_id)
    await _hotel(event_id, hotel_id)
    row = RoomType(hotel=hotel_id, name_en=data.name_en.strip(), name_zh=data.name_zh.strip(), beds=data.beds)
    await row.save()
    return RoomTypeRead(row.id, hotel_id, row.name_en, row.name_zh, row.beds, [])


async def delete_room_type(user: CurrentUser, event_id: int, room_type_id: int) -> None:
    await organiser_event(user, event_id)
    await _room_type(event_id, room_type_id)
    await RoomType.delete().where(RoomType.id == room_type_id)


def _check_span(event: dict[str, Any], first: dt.date, last: dt.date) -> tuple[str, str]:
    if last < first:
        raise InvalidInput({"last_night": N_("The last night cannot be before the first night.")})
    if (last - first).days >= MAX_NIGHTS:
        raise InvalidInput({"last_night": N_("A room can be available for at most 60 nights.")})
    nights = event_nights(event)
    if first.isoformat() > nights[-1] or last.isoformat() < nights[0]:
        raise InvalidInput({"first_night": N_("Choose nights during the event.")})
    return first.isoformat(), last.isoformat()


async def create_rooms(
    user: CurrentUser, event_id: int, room_type_id: int, data: RoomBatchCreate | RoomCreate
) -> list[RoomRead]:
    """One room or a batch; a number already used in the type is a 409 and nothing is added."""
    event = await organiser_event(user, event_id)
    await _room_type(event_id, room_type_id)
    first, last = _check_span(event, data.first_night, data.last_night)
    numbers = [data.number] if isinstance(data, RoomCreate) else data.numbers
    numbers = [n.strip() for n in numbers if n.strip()]
    if len(set(numbers)) != len(numbers):
        raise InvalidInput({"numbers": N_("Each room number may appear only once.")})
    existing = {r["number"] for r in await Room.select(Room.number).where(Room.room_type == room_type_id)}
    for number in numbers:
        if number in existing:
            raise RoomNumberTaken(number=number)
    rows = [Room(room_type=room_type_id, number=n, first_night=first, last_night=last) for n in numbers]
    try:
        async with Room._meta.db.transaction():
            await Room.insert(*rows)
    except Exception as exc:  # a concurrent insert of the same number
        if "unique" in str(exc).lower():
            raise RoomNumberTaken(number=", ".join(numbers)) from exc
        raise
    return [RoomRead(r.id, room_type_id, r.number, first, last) for r in rows]


async def delete_room(user: CurrentUser, event_id: int, room_id: int) -> None:
    await organiser_event(user, event_id)
    row = (
        await Room.select(Room.id)
        .where((Room.id == room_id) & (Room.room_type.hotel.event == event_id))
        .first()
    )
    if row is None:
        raise NotFound()
    await Room.delete().where(Room.id == room_id)


# -- inventory --------------------------------------------------------------------------------------
async def inventory(event: dict[str, Any]) -> Inventory:
    rooms = await event_rooms(event["id"])
    taken = await RoomNight.select(RoomNight.room, RoomNight.night).where(
        RoomNight.room.room_type.hotel.event == event["id"]
    )
    occupied = {(r["room"], r["night"]) for r in taken}
    nights = sorted(set(event_nights(event)) | {r["night"] for r in taken})
    types: dict[int, InventoryType] = {}
    for room in rooms:
        types.setdefault(
            room["room_type_id"],
            InventoryType(
                room["room_type_id"],
                room["hotel_id"],
                localized(room["hotel_en"], room["hotel_zh"]),
                localized(room["type_en"], room["type_zh"]),
                room["beds"],
            ),
        )
    rows = []
    for night in nights:
        cells = {t: InventoryCell(t, 0, 0, 0, 0) for t in types}
        for room in rooms:
            if not room["first_night"] <= night <= room["last_night"]:
                continue
            cell = cells[room["room_type_id"]]
            cell.rooms_total += 1
            cell.beds_total += room["beds"]
            if (room["id"], night) not in occupied:
                cell.rooms_free += 1
                cell.beds_free += room["beds"]
        rows.append(InventoryNight(night, list(cells.values())))
    return Inventory(nights, list(types.values()), rows)


async def event_inventory(user: CurrentUser, event_id: int) -> Inventory:
    return await inventory(await organiser_event(user, event_id))
