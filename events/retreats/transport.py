"""Arrivals and departures of retreat parties, and the day's pick-up list.

A party has at most one arrival and one departure (unique index on guest registration and
direction). Organisers enter or change any party's plans, including the vehicle; guests and
their companions enter their own party's plans from their phone, but the vehicle stays the
organisers' to decide.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from app.auth import CurrentUser
from app.errors import NotFound
from app.i18n import localized
from events.access import organiser_event
from events.retreats.lodging_schemas import PickupDay, PickupGroup, PickupRow, TravelRead, TravelWrite
from events.retreats.room_assignment import Party, event_parties, party_for_user, party_of
from events.tables import Event, TravelPlan

DIRECTIONS = ("arrival", "departure")


def travel_read(row: dict[str, Any]) -> TravelRead:
    return TravelRead(
        guest_registration_id=row["guest_registration"],
        direction=row["direction"],
        mode=row["mode"],
        number=row["number"],
        at=row["at"],
        station_en=row["station_en"],
        station_zh=row["station_zh"],
        pickup=row["pickup"],
        vehicle=row["vehicle"],
        note=row["note"],
    )


def _aware(value: dt.datetime, tz: str) -> dt.datetime:
    """A time without an offset is local to the event."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz or "Asia/Shanghai"))
    return value.astimezone(dt.UTC)


async def _plans(guest_registration_id: int) -> list[TravelRead]:
    rows = await TravelPlan.select().where(TravelPlan.guest_registration == guest_registration_id)
    return [travel_read(r) for r in sorted(rows, key=lambda r: DIRECTIONS.index(r["direction"]))]


async def _save(
    event: dict[str, Any], party: Party, direction: str, data: TravelWrite, keep_vehicle: bool
) -> list[TravelRead]:
    values: dict[str, Any] = {
        "mode": data.mode,
        "number": data.number.strip(),
        "at": _aware(data.at, event.get("timezone", "")),
        "station_en": data.station_en.strip(),
        "station_zh": data.station_zh.strip(),
        "pickup": data.pickup,
        "note": data.note.strip(),
        "updated_at": dt.datetime.now(dt.UTC),
    }
    if not keep_vehicle:
        values["vehicle"] = data.vehicle.strip()
    where = (TravelPlan.guest_registration == party.guest_registration_id) & (
        TravelPlan.direction == direction
    )
    async with TravelPlan._meta.db.transaction():
        if await TravelPlan.exists().where(where):
            await TravelPlan.update({getattr(TravelPlan, k): v for k, v in values.items()}).where(where)
        else:
            await TravelPlan(
                guest_registration=party.guest_registration_id, direction=direction, **values
            ).save()
    return await _plans(party.guest_registration_id)


# -- organisers ---------------------------------------------------------------------------------------
async def party_travel(user: CurrentUser, event_id: int, guest_registration_id: int) -> list[TravelRead]:
    event = await organiser_event(user, event_id)
    party = await party_of(event, guest_registration_id)
    return await _plans(party.guest_registration_id)


async def save_travel(
    user: CurrentUser, event_id: int, guest_registration_id: int, direction: str, data: TravelWrite
) -> list[TravelRead]:
    event = await organiser_event(user, event_id)
    party = await party_of(event, guest_registration_id)
    return await _save(event, party, direction, data, keep_vehicle=False)


async def delete_travel(user: CurrentUser, event_id: int, guest_registration_id: int, direction: str) -> None:
    event = await organiser_event(user, event_id)
    party = await party_of(event, guest_registration_id)
    await TravelPlan.delete().where(
        (TravelPlan.guest_registration == party.guest_registration_id) & (TravelPlan.direction == direction)
    )


# -- guests -------------------------------------------------------------------------------------------
async def guest_event(event_id: int) -> dict[str, Any]:
    row = await Event.select().where(Event.id == event_id).first()
    if row is None or row["status"] == "draft":
        raise NotFound()
    return row


async def my_travel(user: CurrentUser, event_id: int) -> tuple[dict[str, Any], Party, list[TravelRead]]:
    """The event, the user's party and its plans; ``NotFound`` for anyone outside a party."""
    event = await guest_event(event_id)
    party = await party_for_user(event, user.id)
    return event, party, await _plans(party.guest_registration_id)


async def save_my_travel(
    user: CurrentUser, event_id: int, direction: str, data: TravelWrite
) -> list[TravelRead]:
    event = await guest_event(event_id)
    party = await party_for_user(event, user.id)
    return await _save(event, party, direction, data, keep_vehicle=True)


# -- pick-up list ------------------------------------------------------------------------------------
def _station(plan: dict[str, Any]) -> str:
    return localized(plan["station_en"], plan["station_zh"]) or "—"


def pickups_from(parties: list[Party], day: str, tz: str) -> PickupDay:
    """Arrivals and departures of ``day`` needing a car: by time, grouped by station and vehicle."""
    zone = ZoneInfo(tz or "Asia/Shanghai")
    groups: dict[tuple[str, str, str], PickupGroup] = {}
    firsts: dict[tuple[str, str, str], str] = {}
    entries = []
    for party in parties:
        for plan in (party.arrival, party.departure):
            if plan is None or not plan["pickup"]:
                continue
            local = plan["at"].astimezone(zone)
            if local.date().isoformat() != day:
                continue
            entries.append((local.strftime("%H:%M"), party, plan))
    entries.sort(key=lambda e: (e[0], e[1].guest_registration_id))
    for time, party, plan in entries:
        key = (plan["direction"], _station(plan), plan["vehicle"])
        group = groups.setdefault(key, PickupGroup(plan["direction"], key[1], plan["vehicle"], 0, []))
        firsts.setdefault(key, time)
        group.people += party.size
        group.rows.append(
            PickupRow(
                time,
                party.guest_registration_id,
                party.name,
                party.size,
                plan["mode"],
                plan["number"],
                plan["note"],
            )
        )
    ordered = sorted(
        groups.values(), key=lambda g: (firsts[(g.direction, g.station, g.vehicle)], g.station, g.vehicle)
    )
    return PickupDay(day, sum(g.people for g in ordered), ordered)


async def pickup_list(event: dict[str, Any], day: str) -> PickupDay:
    return pickups_from(await event_parties(event), day, event.get("timezone", ""))


async def event_pickups(user: CurrentUser, event_id: int, day: str) -> PickupDay:
    return await pickup_list(await organiser_event(user, event_id), day)
