"""The organiser's manual room changes: move a party, swap two parties' rooms, release a party.

Each works in one transaction behind the event's lock (``room_assignment.lock_event``), checks
first so a clash answers a clear 409 naming the nights, and turns a concurrent writer's hit on
the unique (room, night) index into the same answer (see ``events.retreats.room_assignment``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.auth import CurrentUser
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from events.access import organiser_event
from events.retreats.lodging_schemas import (
    MoveRequest,
    PartyRead,
    ReleaseRequest,
    RoomTaken,
    RoomTooSmall,
    SwapRequest,
)
from events.retreats.room_assignment import is_room_clash, lock_event, party_of, party_read
from events.retreats.rooms import event_rooms
from events.tables import RoomNight


def _nights(requested: list[str] | None, default: list[str]) -> list[str]:
    nights = sorted(set(requested if requested else default))
    for night in nights:
        try:
            dt.date.fromisoformat(night)
        except ValueError as exc:
            raise InvalidInput({"nights": N_("Use dates such as 2026-05-01.")}) from exc
    if not nights:
        raise InvalidInput({"nights": N_("Choose at least one night.")})
    return nights


def _check_fits(room: dict[str, Any], size: int) -> None:
    if room["beds"] < size:
        raise RoomTooSmall(
            {"room_id": N_("This room does not sleep the whole party.")},
            N_("Room %(room)s sleeps %(beds)s; the party has %(size)s people."),
            room=room["number"],
            beds=room["beds"],
            size=size,
        )


def _clash(room: dict[str, Any], nights: list[str], occupant: int | None = None) -> RoomTaken:
    clashes = [
        {"night": n, "room_id": room["id"], "room": room["number"], "guest_registration_id": occupant}
        for n in nights
    ]
    return RoomTaken(room=room["number"], night=nights[0], extra={"clashes": clashes})


async def move_party(user: CurrentUser, event_id: int, data: MoveRequest) -> PartyRead:
    """Put a party in ``data.room_id`` for some or all of its nights (409 if anyone else is there)."""
    event = await organiser_event(user, event_id)
    party = await party_of(event, data.guest_registration_id)
    room = next((r for r in await event_rooms(event_id) if r["id"] == data.room_id), None)
    if room is None:
        raise NotFound()
    nights = _nights(data.nights, party.nights)
    _check_fits(room, party.size)
    closed = [n for n in nights if not room["first_night"] <= n <= room["last_night"]]
    if closed:
        raise InvalidInput({"nights": N_("The room is not available on some of these nights.")})
    try:
        async with RoomNight._meta.db.transaction():
            await lock_event(event_id)
            others = await RoomNight.select(RoomNight.night, RoomNight.guest_registration).where(
                (RoomNight.room == room["id"])
                & RoomNight.night.is_in(nights)
                & (RoomNight.guest_registration != party.guest_registration_id)
            )
            if others:
                first = min(others, key=lambda r: r["night"])
                raise _clash(room, sorted(r["night"] for r in others), first["guest_registration"])
            await RoomNight.delete().where(
                (RoomNight.guest_registration == party.guest_registration_id) & RoomNight.night.is_in(nights)
            )
            await RoomNight.insert(
                *[
                    RoomNight(
                        room=room["id"],
                        night=n,
                        guest_registration=party.guest_registration_id,
                        assigned_by=user.id,
                    )
                    for n in nights
                ]
            )
    except RoomTaken:
        raise
    except Exception as exc:  # a concurrent writer got there between the check and the insert
        if is_room_clash(exc):
            raise _clash(room, nights) from exc
        raise
    return await party_read(event, party.guest_registration_id)


async def swap_parties(user: CurrentUser, event_id: int, data: SwapRequest) -> list[PartyRead]:
    """Exchange the rooms of two parties on the nights both have one (or the nights given)."""
    event = await organiser_event(user, event_id)
    first = await party_of(event, data.first_guest_registration_id)
    second = await party_of(event, data.second_guest_registration_id)
    if first.guest_registration_id == second.guest_registration_id:
        raise InvalidInput({"second_guest_registration_id": N_("Choose two different parties.")})
    rooms = {r["id"]: r for r in await event_rooms(event_id)}
    ids = [first.guest_registration_id, second.guest_registration_id]
    try:
        async with RoomNight._meta.db.transaction():
            await lock_event(event_id)
            rows = await RoomNight.select().where(RoomNight.guest_registration.is_in(ids))
            a = {r["night"]: r["room"] for r in rows if r["guest_registration"] == ids[0]}
            b = {r["night"]: r["room"] for r in rows if r["guest_registration"] == ids[1]}
            nights = _nights(data.nights, sorted(set(a) & set(b)))
            if any(n not in a or n not in b for n in nights):
                raise InvalidInput({"nights": N_("Both parties need a room on every night to swap.")})
            for night in nights:
                _check_fits(rooms[b[night]], first.size)
                _check_fits(rooms[a[night]], second.size)
            await RoomNight.delete().where(
                RoomNight.guest_registration.is_in(ids) & RoomNight.night.is_in(nights)
            )
            swapped = [(b[n], n, ids[0]) for n in nights] + [(a[n], n, ids[1]) for n in nights]
            await RoomNight.insert(
                *[
                    RoomNight(room=r, night=n, guest_registration=g, assigned_by=user.id)
                    for r, n, g in swapped
                ]
            )
    except Exception as exc:
        if is_room_clash(exc):
            raise Conflict(N_("Rooms changed while swapping. Please try again.")) from exc
        raise
    return [await party_read(event, ids[0]), await party_read(event, ids[1])]


async def release_party(user: CurrentUser, event_id: int, data: ReleaseRequest) -> PartyRead:
    """Take a party out of its rooms (some nights or all); the next automatic pass may refill them."""
    event = await organiser_event(user, event_id)
    party = await party_of(event, data.guest_registration_id)
    query = RoomNight.delete().where(RoomNight.guest_registration == party.guest_registration_id)
    if data.nights:
        query = query.where(RoomNight.night.is_in(_nights(data.nights, party.nights)))
    await query
    return await party_read(event, party.guest_registration_id)
