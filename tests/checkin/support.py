"""Test data for check-in: a confirmed registration inserted directly."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from tests.factories import Factory


async def confirmed_registration(factory: Factory, event_id: int | None = None, **event_fields: Any) -> dict:
    """Returns ``{"event_id", "ticket_type_id", "registration_id"}``."""
    from events.tables import Registration

    if event_id is None:
        _, org_id = await factory.organiser()
        event_id = await factory.event(org_id, **event_fields)
    ticket_type_id = await factory.ticket_type(event_id)
    user = await factory.user()
    reg = Registration(
        event=event_id,
        ticket_type=ticket_type_id,
        user=user.id,
        status="confirmed",
        code=uuid.uuid4().hex[:12].upper(),
        attendee_name=user.display_name,
        attendee_email=user.email,
    )
    await reg.save()
    return {"event_id": event_id, "ticket_type_id": ticket_type_id, "registration_id": reg.id}


def shanghai(year: int, month: int, day: int, hour: int) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(year, month, day, hour, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(dt.UTC)
