"""Per-scanner rate limit on scanning: fixed 10-second windows of ``scan_rate_per_second × 10``.

A door phone scans a ticket every second or two; a loop gone wrong or a stolen device token
scanning thousands a second is refused with 429 and ``Retry-After``. The window is counted in
Redis when it is configured (one pipelined INCR + EXPIRE, shared by every process), otherwise in
this process's memory.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

from app.errors import RateLimited
from app.i18n import N_
from app.settings import get_settings

WINDOW_S = 10


class ScanRateLimited(RateLimited):
    code, message = "scan_rate_limited", N_("This device is scanning too fast. Wait a moment.")


class _Memory:
    def __init__(self) -> None:
        self.window = 0
        self.counts: dict[str, int] = {}

    async def hit(self, key: str, window: int) -> int:
        if window != self.window:
            self.window, self.counts = window, {}
        count = self.counts[key] = self.counts.get(key, 0) + 1
        return count


class _Redis:
    def __init__(self, url: str, namespace: str) -> None:
        from redis.asyncio import Redis

        self.client: Any = Redis.from_url(url)
        self.prefix = f"{namespace}:scanrate:"

    async def hit(self, key: str, window: int) -> int:
        name = f"{self.prefix}{key}:{window}"
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.incr(name)
            pipe.expire(name, WINDOW_S * 2)
            count, _ = await pipe.execute()
        return int(count)


_memory = _Memory()
_redis: dict[asyncio.AbstractEventLoop, _Redis] = {}  # a Redis client belongs to its event loop


def _backend() -> _Memory | _Redis:
    settings = get_settings()
    if not settings.redis_url:
        return _memory
    loop = asyncio.get_running_loop()
    client = _redis.get(loop)
    if client is None:
        for old in [old for old in _redis if old.is_closed()]:
            del _redis[old]
        client = _redis[loop] = _Redis(settings.redis_url, settings.redis_namespace)
    return client


async def check_scan_rate(scanner_key: str) -> None:
    """Count one request of ``scanner_key``; raise ``ScanRateLimited`` over the limit."""
    now = time.time()
    window = int(now // WINDOW_S)
    limit = get_settings().scan_rate_per_second * WINDOW_S
    if await _backend().hit(scanner_key, window) > limit:
        error = ScanRateLimited()
        error.retry_after_s = max(1, math.ceil((window + 1) * WINDOW_S - now))
        raise error
