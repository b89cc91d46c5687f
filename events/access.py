"""Object-level access to events: who may see or change which event.

Every organiser route goes through ``organiser_event``; an event of another organisation
answers 404 exactly like a missing one, so ids reveal nothing (no IDOR).
"""

from __future__ import annotations

from typing import Any

from app.auth import CurrentUser
from app.errors import NotFound
from events.tables import Event


async def organiser_event(user: CurrentUser, event_id: int) -> dict[str, Any]:
    """The event row if ``user`` organises it (or is a platform admin); else ``NotFound``."""
    row = await Event.select().where(Event.id == event_id).first()
    if row is None:
        raise NotFound()
    if user.is_admin:
        return row
    if row["organisation"] not in (await user.memberships()).organisations:
        raise NotFound()
    return row


async def public_event(event_id: int, viewer: CurrentUser | None = None) -> dict[str, Any]:
    """A published/closed event for anyone; drafts and cancelled ones only for their organisers."""
    row = await Event.select().where(Event.id == event_id).first()
    if row is None:
        raise NotFound()
    if row["status"] in ("published", "closed"):
        return row
    if viewer is not None:
        return await organiser_event(viewer, event_id)
    raise NotFound()


async def organiser_organisation_ids(user: CurrentUser) -> list[int]:
    if user.is_admin:
        from app.accounts.tables import Organisation

        return [r["id"] for r in await Organisation.select(Organisation.id)]
    return list((await user.memberships()).organisations)


async def staff_event(user: CurrentUser, event_id: int) -> dict[str, Any]:
    """For door work: organisers of the event and its check-in staff."""
    if event_id in (await user.memberships()).staff_events:
        row = await Event.select().where(Event.id == event_id).first()
        if row is not None:
            return row
    return await organiser_event(user, event_id)
