"""Child process of a benchmark: migrate the bench database, then seed it.

Run with the bench database's ``LUYAN_*`` environment (settings are read once per process,
which is why this is not done in the parent that benchmarks two databases in turn):

    python bench/prepare.py registration --users 1000 --seats 300 --events 6 --out data.json

writes ``{"users": [[id, token], ...], "events": [[event_id, ticket_type_id], ...]}``;

    python bench/prepare.py checkin --tickets 10000 --devices 1024 --lists 12 --out data.json

writes ``{"event_id", "ticket_type_id", "lists": [id, ...], "tickets": [[registration_id, token], ...],
"devices": [[device_id, device_token], ...]}`` (see ``seed_checkin``).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import secrets
import sys
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


async def migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="all")
    if not result.success:
        raise SystemExit(f"migrations failed: {result.message}")


async def seed_registration(users: int, seats: int, events: int) -> dict[str, list[list[object]]]:
    from app.accounts.tables import Organisation
    from events.tables import Event, TicketType
    from tests.live_data import users_with_tokens

    run = uuid.uuid4().hex[:6]
    org = Organisation(slug=f"bench-{run}", name_en="Benchmark Organisation", name_zh="基准测试机构")
    await org.save()
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    pairs: list[list[object]] = []
    for number in range(events):
        event = Event(
            organisation=org.id,
            slug=f"bench-{run}-{number}",
            kind="conference",
            status="published",
            title_en=f"Benchmark Conference {number}",
            title_zh=f"基准测试大会 {number}",
            city_en="Jinhua",
            city_zh="金华",
            starts_at=start,
            ends_at=start + dt.timedelta(days=1),
            waitlist_enabled=True,
            published_at=dt.datetime.now(dt.UTC),
        )
        await event.save()
        ticket = TicketType(event=event.id, name_en="Standard", name_zh="标准票", capacity=seats)
        await ticket.save()
        pairs.append([event.id, ticket.id])
    people = await users_with_tokens(users, label="bench")
    return {"users": [[u.id, u.token] for u in people], "events": pairs}


BATCH = 500


async def _insert_mapped(table: Any, rows: list[Any], key: str) -> dict[Any, int]:
    """Insert ``rows`` in batches; returns ``{row's key column: id}`` (SQLite's RETURNING order
    is not guaranteed, so ids are read back by a unique column)."""
    column = getattr(table, key)
    ids: dict[Any, int] = {}
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        await table.insert(*batch)
        found = await table.select(table.id, column).where(column.is_in([getattr(r, key) for r in batch]))
        ids.update({row[key]: row["id"] for row in found})
    return ids


async def seed_checkin(tickets: int, devices: int, lists: int) -> dict[str, Any]:
    """A published event running now with ``tickets`` confirmed registrations, each with a live
    ticket token (serial 1) signed with the event's real key, ``lists`` check-in lists, and
    ``devices`` paired scanner devices (every list) with their bearer tokens.

    Rows go in by bulk inserts: ten thousand registrations through the API would take minutes
    and measure registration, not check-in."""
    from app.accounts.passwords import hash_password
    from app.accounts.tables import Organisation, OrganisationMember, User
    from checkin.devices import DEVICE_TOKEN_PREFIX
    from checkin.devices import _hash as device_token_hash  # the server's own hashing
    from checkin.keys import signing_key
    from checkin.tables import CheckinList, ScannerDevice, TicketToken
    from checkin.tokens import TicketClaims, days_mask, event_days, sign
    from events.tables import Event, Registration, TicketType

    run = uuid.uuid4().hex[:6]
    now = dt.datetime.now(dt.UTC)
    password_hash = await hash_password(uuid.uuid4().hex)  # nobody signs in as these users
    organiser = User(
        email=f"organiser-{run}@example.test", password_hash=password_hash, display_name="Organiser"
    )
    await organiser.save()
    org = Organisation(slug=f"bench-{run}", name_en="Benchmark Organisation", name_zh="基准测试机构")
    await org.save()
    await OrganisationMember(organisation=org.id, user=organiser.id, role="owner").save()
    event = Event(
        organisation=org.id,
        slug=f"bench-checkin-{run}",
        kind="conference",
        status="published",
        title_en="Benchmark Conference",
        title_zh="基准测试大会",
        city_en="Jinhua",
        city_zh="金华",
        timezone="Asia/Shanghai",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=1),
        published_at=now - dt.timedelta(days=30),
    )
    await event.save()
    ticket = TicketType(event=event.id, name_en="Standard", name_zh="标准票", capacity=tickets, taken=tickets)
    await ticket.save()

    emails = [f"attendee-{run}-{i}@example.test" for i in range(tickets)]
    user_ids = await _insert_mapped(
        User,
        [
            User(email=e, password_hash=password_hash, display_name=f"Attendee {i}")
            for i, e in enumerate(emails)
        ],
        "email",
    )
    codes = [f"B{run[:4]}{i:07d}".upper() for i in range(tickets)]
    registrations = [
        Registration(
            event=event.id,
            ticket_type=ticket.id,
            user=user_ids[email],
            status="confirmed",
            code=code,
            attendee_name=f"Attendee {i}",
            attendee_email=email,
            attendee_organisation="Benchmark Co.",
        )
        for i, (email, code) in enumerate(zip(emails, codes, strict=True))
    ]
    reg_ids = await _insert_mapped(Registration, registrations, "code")

    key_id, private_key = await signing_key(event.id)
    days = event_days(event.starts_at, event.ends_at, event.timezone)
    valid_days = days_mask(days[0], days)
    pairs: list[list[Any]] = []
    for code in codes:
        claims = TicketClaims(key_id, event.id, reg_ids[code], ticket.id, 1, valid_days)
        pairs.append([reg_ids[code], sign(claims, private_key)])
    tokens = [TicketToken(registration=reg, serial=1, token=token, issued_at=now) for reg, token in pairs]
    await _insert_mapped(TicketToken, tokens, "token")

    list_ids = []
    for number in range(lists):
        row = CheckinList(
            event=event.id,
            name_en=f"Main entrance {number}",
            name_zh=f"主入口 {number}",
            gate=f"Gate {number}",
            position=number,
        )
        await row.save()
        list_ids.append(row.id)

    device_tokens = [DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(32) for _ in range(devices)]
    rows = [
        ScannerDevice(
            event=event.id,
            name=f"Door phone {i + 1}",
            list_ids=[],
            token_hash=device_token_hash(token),
            paired_at=now,
            created_by=organiser.id,
        )
        for i, token in enumerate(device_tokens)
    ]
    device_ids = await _insert_mapped(ScannerDevice, rows, "token_hash")
    return {
        "event_id": event.id,
        "ticket_type_id": ticket.id,
        "lists": list_ids,
        "tickets": pairs,
        "devices": [[device_ids[device_token_hash(t)], t] for t in device_tokens],
    }


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenario", choices=["registration", "checkin"])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--seats", type=int, default=300)
    parser.add_argument("--events", type=int, default=6)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--devices", type=int, default=1024)
    parser.add_argument("--lists", type=int, default=12)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    from app import db

    await migrate()
    await db.start()
    try:
        data: dict[str, Any]
        if args.scenario == "checkin":
            data = await seed_checkin(args.tickets, args.devices, args.lists)
        else:
            data = await seed_registration(args.users, args.seats, args.events)
    finally:
        await db.stop()
    args.out.write_text(json.dumps(data))


if __name__ == "__main__":
    asyncio.run(main())
