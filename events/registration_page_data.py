"""What the registration form shows: ticket types with availability, the person's registration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.db import fast


def sales_state(ticket: dict[str, Any], event: dict[str, Any], now: dt.datetime) -> str:
    """``not_open``, ``open`` or ``closed``: the same rule ``register`` enforces."""
    if ticket["sales_start"] is not None and now < ticket["sales_start"]:
        return "not_open"
    end = ticket["sales_end"] if ticket["sales_end"] is not None else event.get("ends_at")
    if end is not None and now >= end:
        return "closed"
    return "open"


def ticket_choices(tickets: list[dict[str, Any]], event: dict[str, Any]) -> list[dict[str, Any]]:
    """Ticket types with ``free`` seats, ``state`` and whether they can be chosen now."""
    now = dt.datetime.now(dt.UTC)
    choices = []
    for ticket in tickets:
        state = sales_state(ticket, event, now)
        free = max(ticket["capacity"] - ticket["taken"], 0)
        waitlist = bool(event.get("waitlist_enabled"))
        choices.append(
            {
                **ticket,
                "free": free,
                "state": state,
                "full": free == 0,
                "selectable": state == "open" and (free > 0 or waitlist or ticket["requires_approval"]),
            }
        )
    return choices


async def live_registration(event_id: int, user_id: int) -> dict[str, Any] | None:
    """The person's current (not cancelled, rejected or expired) registration for the event."""
    return await fast().fetchrow(
        'SELECT id, status, code FROM luyan_registration WHERE event = $1 AND "user" = $2 '
        "AND status NOT IN ('cancelled', 'rejected', 'expired')",  # the one_live index's predicate
        event_id,
        user_id,
    )
