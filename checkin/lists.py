"""Check-in lists: per event, per gate, day or agenda session, each with admission rules.

Organisers create, change and delete lists; organisers and the event's check-in staff read them.
``rules_for`` is the pure rule check the scan API applies to a ticket.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import msgspec

from app.auth import CurrentUser
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from checkin.schemas import CheckinListCreate, CheckinListRead, CheckinListUpdate
from checkin.tables import Checkin, CheckinList
from checkin.tokens import event_days
from events.access import organiser_event, staff_event
from events.tables import AgendaSession, TicketType


def _day(value: str | dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def rules_for(list_row: Mapping[str, Any] | CheckinListRead, ticket_type_id: int, day: dt.date) -> bool:
    """May a ticket of ``ticket_type_id`` pass this list on the local date ``day``?

    Pure: empty ``ticket_type_ids`` / ``days`` allow every ticket type / day. Re-entry and exit
    depend on earlier scans, so the scan API checks ``allow_reentry`` / ``allow_exit`` itself."""
    if isinstance(list_row, CheckinListRead):
        types, days = list_row.ticket_type_ids, list_row.days
    else:
        types, days = list_row["ticket_type_ids"] or [], list_row["days"] or []
    if types and ticket_type_id not in types:
        return False
    return not days or day in {_day(d) for d in days}


def list_read(row: Mapping[str, Any]) -> CheckinListRead:
    return CheckinListRead(
        id=row["id"],
        event_id=row["event"],
        name_en=row["name_en"],
        name_zh=row["name_zh"],
        gate=row["gate"],
        agenda_session_id=row["agenda_session"],
        ticket_type_ids=list(row["ticket_type_ids"] or []),
        days=[_day(d) for d in row["days"] or []],
        allow_reentry=row["allow_reentry"],
        allow_exit=row["allow_exit"],
        position=row["position"],
        created_at=row["created_at"],
        registration_ids=None if row.get("registration_ids") is None else list(row["registration_ids"]),
    )


async def _check_ticket_types(event_id: int, ids: list[int]) -> list[int]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    rows = await TicketType.select(TicketType.id).where(
        (TicketType.event == event_id) & TicketType.id.is_in(wanted)
    )
    if len(rows) != len(wanted):
        raise InvalidInput({"ticket_type_ids": N_("Choose ticket types of this event.")})
    return wanted


def _check_days(event: Mapping[str, Any], days: list[dt.date]) -> list[str]:
    allowed = set(event_days(event["starts_at"], event["ends_at"], event["timezone"]))
    wanted = sorted(set(days))
    if any(d not in allowed for d in wanted):
        raise InvalidInput({"days": N_("Days must fall within the event's dates.")})
    return [d.isoformat() for d in wanted]


async def _check_session(event_id: int, session_id: int | None) -> int | None:
    if session_id is None:
        return None
    found = await AgendaSession.exists().where(
        (AgendaSession.id == session_id) & (AgendaSession.event == event_id)
    )
    if not found:
        raise InvalidInput({"agenda_session_id": N_("Choose a session of this event's agenda.")})
    return session_id


async def _get(event_id: int, list_id: int) -> dict[str, Any]:
    row = (
        await CheckinList.select()
        .where((CheckinList.id == list_id) & (CheckinList.event == event_id))
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


async def list_lists(user: CurrentUser, event_id: int) -> list[CheckinListRead]:
    """For the event's organisers and its check-in staff."""
    await staff_event(user, event_id)
    rows = (
        await CheckinList.select()
        .where(CheckinList.event == event_id)
        .order_by(CheckinList.position)
        .order_by(CheckinList.id)
        .output(load_json=True)
    )
    return [list_read(r) for r in rows]


async def create_list(user: CurrentUser, event_id: int, data: CheckinListCreate) -> CheckinListRead:
    event = await organiser_event(user, event_id)
    row = CheckinList(
        event=event_id,
        name_en=data.name_en,
        name_zh=data.name_zh,
        gate=data.gate,
        agenda_session=await _check_session(event_id, data.agenda_session_id),
        ticket_type_ids=await _check_ticket_types(event_id, data.ticket_type_ids),
        days=_check_days(event, data.days),
        allow_reentry=data.allow_reentry,
        allow_exit=data.allow_exit,
        position=data.position,
    )
    await row.save()
    return list_read(await _get(event_id, row.id))


async def update_list(
    user: CurrentUser, event_id: int, list_id: int, data: CheckinListUpdate
) -> CheckinListRead:
    event = await organiser_event(user, event_id)
    await _get(event_id, list_id)
    changes = {f: v for f in data.__struct_fields__ if (v := getattr(data, f)) is not msgspec.UNSET}
    if "agenda_session_id" in changes:
        changes["agenda_session"] = await _check_session(event_id, changes.pop("agenda_session_id"))
    if "ticket_type_ids" in changes:
        changes["ticket_type_ids"] = await _check_ticket_types(event_id, changes["ticket_type_ids"])
    if "days" in changes:
        changes["days"] = _check_days(event, changes["days"])
    if changes:
        await CheckinList.update(
            {CheckinList._meta.get_column_by_name(k): v for k, v in changes.items()}
        ).where((CheckinList.id == list_id) & (CheckinList.event == event_id))
    _forget(list_id)
    return list_read(await _get(event_id, list_id))


class ListInUse(Conflict):
    code, message = (
        "checkin_list_in_use",
        N_("People have been scanned on this list; it is kept as a record."),
    )


async def delete_list(user: CurrentUser, event_id: int, list_id: int) -> None:
    """Only lists nobody was scanned on: scans are the door's record and stay."""
    await organiser_event(user, event_id)
    await _get(event_id, list_id)
    if await Checkin.exists().where(Checkin.checkin_list == list_id):
        raise ListInUse()
    await CheckinList.delete().where((CheckinList.id == list_id) & (CheckinList.event == event_id))
    _forget(list_id)


def _forget(list_id: int) -> None:
    from checkin.scans import forget_list  # scans imports this module's list_read

    forget_list(list_id)


RESTRICT_SQL = "UPDATE luyan_checkin_list SET registration_ids = $1 WHERE id = $2"


async def restrict_to(tx: Any, list_id: int, registration_ids: list[int] | None) -> None:
    """Let only these registrations through the list (``None`` lifts the restriction).

    For lists another domain keeps in step with its own data, such as the people signed up for a
    retreat's optional activity. It runs on the caller's fast-path transaction (``tx.execute``),
    so the list changes together with what it follows; the caller has checked access and calls
    ``list_changed`` after commit. Other processes see the change within the list cache's
    lifetime (5 s).
    """
    value = None if registration_ids is None else json.dumps(sorted(set(registration_ids)))
    await tx.execute(RESTRICT_SQL, value, list_id)


def list_changed(list_id: int) -> None:
    """Drop this process's cached copy of the list (after ``restrict_to`` has committed)."""
    _forget(list_id)
