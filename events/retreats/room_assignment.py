"""Who sleeps where: parties and the automatic room assignment (the organiser's manual changes
are in ``events.retreats.room_changes``).

A party is a guest's confirmed registration and its confirmed companions; it stays from its
arrival day to the night before its departure day (its travel plans), else every night of the
event. The unique index on (room, night) makes double booking impossible: every writer works in
one transaction, checks first so a clash answers a clear 409, and a concurrent writer that slips
past the check hits the index and gets the same 409. On PostgreSQL the writers of one event also
queue on a lock of the event's row, so a party cannot end up in two rooms on one night either
(SQLite transactions are already serialised by the engine's write lock).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app.auth import CurrentUser
from app.db import is_sqlite
from app.errors import Conflict, NotFound
from app.i18n import N_, localized
from events.access import organiser_event
from events.retreats.lodging_schemas import (
    AssignmentResult,
    PartyRead,
    Stay,
    UnplacedParty,
)
from events.retreats.rooms import event_nights, event_rooms, local_day, nights_between
from events.tables import Companion, Event, Registration, RoomNight, TravelPlan

AUTO_ATTEMPTS = 3


def is_room_clash(exc: BaseException) -> bool:
    """Did a write hit the (room, night) unique index (SQLite or PostgreSQL)?"""
    text = str(exc).lower()
    return "unique" in text and ("luyan_room_night" in text or "room_night" in text)


@dataclass(slots=True)
class Party:
    guest_registration_id: int
    name: str
    member_ids: list[int] = field(default_factory=list)  # the guest first, then companions
    members: list[str] = field(default_factory=list)
    nights: list[str] = field(default_factory=list)
    arrival: dict[str, Any] | None = None
    departure: dict[str, Any] | None = None

    @property
    def size(self) -> int:
        return len(self.member_ids)


def party_nights(
    event: dict[str, Any], arrival: dt.datetime | None, departure: dt.datetime | None
) -> list[str]:
    tz = event.get("timezone") or "Asia/Shanghai"
    default = event_nights(event)
    first = local_day(arrival, tz) if arrival else dt.date.fromisoformat(default[0])
    if departure:
        last = local_day(departure, tz) - dt.timedelta(days=1)
    else:
        last = dt.date.fromisoformat(default[-1])
    return nights_between(first, last)


async def event_parties(event: dict[str, Any]) -> list[Party]:
    """Every party of the event in a stable order (guest registration id)."""
    event_id = event["id"]
    regs = await Registration.select(Registration.id, Registration.attendee_name).where(
        (Registration.event == event_id) & (Registration.status == "confirmed")
    )
    names = {r["id"]: r["attendee_name"] for r in regs}
    links = await Companion.select(Companion.registration, Companion.guest_registration).where(
        Companion.guest_registration.event == event_id
    )
    companion_of = {c["registration"]: c["guest_registration"] for c in links}
    parties = {
        rid: Party(rid, name, [rid], [name]) for rid, name in sorted(names.items()) if rid not in companion_of
    }
    for link in sorted(links, key=lambda c: c["registration"]):
        party = parties.get(link["guest_registration"])
        if party is not None and link["registration"] in names:
            party.member_ids.append(link["registration"])
            party.members.append(names[link["registration"]])
    plans = await TravelPlan.select().where(TravelPlan.guest_registration.event == event_id)
    for plan in plans:
        party = parties.get(plan["guest_registration"])
        if party is not None:
            setattr(party, plan["direction"], plan)
    for party in parties.values():
        party.nights = party_nights(
            event,
            party.arrival["at"] if party.arrival else None,
            party.departure["at"] if party.departure else None,
        )
    return list(parties.values())


async def party_of(event: dict[str, Any], guest_registration_id: int) -> Party:
    for party in await event_parties(event):
        if party.guest_registration_id == guest_registration_id:
            return party
    raise NotFound()


async def party_for_user(event: dict[str, Any], user_id: int) -> Party:
    """The party the user belongs to, as its guest or as a companion; else ``NotFound``."""
    own = await Registration.select(Registration.id).where(
        (Registration.event == event["id"])
        & (Registration.user == user_id)
        & (Registration.status == "confirmed")
    )
    ids = {r["id"] for r in own}
    if not ids:
        raise NotFound()
    for party in await event_parties(event):
        if ids & set(party.member_ids):
            return party
    raise NotFound()


# -- reading ----------------------------------------------------------------------------------------
async def _taken(event_id: int) -> list[dict[str, Any]]:
    return await RoomNight.select(
        RoomNight.id, RoomNight.room, RoomNight.night, RoomNight.guest_registration, RoomNight.automatic
    ).where(RoomNight.room.room_type.hotel.event == event_id)


async def party_stays(event: dict[str, Any]) -> list[PartyRead]:
    """Every party with its rooms night by night and the nights still without a room."""
    rooms = {r["id"]: r for r in await event_rooms(event["id"])}
    stays: dict[int, list[Stay]] = {}
    for row in sorted(await _taken(event["id"]), key=lambda r: r["night"]):
        room = rooms[row["room"]]
        stays.setdefault(row["guest_registration"], []).append(
            Stay(
                row["night"],
                room["id"],
                room["number"],
                localized(room["hotel_en"], room["hotel_zh"]),
                row["automatic"],
            )
        )
    result = []
    for party in await event_parties(event):
        own = stays.get(party.guest_registration_id, [])
        covered = {s.night for s in own}
        result.append(
            PartyRead(
                party.guest_registration_id,
                party.name,
                party.members,
                party.size,
                party.nights,
                own,
                [n for n in party.nights if n not in covered],
            )
        )
    return result


async def list_parties(user: CurrentUser, event_id: int) -> list[PartyRead]:
    return await party_stays(await organiser_event(user, event_id))


async def party_read(event: dict[str, Any], guest_registration_id: int) -> PartyRead:
    for party in await party_stays(event):
        if party.guest_registration_id == guest_registration_id:
            return party
    raise NotFound()


# -- writing ----------------------------------------------------------------------------------------
async def lock_event(event_id: int) -> None:
    """Queue the lodging writers of one event (PostgreSQL; SQLite writers are serialised anyway)."""
    if not is_sqlite():
        await Event.select(Event.id).where(Event.id == event_id).lock_rows("NO KEY UPDATE")


def _free(room: dict[str, Any], night: str, occupied: dict[tuple[int, str], int]) -> bool:
    return room["first_night"] <= night <= room["last_night"] and (room["id"], night) not in occupied


def _choose(
    party: Party,
    missing: list[str],
    rooms: list[dict[str, Any]],
    occupied: dict[tuple[int, str], int],
    used: list[int],
) -> tuple[dict[str, int], list[str]]:
    """Night -> room id for ``missing``, and the nights no room could take.

    The smallest room type that sleeps the party first; a room the party already has first
    (continuity); one room for every missing night where possible, else night by night.
    """
    fits = sorted((r for r in rooms if r["beds"] >= party.size), key=lambda r: r["beds"])
    ordered = [r for r in fits if r["id"] in used] + [r for r in fits if r["id"] not in used]
    for room in ordered:
        if all(_free(room, n, occupied) for n in missing):
            return {n: room["id"] for n in missing}, []
    chosen: dict[str, int] = {}
    unplaced: list[str] = []
    previous: int | None = used[0] if used else None
    for night in missing:
        candidates = sorted(ordered, key=lambda r: (r["id"] != previous, r["beds"]))
        room = next((r for r in candidates if _free(r, night, occupied)), None)
        if room is None:
            unplaced.append(night)
            continue
        chosen[night] = previous = room["id"]
    return chosen, unplaced


async def _auto_pass(event: dict[str, Any], actor_id: int | None) -> AssignmentResult:
    parties = await event_parties(event)
    rooms = await event_rooms(event["id"])
    async with RoomNight._meta.db.transaction():
        await lock_event(event["id"])
        taken = await _taken(event["id"])
        occupied = {(r["room"], r["night"]): r["guest_registration"] for r in taken}
        has: dict[int, dict[str, int]] = {}
        for r in taken:
            has.setdefault(r["guest_registration"], {})[r["night"]] = r["room"]
        rows: list[RoomNight] = []
        placed = 0
        unplaced: list[UnplacedParty] = []
        # Big parties and long stays first: they are the hardest to fit.
        for party in sorted(parties, key=lambda p: (-p.size, -len(p.nights), p.guest_registration_id)):
            own = has.get(party.guest_registration_id, {})
            missing = [n for n in party.nights if n not in own]
            if not missing:
                continue
            used = list(dict.fromkeys(own.values()))
            chosen, left = _choose(party, missing, rooms, occupied, used)
            for night, room_id in chosen.items():
                occupied[(room_id, night)] = party.guest_registration_id
                rows.append(
                    RoomNight(
                        room=room_id,
                        night=night,
                        guest_registration=party.guest_registration_id,
                        assigned_by=actor_id,
                        automatic=True,
                    )
                )
            placed += 1 if chosen else 0
            if left:
                unplaced.append(UnplacedParty(party.guest_registration_id, party.name, party.size, left))
        for start in range(0, len(rows), 500):
            await RoomNight.insert(*rows[start : start + 500])
    unplaced.sort(key=lambda u: u.guest_registration_id)
    return AssignmentResult(placed, len(rows), unplaced)


async def assign_rooms(event: dict[str, Any], actor_id: int | None = None) -> AssignmentResult:
    """The automatic pass: fills nights without a room, keeps every existing assignment."""
    for attempt in range(AUTO_ATTEMPTS):
        try:
            return await _auto_pass(event, actor_id)
        except Exception as exc:
            if not is_room_clash(exc):
                raise
            if attempt == AUTO_ATTEMPTS - 1:
                raise Conflict(N_("Rooms changed while assigning. Please try again.")) from exc
    raise AssertionError("unreachable")


async def auto_assign(user: CurrentUser, event_id: int) -> AssignmentResult:
    return await assign_rooms(await organiser_event(user, event_id), user.id)
