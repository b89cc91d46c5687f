"""What the counter writes: batched upserts that add watch time and visits per viewer, keep the
largest count per minute and only ever raise the peak; figures of deleted streams are dropped."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import httpx
import pytest

from app import signals
from livestream import streams
from livestream.audience import STATE_KEY, Audience, run_audience
from livestream.tables import ViewerMinute, ViewerSession
from tests.factories import Factory
from tests.livestream.audience_support import roadshow_with_stream


async def test_batched_writes_add_up(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, stream = await roadshow_with_stream(factory, client)
    stream_id = stream["id"]
    start = time.time()
    minute = int(start) // 60
    first = streams.PendingFigures()
    for n in range(1000):  # more than one statement's worth of rows
        first.visit(stream_id, f"b{n:032d}", start)
        first.watched(stream_id, f"b{n:032d}", 30, start + 30)
    first.minute(stream_id, minute, 700)
    first.peak(stream_id, 1000, start)
    await streams.write_figures(first)

    second = streams.PendingFigures()
    second.visit(stream_id, f"b{0:032d}", start + 60)  # viewer 0 comes back for 90 s
    second.watched(stream_id, f"b{0:032d}", 90, start + 150)
    second.minute(stream_id, minute, 650)  # another process saw fewer: the larger count stays
    second.minute(stream_id, minute + 1, 3)
    second.peak(stream_id, 900, start + 60)  # lower: the peak stays
    await streams.write_figures(second)

    assert await ViewerSession.count().where(ViewerSession.stream == stream_id) == 1000
    again = (
        await ViewerSession.select()
        .where((ViewerSession.stream == stream_id) & (ViewerSession.viewer == f"b{0:032d}"))
        .first()
    )
    assert abs(again["last_seen"].timestamp() - (start + 150)) < 1
    minutes = (
        await ViewerMinute.select(ViewerMinute.viewers)
        .where(ViewerMinute.stream == stream_id)
        .order_by(ViewerMinute.minute)
    )
    assert [m["viewers"] for m in minutes] == [700, 3]

    report = (
        await client.get(f"/api/v1/events/{event_id}/streams/{stream_id}/report", headers=owner.headers)
    ).json()
    assert report["peak_viewers"] == 1000 and report["unique_viewers"] == 1000
    assert report["total_watch_seconds"] == 999 * 30 + 120 and report["average_watch_seconds"] == 30
    assert [m["viewers"] for m in report["minutes"]] == [700, 3]


async def test_figures_of_a_deleted_stream_are_dropped(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, stream = await roadshow_with_stream(factory, client)
    pending = streams.PendingFigures()
    pending.visit(stream["id"], "b" + "1" * 32, time.time())
    pending.minute(stream["id"], int(time.time()) // 60, 1)
    await client.delete(f"/api/v1/events/{event_id}/streams/{stream['id']}", headers=owner.headers)
    await streams.write_figures(pending)  # no error, nothing written
    assert await ViewerSession.count().where(ViewerSession.stream == stream["id"]) == 0


async def test_shutdown_writes_what_is_gathered(
    client: httpx.AsyncClient, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``run_audience`` (an app background task) closes the audience when cancelled at shutdown,
    while the database is still open: nothing gathered is lost."""
    _owner, _event_id, stream = await roadshow_with_stream(factory, client)
    audience = Audience(shared=None)
    fake_app = SimpleNamespace(state={STATE_KEY: audience})
    monkeypatch.setattr(signals, "current_app", lambda: fake_app)
    task = asyncio.create_task(run_audience())
    await asyncio.sleep(0)
    audience.pending.visit(stream["id"], "b" + "2" * 32, time.time())
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert await ViewerSession.count().where(ViewerSession.stream == stream["id"]) == 1
