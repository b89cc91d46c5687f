"""Check-in staff: people an organiser lets work one event's doors, added by email."""

from __future__ import annotations

from typing import Any

from app.accounts.tables import User
from app.auth import CurrentUser
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from events.access import organiser_event
from events.schemas import StaffAdd, StaffRead
from events.services import editable_event
from events.tables import EventStaff


class AlreadyStaff(Conflict):
    code, message = "already_staff", N_("This person already works at this event.")


def _staff_read(row: dict[str, Any]) -> StaffRead:
    return StaffRead(
        id=row["id"],
        event_id=row["event"],
        user_id=row["user"],
        email=row["email"],
        display_name=row["display_name"],
        role=row["role"],
        created_at=row["created_at"],
    )


def _select() -> Any:
    return EventStaff.select(
        *EventStaff.all_columns(),
        EventStaff.user.email.as_alias("email"),
        EventStaff.user.display_name.as_alias("display_name"),
    )


async def list_staff(user: CurrentUser, event_id: int) -> list[StaffRead]:
    await organiser_event(user, event_id)
    return await staff_of(event_id)


async def staff_of(event_id: int) -> list[StaffRead]:
    """No access check: callers have checked the event already."""
    rows = await _select().where(EventStaff.event == event_id).order_by(EventStaff.id)
    return [_staff_read(r) for r in rows]


async def add_staff(user: CurrentUser, event_id: int, data: StaffAdd) -> StaffRead:
    await editable_event(user, event_id)
    person = await User.select(User.id).where(User.email == data.email.strip().lower()).first()
    if person is None:
        raise InvalidInput({"email": N_("No account uses this email. Ask them to sign up first.")})
    exists = await EventStaff.exists().where(
        (EventStaff.event == event_id) & (EventStaff.user == person["id"])
    )
    if exists:
        raise AlreadyStaff()
    row = EventStaff(event=event_id, user=person["id"], role=data.role)
    await row.save()
    return _staff_read(await _select().where(EventStaff.id == row.id).first())


async def remove_staff(user: CurrentUser, event_id: int, staff_id: int) -> None:
    await organiser_event(user, event_id)
    deleted = (
        await EventStaff.delete()
        .where((EventStaff.id == staff_id) & (EventStaff.event == event_id))
        .returning(EventStaff.id)
    )
    if not deleted:
        raise NotFound()
