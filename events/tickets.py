"""Ticket types: capacity and sales window (free tickets for now).

``taken`` belongs to the registration service, which changes it only with conditional updates.
This module never writes it; it only makes sure capacity is never set below it, with a
conditional update of its own (``WHERE taken <= new capacity``) so a registration landing
between our read and our write cannot be squeezed out.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from typing import Any

import msgspec

from app.auth import CurrentUser
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from events.access import organiser_event, public_event
from events.schemas import SalesState, TicketTypeCreate, TicketTypeRead, TicketTypeUpdate
from events.services import editable_event, now
from events.tables import Registration, TicketType
from events.timezones import to_utc

log = logging.getLogger("luyan.events")


class CapacityBelowTaken(Conflict):
    code, message = "capacity_below_taken", N_("Capacity cannot be lower than the seats already taken.")


class TicketTypeInUse(Conflict):
    code, message = (
        "ticket_type_in_use",
        N_("People have registered for this ticket type; it cannot be deleted."),
    )


def sales_state(row: dict[str, Any], at: dt.datetime | None = None) -> SalesState:
    at = at or now()
    if row["sales_start"] is not None and at < row["sales_start"]:
        return "not_open"
    if row["sales_end"] is not None and at > row["sales_end"]:
        return "closed"
    return "open"


def ticket_read(row: dict[str, Any]) -> TicketTypeRead:
    return TicketTypeRead(
        id=row["id"],
        event_id=row["event"],
        name_en=row["name_en"],
        name_zh=row["name_zh"],
        capacity=row["capacity"],
        taken=row["taken"],
        available=max(row["capacity"] - row["taken"], 0),
        price_cents=row["price_cents"],
        currency=row["currency"],
        requires_approval=bool(row["requires_approval"]),
        sales_start=row["sales_start"],
        sales_end=row["sales_end"],
        sales_state=sales_state(row),
        position=row["position"],
    )


async def ticket_types_of(event_id: int) -> list[TicketTypeRead]:
    """No access check: callers have checked the event already."""
    rows = (
        await TicketType.select()
        .where(TicketType.event == event_id)
        .order_by(TicketType.position, TicketType.id)
    )
    return [ticket_read(r) for r in rows]


async def public_ticket_types(event_id: int, viewer: CurrentUser | None) -> list[TicketTypeRead]:
    await public_event(event_id, viewer)
    return await ticket_types_of(event_id)


async def organiser_ticket_types(user: CurrentUser, event_id: int) -> list[TicketTypeRead]:
    await organiser_event(user, event_id)
    return await ticket_types_of(event_id)


async def _get(event_id: int, ticket_type_id: int) -> dict[str, Any]:
    row = (
        await TicketType.select()
        .where((TicketType.id == ticket_type_id) & (TicketType.event == event_id))
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def _check_window(start: dt.datetime | None, end: dt.datetime | None) -> None:
    if start is not None and end is not None and end < start:
        raise InvalidInput({"sales_end": N_("Sales must end after they start.")})


async def create_ticket_type(user: CurrentUser, event_id: int, data: TicketTypeCreate) -> TicketTypeRead:
    event = await editable_event(user, event_id)
    tz = event["timezone"]
    start = to_utc(data.sales_start, tz) if data.sales_start else None
    end = to_utc(data.sales_end, tz) if data.sales_end else None
    _check_window(start, end)
    row = TicketType(
        event=event_id,
        name_en=data.name_en,
        name_zh=data.name_zh,
        capacity=data.capacity,
        taken=0,
        price_cents=0,
        requires_approval=data.requires_approval,
        sales_start=start,
        sales_end=end,
        position=data.position,
    )
    await row.save()
    return ticket_read(await _get(event_id, row.id))


async def update_ticket_type(
    user: CurrentUser, event_id: int, ticket_type_id: int, data: TicketTypeUpdate
) -> TicketTypeRead:
    event = await editable_event(user, event_id)
    current = await _get(event_id, ticket_type_id)
    changes = {f: v for f in data.__struct_fields__ if (v := getattr(data, f)) is not msgspec.UNSET}
    for key in ("sales_start", "sales_end"):
        if changes.get(key) is not None:
            changes[key] = to_utc(changes[key], event["timezone"])
    _check_window(
        changes.get("sales_start", current["sales_start"]), changes.get("sales_end", current["sales_end"])
    )
    if changes:
        where = (TicketType.id == ticket_type_id) & (TicketType.event == event_id)
        if "capacity" in changes:
            where = where & (TicketType.taken <= changes["capacity"])
        values = {TicketType._meta.get_column_by_name(k): v for k, v in changes.items()}
        updated = await TicketType.update(values).where(where).returning(TicketType.id)
        if not updated:
            fresh = await _get(event_id, ticket_type_id)
            raise CapacityBelowTaken(extra={"taken": fresh["taken"], "capacity": fresh["capacity"]})
        if changes.get("capacity", current["capacity"]) > current["capacity"]:
            await _promote(ticket_type_id)
    return ticket_read(await _get(event_id, ticket_type_id))


async def _promote(ticket_type_id: int) -> None:
    """New seats go to the waiting list, if the registration side provides ``promote``."""
    try:
        waitlist = importlib.import_module("events.waitlist")
    except ImportError:
        return
    promote = getattr(waitlist, "promote", None)
    if promote is None:
        return
    try:
        await promote(ticket_type_id)
    except Exception:  # the capacity change stands; promotion is the waiting list's job
        log.exception("waiting-list promotion failed for ticket type %s", ticket_type_id)


async def delete_ticket_type(user: CurrentUser, event_id: int, ticket_type_id: int) -> None:
    await editable_event(user, event_id)
    await _get(event_id, ticket_type_id)
    if await Registration.exists().where(Registration.ticket_type == ticket_type_id):
        raise TicketTypeInUse()
    try:
        await TicketType.delete().where((TicketType.id == ticket_type_id) & (TicketType.event == event_id))
    except Exception as exc:  # a registration arrived in between: the foreign key refuses
        if "foreign key" in str(exc).lower():
            raise TicketTypeInUse() from exc
        raise
