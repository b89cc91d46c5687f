"""Builders for lodging tests: a retreat with fixed dates, parties of given sizes and travel
dates, hotels with room types and rooms, straight into the tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from tests.factories import Factory, TestUser, unique

TZ = ZoneInfo("Asia/Shanghai")
FIRST_DAY = dt.date(2031, 5, 10)  # a retreat from 10 May 14:00 to 14 May 12:00: nights 10..13
NIGHTS = [(FIRST_DAY + dt.timedelta(days=n)).isoformat() for n in range(4)]
DAYS = [(FIRST_DAY + dt.timedelta(days=n)).isoformat() for n in range(5)]


def local(day: int, hhmm: str) -> dt.datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    date = FIRST_DAY + dt.timedelta(days=day)
    return dt.datetime(date.year, date.month, date.day, hour, minute, tzinfo=TZ)


@dataclass
class Lodging:
    organiser: TestUser
    organisation_id: int
    event_id: int
    ticket_type_id: int
    parties: dict[str, int] = field(default_factory=dict)  # label -> guest registration id
    members: dict[str, list[int]] = field(default_factory=dict)  # label -> registration ids
    rooms: dict[str, int] = field(default_factory=dict)  # room number -> room id

    @property
    def base(self) -> str:
        return f"/api/v1/retreats/{self.event_id}/lodging"


async def lodging_retreat(factory: Factory) -> Lodging:
    organiser, org = await factory.organiser()
    event_id = await factory.event(
        org, kind="retreat", invitation_only=True, starts_at=local(0, "14:00"), ends_at=local(4, "12:00")
    )
    ticket = await factory.ticket_type(event_id, capacity=500)
    return Lodging(organiser, org, event_id, ticket)


async def _registration(lodging: Lodging, name: str, user_id: int, email: str) -> int:
    from events.tables import Registration

    row = Registration(
        event=lodging.event_id,
        ticket_type=lodging.ticket_type_id,
        user=user_id,
        status="confirmed",
        code=unique("R")[-12:],
        attendee_name=name,
        attendee_email=email,
    )
    await row.save()
    return row.id


async def party(
    factory: Factory,
    lodging: Lodging,
    label: str,
    size: int,
    *,
    arrival: dt.datetime | None = None,
    departure: dt.datetime | None = None,
    guest: TestUser | None = None,
    station: str = "Yiwu Station",
    vehicle: str = "",
) -> int:
    """A guest (a real account when ``guest`` is given) and ``size - 1`` companions."""
    from app.accounts.tables import User
    from events.tables import Companion, TravelPlan

    if guest is None:
        user = User(email=f"{unique(label)}@example.test", password_hash="!", display_name=label)
        await user.save()
        guest_id, email = user.id, user.email
    else:
        guest_id, email = guest.id, guest.email
    guest_reg = await _registration(lodging, f"{label} guest", guest_id, email)
    members = [guest_reg]
    for n in range(1, size):
        user = User(email=f"{unique(label)}@example.test", password_hash="!", display_name=f"{label} {n}")
        await user.save()
        reg = await _registration(lodging, f"{label} companion {n}", user.id, user.email)
        await Companion(registration=reg, guest_registration=guest_reg).save()
        members.append(reg)
    for direction, at in (("arrival", arrival), ("departure", departure)):
        if at is not None:
            await TravelPlan(
                guest_registration=guest_reg,
                direction=direction,
                mode="train",
                number=f"G{len(members)}{direction[0].upper()}",
                at=at,
                station_en=station,
                station_zh="义乌站",
                pickup=True,
                vehicle=vehicle,
            ).save()
    lodging.parties[label] = guest_reg
    lodging.members[label] = members
    return guest_reg


async def hotel(lodging: Lodging, name: str, types: list[tuple[str, int, list[str]]]) -> int:
    """A hotel with room types ``(name, beds, room numbers)``, every room open every night."""
    from events.tables import Hotel, Room, RoomType

    row = Hotel(event=lodging.event_id, name_en=name, name_zh=name + "酒店")
    await row.save()
    for type_name, beds, numbers in types:
        room_type = RoomType(hotel=row.id, name_en=type_name, name_zh=type_name, beds=beds)
        await room_type.save()
        for number in numbers:
            room = Room(room_type=room_type.id, number=number, first_night=NIGHTS[0], last_night=NIGHTS[-1])
            await room.save()
            lodging.rooms[number] = room.id
    return row.id


async def room_of(guest_registration_id: int) -> dict[str, str]:
    """Night -> room number of a party."""
    from events.tables import RoomNight

    rows = await RoomNight.select(RoomNight.night, RoomNight.room.number.as_alias("number")).where(
        RoomNight.guest_registration == guest_registration_id
    )
    return {r["night"]: r["number"] for r in rows}
