"""Group commit: requests that arrive together are written together.

Under a burst, one transaction per request spends most of its time waiting for the write lock
(SQLite) or for the row lock and a pooled connection (PostgreSQL). A ``GroupCommit`` queues
requests; one drain task per event loop takes them in batches and answers each waiter with its
own outcome (a result, or the exception that refused it), so a refusal never fails the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

R = TypeVar("R")
log = logging.getLogger("luyan.db")


def settle(batch: list[tuple[R, asyncio.Future[Any]]], outcomes: list[Any]) -> None:
    """Answer every waiter of ``batch``: exceptions are raised to it, anything else returned."""
    for (_request, future), outcome in zip(batch, outcomes, strict=True):
        if future.done():  # the caller went away meanwhile
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


class GroupCommit(Generic[R]):
    """Queue requests; ``drain(self)`` (one task at a time) takes batches with ``take``."""

    def __init__(self, drain: Callable[[GroupCommit[R]], Awaitable[None]], max_batch: int) -> None:
        self._drain = drain
        self.max_batch = max_batch
        self.queue: list[tuple[R, asyncio.Future[Any]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, request: R) -> Any:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self.queue.append((request, future))
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._run())
        return await future

    def take(self) -> list[tuple[R, asyncio.Future[Any]]]:
        batch, self.queue = self.queue[: self.max_batch], self.queue[self.max_batch :]
        return batch

    async def _run(self) -> None:
        try:
            await self._drain(self)
        except Exception as exc:  # the drain itself broke (no connection): nobody may wait forever
            log.exception("group commit drain failed")
            waiting, self.queue = self.queue, []
            settle(waiting, [exc] * len(waiting))


class PerLoop(Generic[R]):
    """One ``GroupCommit`` per event loop (tests and CLI commands start several loops)."""

    def __init__(self, drain: Callable[[GroupCommit[R]], Awaitable[None]], max_batch: int) -> None:
        self._drain = drain
        self._max_batch = max_batch
        self._by_loop: dict[asyncio.AbstractEventLoop, GroupCommit[R]] = {}

    def get(self) -> GroupCommit[R]:
        loop = asyncio.get_running_loop()
        group = self._by_loop.get(loop)
        if group is None:
            for old in [old for old in self._by_loop if old.is_closed()]:
                del self._by_loop[old]
            group = self._by_loop[loop] = GroupCommit(self._drain, self._max_batch)
        return group
