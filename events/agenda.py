"""Agenda sessions of an event: time, room and speakers, within the event's dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from app.auth import CurrentUser
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from events.access import organiser_event, public_event
from events.schemas import AgendaSessionCreate, AgendaSessionRead, AgendaSessionUpdate
from events.services import editable_event
from events.tables import AgendaSession
from events.timezones import local_day_bounds, to_utc


def session_read(row: dict[str, Any]) -> AgendaSessionRead:
    return AgendaSessionRead(
        id=row["id"],
        event_id=row["event"],
        title_en=row["title_en"],
        title_zh=row["title_zh"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        room=row["room"],
        speakers=list(row["speakers"] or []),
    )


async def sessions_of(event_id: int) -> list[AgendaSessionRead]:
    """No access check: callers have checked the event already."""
    rows = (
        await AgendaSession.select()
        .where(AgendaSession.event == event_id)
        .order_by(AgendaSession.starts_at, AgendaSession.id)
        .output(load_json=True)
    )
    return [session_read(r) for r in rows]


async def public_sessions(event_id: int, viewer: CurrentUser | None) -> list[AgendaSessionRead]:
    await public_event(event_id, viewer)
    return await sessions_of(event_id)


async def organiser_sessions(user: CurrentUser, event_id: int) -> list[AgendaSessionRead]:
    await organiser_event(user, event_id)
    return await sessions_of(event_id)


def _check_within(event: dict[str, Any], starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at < starts_at:
        raise InvalidInput({"ends_at": N_("The end must not be before the start.")})
    first_day, _ = local_day_bounds(event["starts_at"], event["timezone"])
    _, after_last_day = local_day_bounds(event["ends_at"], event["timezone"])
    if starts_at < first_day or starts_at >= after_last_day:
        raise InvalidInput({"starts_at": N_("Sessions must take place within the event's dates.")})
    if ends_at > after_last_day:
        raise InvalidInput({"ends_at": N_("Sessions must take place within the event's dates.")})


async def _get(event_id: int, session_id: int) -> dict[str, Any]:
    row = (
        await AgendaSession.select()
        .where((AgendaSession.id == session_id) & (AgendaSession.event == event_id))
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


async def create_session(user: CurrentUser, event_id: int, data: AgendaSessionCreate) -> AgendaSessionRead:
    event = await editable_event(user, event_id)
    tz = event["timezone"]
    starts_at, ends_at = to_utc(data.starts_at, tz), to_utc(data.ends_at, tz)
    _check_within(event, starts_at, ends_at)
    row = AgendaSession(
        event=event_id,
        title_en=data.title_en,
        title_zh=data.title_zh,
        starts_at=starts_at,
        ends_at=ends_at,
        room=data.room,
        speakers=list(data.speakers),
    )
    await row.save()
    return session_read(await _get(event_id, row.id))


async def update_session(
    user: CurrentUser, event_id: int, session_id: int, data: AgendaSessionUpdate
) -> AgendaSessionRead:
    event = await editable_event(user, event_id)
    current = await _get(event_id, session_id)
    changes = {f: v for f in data.__struct_fields__ if (v := getattr(data, f)) is not msgspec.UNSET}
    for key in ("starts_at", "ends_at"):
        if key in changes:
            changes[key] = to_utc(changes[key], event["timezone"])
    _check_within(
        event, changes.get("starts_at", current["starts_at"]), changes.get("ends_at", current["ends_at"])
    )
    if "speakers" in changes:
        changes["speakers"] = list(changes["speakers"])
    if changes:
        await AgendaSession.update(
            {AgendaSession._meta.get_column_by_name(k): v for k, v in changes.items()}
        ).where((AgendaSession.id == session_id) & (AgendaSession.event == event_id))
    return session_read(await _get(event_id, session_id))


async def delete_session(user: CurrentUser, event_id: int, session_id: int) -> None:
    await editable_event(user, event_id)
    deleted = (
        await AgendaSession.delete()
        .where((AgendaSession.id == session_id) & (AgendaSession.event == event_id))
        .returning(AgendaSession.id)
    )
    if not deleted:
        raise NotFound()
