"""Child process of ``bench_audience``: migrate the bench database and seed one live stream.

Run with the bench database's ``LUYAN_*`` environment (settings are read once per process):

    python bench/audience_prepare.py --out data.json

writes ``{"event_id": ..., "stream_id": ...}``: a published roadshow running now and a live HLS
stream of it, the page every viewer socket of the benchmark watches.
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


async def seed() -> dict[str, int]:
    from app.accounts.tables import Organisation
    from events.tables import Event
    from livestream.tables import Stream

    run = uuid.uuid4().hex[:6]
    now = dt.datetime.now(dt.UTC)
    org = Organisation(slug=f"bench-live-{run}", name_en="Benchmark Organisation", name_zh="基准测试机构")
    await org.save()
    event = Event(
        organisation=org.id,
        slug=f"bench-live-{run}",
        kind="roadshow",
        status="published",
        title_en="Benchmark Roadshow",
        title_zh="基准测试路演",
        city_en="Jinhua",
        city_zh="金华",
        timezone="Asia/Shanghai",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=5),
        published_at=now - dt.timedelta(days=7),
    )
    await event.save()
    stream = Stream(
        event=event.id,
        title_en="Main stage",
        title_zh="主会场",
        player_kind="hls",
        player_url="https://video.example.test/live/main.m3u8",
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=2),
        status="live",
        went_live_at=now - dt.timedelta(minutes=10),
    )
    await stream.save()
    return {"event_id": int(event.id), "stream_id": int(stream.id)}


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    from app import db
    from bench.prepare import migrate

    await migrate()
    await db.start()
    try:
        data = await seed()
    finally:
        await db.stop()
    args.out.write_text(json.dumps(data))


if __name__ == "__main__":
    asyncio.run(main())
