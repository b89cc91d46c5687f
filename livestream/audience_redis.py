"""Audience counts shared between processes through Redis.

Each process, on every tick, writes its own counts (distinct viewers per stream in this
process) under a key of its own that expires after ``TTL_S``, notes itself in an index (a
sorted set scored by when it last wrote), and reads every live process's counts back: the sum
is the total every process shows. Two round trips per process and tick, whatever the number of
viewers.

A process that crashes or hangs stops writing; its key expires and its viewers leave the total
within ``TTL_S`` plus one tick. Index entries of processes silent for a minute are pruned. No
clock has to agree between machines: liveness is the key's expiry, kept by Redis itself.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections import Counter
from typing import Any

import msgspec

from app.settings import get_settings

TTL_S = 3.0
REDIS_TIMEOUT_S = 1.0  # a slow Redis costs a tick this much at most, then counts fall back
PRUNE_AFTER_S = 60.0


def process_name() -> str:
    """Unique per process and start, readable when someone looks into Redis."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class SharedCounts:
    def __init__(self, redis: Any, namespace: str, process: str | None = None, ttl_s: float = TTL_S) -> None:
        self.redis = redis
        self.process = process or process_name()
        self.ttl_ms = max(1, int(ttl_s * 1000))
        self.index = f"{namespace}:live:audience:processes"
        self.prefix = f"{namespace}:live:audience:counts:"

    async def exchange(self, local: dict[int, int]) -> dict[int, int]:
        """Publish this process's counts and return the totals of every live process."""
        counts = {str(stream): n for stream, n in local.items() if n > 0}
        own = self.prefix + self.process
        now = time.time()
        pipe = self.redis.pipeline(transaction=False)
        if counts:
            pipe.set(own, msgspec.json.encode(counts), px=self.ttl_ms)
            pipe.zadd(self.index, {self.process: now})
        else:  # nothing to add: leave at once rather than after the expiry
            pipe.delete(own)
            pipe.zrem(self.index, self.process)
        pipe.zremrangebyscore(self.index, "-inf", now - PRUNE_AFTER_S)
        pipe.zrange(self.index, 0, -1)
        *_, members = await pipe.execute()
        return await self._sum(members)

    async def read(self) -> dict[int, int]:
        """The totals, without publishing (pages of processes that hold no viewers)."""
        return await self._sum(await self.redis.zrange(self.index, 0, -1))

    async def _sum(self, members: list[Any]) -> dict[int, int]:
        if not members:
            return {}
        names = [m.decode() if isinstance(m, bytes) else str(m) for m in members]
        totals: Counter[int] = Counter()
        for raw in await self.redis.mget([self.prefix + name for name in names]):
            if raw:  # expired keys read as None: that process has stopped
                for stream, n in msgspec.json.decode(raw, type=dict[str, int]).items():
                    totals[int(stream)] += n
        return dict(totals)

    async def close(self) -> None:
        await self.redis.aclose()


def shared_counts(url: str | None = None, namespace: str | None = None) -> SharedCounts | None:
    """Counts shared through the configured Redis, or ``None`` (one process counts alone)."""
    settings = get_settings()
    url = url or settings.redis_url
    if not url:
        return None
    from redis.asyncio import Redis

    redis = Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S)
    return SharedCounts(redis, namespace or settings.redis_namespace)
