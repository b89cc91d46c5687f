"""Child process of a benchmark: migrate the bench database, then seed it.

Run with the bench database's ``LUYAN_*`` environment (settings are read once per process,
which is why this is not done in the parent that benchmarks two databases in turn):

    python bench/prepare.py registration --users 1000 --seats 300 --events 6 --out data.json

writes ``{"users": [[id, token], ...], "events": [[event_id, ticket_type_id], ...]}``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import uuid
from pathlib import Path

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


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenario", choices=["registration"])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--seats", type=int, default=300)
    parser.add_argument("--events", type=int, default=6)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    from app import db

    await migrate()
    await db.start()
    try:
        data = await seed_registration(args.users, args.seats, args.events)
    finally:
        await db.stop()
    args.out.write_text(json.dumps(data))


if __name__ == "__main__":
    asyncio.run(main())
