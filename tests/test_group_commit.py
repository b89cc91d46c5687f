"""Group commit: batching, per-request outcomes, and no waiter left behind."""

from __future__ import annotations

import asyncio

import pytest

from app.db.group_commit import GroupCommit, PerLoop, settle


async def test_requests_arriving_together_share_a_batch_and_keep_their_own_outcome() -> None:
    batches: list[list[int]] = []

    async def drain(group: GroupCommit[int]) -> None:
        while group.queue:
            batch = group.take()
            batches.append([n for n, _ in batch])
            settle(batch, [ValueError(n) if n % 3 == 0 else n * 10 for n, _ in batch])

    group = PerLoop(drain, max_batch=4).get()
    results = await asyncio.gather(*(group.submit(n) for n in range(1, 10)), return_exceptions=True)
    assert [r if not isinstance(r, ValueError) else "refused" for r in results] == [
        10,
        20,
        "refused",
        40,
        50,
        "refused",
        70,
        80,
        "refused",
    ]
    assert batches == [[1, 2, 3, 4], [5, 6, 7, 8], [9]]


async def test_a_broken_drain_answers_every_waiter() -> None:
    async def drain(group: GroupCommit[int]) -> None:
        raise ConnectionError("no database")

    group = PerLoop(drain, max_batch=10).get()
    results = await asyncio.gather(*(group.submit(n) for n in range(5)), return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)
    with pytest.raises(ConnectionError):
        await group.submit(99)  # and the next request still gets an answer
