"""Test data for the check-in dashboard: lists, registrations and scans written with Piccolo,
so figures can be checked at exact times (the scan API stamps scans with the current time)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

from tests.factories import Factory, TestUser

_nonces = itertools.count(1)


async def checkin_list(event_id: int, name: str = "Main entrance", **fields: Any) -> int:
    from checkin.tables import CheckinList

    row = CheckinList(event=event_id, name_en=name, name_zh=fields.pop("name_zh", "主入口"), **fields)
    await row.save()
    return row.id


async def registration(
    factory: Factory,
    event_id: int,
    ticket_type_id: int,
    *,
    status: str = "confirmed",
    name: str | None = None,
) -> int:
    from events.tables import Registration

    user = await factory.user(name=name)
    row = Registration(
        event=event_id,
        ticket_type=ticket_type_id,
        user=user.id,
        status=status,
        code=uuid.uuid4().hex[:12].upper(),
        attendee_name=user.display_name,
        attendee_email=user.email,
    )
    await row.save()
    return row.id


async def scan(
    event_id: int,
    list_id: int,
    registration_id: int,
    at: dt.datetime,
    *,
    direction: str = "entry",
    admitted: bool = True,
    code: str = "ok",
    device: str = "North door 1",
    offline: bool = False,
    conflict: bool = False,
) -> int:
    """One ``Checkin`` row plus the presence change an admission makes."""
    from checkin.tables import Checkin, CheckinPresence

    row = Checkin(
        event=event_id,
        checkin_list=list_id,
        registration=registration_id,
        device_label=device,
        nonce_key=f"test:{next(_nonces)}:{uuid.uuid4().hex}",
        direction=direction,
        code=code,
        admitted=admitted,
        offline=offline,
        conflict=conflict,
        scanned_at=at,
    )
    await row.save()
    if not admitted:
        return row.id
    where = (CheckinPresence.checkin_list == list_id) & (CheckinPresence.registration == registration_id)
    presence = await CheckinPresence.objects().where(where).first()
    if presence is None:
        await CheckinPresence(
            event=event_id,
            checkin_list=list_id,
            registration=registration_id,
            inside=direction == "entry",
            entries=1,
            first_checkin=row.id,
            first_at=at,
            last_at=at,
        ).save()
    else:
        entries = presence.entries + (1 if direction == "entry" else 0)
        await CheckinPresence.update(
            {
                CheckinPresence.inside: direction == "entry",
                CheckinPresence.entries: entries,
                CheckinPresence.last_at: at,
            }
        ).where(CheckinPresence.id == presence.id)
    return row.id


async def staff_member(factory: Factory, event_id: int) -> TestUser:
    from events.tables import EventStaff

    user = await factory.user()
    await EventStaff(event=event_id, user=user.id).save()
    return user
