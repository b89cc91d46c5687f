"""Counts shared through Redis: processes publishing into one Redis read identical totals, and a
process that stops publishing leaves the total within seconds.

Here two ``SharedCounts`` with their own Redis connections stand for two processes (the
two-server test in ``test_audience_processes.py`` does it with real servers). Runs in the
PostgreSQL + Redis run; skipped without Redis.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from app.settings import get_settings
from livestream.audience_redis import SharedCounts, shared_counts

pytestmark = pytest.mark.skipif(not get_settings().redis_url, reason="needs Redis (LUYAN_TEST_REDIS_URL)")


def _pair(ttl_s: float = 2.0) -> tuple[SharedCounts, SharedCounts]:
    namespace = f"luyan-test-audience-{uuid.uuid4().hex[:8]}"
    first, second = shared_counts(namespace=namespace), shared_counts(namespace=namespace)
    assert first is not None and second is not None
    for counts in (first, second):
        counts.ttl_ms = int(ttl_s * 1000)
    return first, second


async def test_two_processes_report_identical_totals() -> None:
    first, second = _pair()
    try:
        await first.exchange({1: 3, 2: 1})
        totals_second = await second.exchange({1: 2, 3: 5})
        totals_first = await first.exchange({1: 3, 2: 1})
        assert totals_first == totals_second == {1: 5, 2: 1, 3: 5}
        assert await first.read() == totals_first
        # A viewer leaves the first process: both see it on their next tick.
        totals_first = await first.exchange({1: 2, 2: 1})
        assert totals_first == await second.exchange({1: 2, 3: 5}) == {1: 4, 2: 1, 3: 5}
        # A process without viewers leaves the total at once.
        assert await first.exchange({}) == {1: 2, 3: 5}
    finally:
        await first.close()
        await second.close()


async def test_a_process_that_stops_publishing_drops_out_within_5_seconds() -> None:
    first, second = _pair(ttl_s=3.0)  # the production expiry
    try:
        await first.exchange({7: 10})
        assert await second.exchange({7: 4}) == {7: 14}
        stopped_at = time.monotonic()  # the first process hangs or crashes: no more ticks
        while (await second.exchange({7: 4})) != {7: 4}:
            assert time.monotonic() - stopped_at < 5.0, "the silent process still counts after 5 s"
            await asyncio.sleep(0.2)
        assert time.monotonic() - stopped_at >= 2.5  # it was counted until its key expired
    finally:
        await first.close()
        await second.close()
