"""What a scanner needs beyond single scans: the offline bundle, attendee search, badges.

The bundle lets a phone keep deciding when the venue Wi-Fi drops: the event's public keys
(tokens verify without any secret), the revocation list, the lists and their rules, ticket type
names, every registration's display name, status and live token serial, and who is already in.
The phone applies the same rules as ``checkin.scan_rules.decide`` and queues its scans for
``POST /api/v1/checkin/sync``. See docs/checkin.md, "Offline protocol".
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from typing import Any

from app.db import is_sqlite
from app.errors import NotFound
from app.i18n import localized
from checkin.keys import public_keys
from checkin.lists import list_read
from checkin.qr import qr_svg
from checkin.scan_schemas import (
    AttendeeHit,
    Badge,
    Bundle,
    BundleAttendee,
    BundleCheckedIn,
    BundleDevice,
    BundleEvent,
    BundleKey,
    BundleRevoked,
    BundleTicketType,
)
from checkin.scanner_auth import Scanner, may_scan
from checkin.tables import CheckinList, CheckinPresence, TicketToken
from checkin.tokens import event_days, issue_token, live_token, revocation_list
from events.tables import Event, Registration, TicketType

SEARCH_LIMIT = 20
ENDED = ("cancelled", "rejected", "expired")


async def bundle(scanner: Scanner, event_id: int) -> Bundle:
    await may_scan(scanner, event_id)
    event = await Event.select().where(Event.id == event_id).first()
    if event is None:
        raise NotFound()
    days = event_days(event["starts_at"], event["ends_at"], event["timezone"])
    keys = await public_keys(event_id)
    list_rows = (
        await CheckinList.select()
        .where(CheckinList.event == event_id)
        .order_by(CheckinList.position)
        .order_by(CheckinList.id)
        .output(load_json=True)
    )
    device = scanner.device
    if device is not None and device.list_ids:
        list_rows = [r for r in list_rows if r["id"] in device.list_ids]
    types = await TicketType.select(TicketType.id, TicketType.name_en, TicketType.name_zh).where(
        TicketType.event == event_id
    )
    registrations = await Registration.select(
        Registration.id,
        Registration.code,
        Registration.attendee_name,
        Registration.attendee_organisation,
        Registration.ticket_type,
        Registration.status,
    ).where((Registration.event == event_id) & Registration.status.not_in(list(ENDED)))
    serials = {
        r["registration"]: r["serial"]
        for r in await TicketToken.select(TicketToken.registration, TicketToken.serial).where(
            (TicketToken.registration.event == event_id) & TicketToken.revoked_at.is_null()
        )
    }
    presence = await CheckinPresence.select(
        CheckinPresence.checkin_list, CheckinPresence.registration, CheckinPresence.inside
    ).where(CheckinPresence.event == event_id)
    return Bundle(
        event=BundleEvent(
            id=event_id,
            title_en=event["title_en"],
            title_zh=event["title_zh"],
            timezone=event["timezone"],
            first_day=days[0],
            days=days,
        ),
        public_keys=[
            BundleKey(key_id=key_id, public_key=base64.b64encode(raw).decode())
            for (_e, key_id), raw in keys.items()
        ],
        revoked=[BundleRevoked(r.registration_id, r.serial) for r in await revocation_list(event_id)],
        lists=[list_read(r) for r in list_rows],
        ticket_types=[BundleTicketType(t["id"], t["name_en"], t["name_zh"]) for t in types],
        attendees=[
            BundleAttendee(
                registration_id=r["id"],
                code=r["code"],
                name=r["attendee_name"],
                organisation=r["attendee_organisation"],
                ticket_type_id=r["ticket_type"],
                status=r["status"],
                serial=serials.get(r["id"]),
            )
            for r in registrations
        ],
        checked_in=[
            BundleCheckedIn(p["checkin_list"], p["registration"], bool(p["inside"])) for p in presence
        ],
        generated_at=dt.datetime.now(dt.UTC),
        device=BundleDevice(device.id, device.name, device.event_id, sorted(device.list_ids))
        if device
        else None,
    )


async def search_attendees(scanner: Scanner, event_id: int, query: str) -> list[AttendeeHit]:
    """Manual look-up at the door: by name, e-mail or registration code (not ended ones)."""
    await may_scan(scanner, event_id)
    text = query.strip()
    if not text:
        return []
    pattern = "%" + text.replace("\\", "").replace("%", "").replace("_", "") + "%"
    rows = (
        await Registration.select(
            Registration.id,
            Registration.code,
            Registration.attendee_name,
            Registration.attendee_organisation,
            Registration.ticket_type,
            Registration.ticket_type.name_en,
            Registration.ticket_type.name_zh,
            Registration.status,
        )
        .where(
            (Registration.event == event_id)
            & Registration.status.not_in(list(ENDED))
            & (
                _contains(Registration.attendee_name, pattern)
                | _contains(Registration.attendee_email, pattern)
                | _contains(Registration.code, pattern)
            )
        )
        .order_by(Registration.attendee_name)
        .limit(SEARCH_LIMIT)
    )
    return [
        AttendeeHit(
            registration_id=r["id"],
            code=r["code"],
            name=r["attendee_name"],
            organisation=r["attendee_organisation"],
            ticket_type_id=r["ticket_type"],
            ticket_type=localized(r["ticket_type.name_en"], r["ticket_type.name_zh"]),
            status=r["status"],
        )
        for r in rows
    ]


def _contains(column: Any, pattern: str) -> Any:
    """Case-insensitive LIKE: SQLite's LIKE already is (for ASCII; Chinese has no case)."""
    return column.like(pattern) if is_sqlite() else column.ilike(pattern)


async def badge(scanner: Scanner, registration_id: int) -> Badge:
    """A printable badge: name, organisation, ticket type, event and the ticket's QR."""
    row = (
        await Registration.select(
            Registration.id,
            Registration.event,
            Registration.status,
            Registration.attendee_name,
            Registration.attendee_organisation,
            Registration.ticket_type.name_en,
            Registration.ticket_type.name_zh,
            Registration.event.title_en,
            Registration.event.title_zh,
        )
        .where(Registration.id == registration_id)
        .first()
    )
    if row is None:
        raise NotFound()
    await may_scan(scanner, row["event"])
    if row["status"] != "confirmed":
        raise NotFound()
    token = await live_token(registration_id) or await issue_token(registration_id, reason="first")
    svg = await asyncio.to_thread(qr_svg, token)  # cached on disk after the first render
    return Badge(
        registration_id=registration_id,
        name=row["attendee_name"],
        organisation=row["attendee_organisation"],
        ticket_type=localized(row["ticket_type.name_en"], row["ticket_type.name_zh"]),
        event_title=localized(row["event.title_en"], row["event.title_zh"]),
        qr_svg=svg.decode(),
    )
