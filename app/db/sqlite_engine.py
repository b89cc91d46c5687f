"""A Piccolo SQLite engine that keeps its connections open.

Piccolo's stock ``SQLiteEngine`` opens a new connection for every query (about ten times
slower than a long-lived one here) and lets concurrent writers collide with "database is
locked". This engine keeps:

* a small pool of long-lived *reader* connections for ``SELECT``-like queries (WAL mode lets
  them read while a write is in progress);
* one *writer* connection used only under the process-wide ``write_lock``, for autocommit
  writes and for every transaction (which begins ``IMMEDIATE``).

The same ``write_lock`` is shared with ``app.db.fast.SQLiteFastPath`` so the two writers of a
process never contend inside SQLite; writers in other processes wait on the busy timeout.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.querystring import QueryString

READ_QUERY_TYPES = frozenset({"select", "count", "exists", "objects", "table_exists"})
BUSY_TIMEOUT_MS = 10_000
PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous = NORMAL",
)


class _LoopState:
    """Connections and lock belonging to one event loop (tests and CLIs start several loops)."""

    def __init__(self) -> None:
        self.write_lock = asyncio.Lock()
        self.writer: aiosqlite.Connection | None = None
        self.readers: list[aiosqlite.Connection] = []
        self.reader_cycle: itertools.cycle[aiosqlite.Connection] | None = None
        self.open_lock = asyncio.Lock()


class _PooledTransaction(SQLiteTransaction):
    """A transaction on the shared writer connection, holding the write lock throughout."""

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        engine: PooledSQLiteEngine = self.engine  # type: ignore[assignment]
        state = engine.loop_state()
        await state.write_lock.acquire()
        try:
            self.connection = await engine.writer_connection()
            await self.begin()
        except BaseException:
            state.write_lock.release()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        state = self.engine.loop_state()  # type: ignore[attr-defined]
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            self.engine.current_transaction.reset(self.context)
            state.write_lock.release()
        return exception is None


class PooledSQLiteEngine(SQLiteEngine):
    """``SQLiteEngine`` with long-lived connections and serialised writes (see module doc)."""

    def __init__(self, path: str, readers: int = 4, **kwargs: Any) -> None:
        super().__init__(path=path, timeout=BUSY_TIMEOUT_MS / 1000, **kwargs)
        self.reader_count = readers
        self._states: dict[asyncio.AbstractEventLoop, _LoopState] = {}

    # -- connections ---------------------------------------------------------------------
    def loop_state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        state = self._states.get(loop)
        if state is None:
            # Forget states of loops that have closed (pytest, CLI commands).
            for old in [old for old in self._states if old.is_closed()]:
                del self._states[old]
            state = self._states[loop] = _LoopState()
        return state

    @property
    def write_lock(self) -> asyncio.Lock:
        return self.loop_state().write_lock

    async def _open(self) -> aiosqlite.Connection:
        pending = aiosqlite.connect(**self.connection_kwargs)
        # Long-lived connections must not keep the interpreter alive at exit (CLI commands
        # and test loops end without closing them); aiosqlite's worker thread is not a daemon.
        pending._thread.daemon = True
        connection = await pending
        connection.row_factory = dict_factory  # type: ignore[assignment]
        for pragma in PRAGMAS:
            await connection.execute(pragma)
        return connection

    async def writer_connection(self) -> aiosqlite.Connection:
        state = self.loop_state()
        if state.writer is None:
            async with state.open_lock:
                if state.writer is None:
                    connection = await self._open()
                    await connection.execute("PRAGMA journal_mode = WAL")
                    state.writer = connection
        return state.writer

    async def reader_connection(self) -> aiosqlite.Connection:
        state = self.loop_state()
        if state.reader_cycle is None:
            async with state.open_lock:
                if state.reader_cycle is None:
                    state.readers = [await self._open() for _ in range(self.reader_count)]
                    state.reader_cycle = itertools.cycle(state.readers)
        return next(state.reader_cycle)

    async def get_connection(self) -> aiosqlite.Connection:
        # Used by Piccolo for batch reads only; a fresh connection keeps that isolated.
        return await self._open()

    async def close(self) -> None:
        state = self._states.pop(asyncio.get_running_loop(), None)
        if state is None:
            return
        for connection in [*state.readers, *([state.writer] if state.writer else [])]:
            await connection.close()

    # -- query execution -----------------------------------------------------------------
    async def _execute(self, connection: aiosqlite.Connection, query: str, args: list[Any]) -> list[dict]:
        async with connection.execute(query, args) as cursor:
            return list(await cursor.fetchall())

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False):
        query_id = self.get_query_id()
        if self.log_queries:
            self.print_query(query_id=query_id, query=querystring.__str__())
        query, args = querystring.compile_string(engine_type=self.engine_type)
        response = await self._route(query, args, querystring.query_type)
        if self.log_responses:
            self.print_response(query_id=query_id, response=response)
        return response

    async def run_ddl(self, ddl: str, in_pool: bool = False):
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=ddl)
        return await self._route(ddl, [], "ddl")

    async def _route(self, query: str, args: list[Any], query_type: str) -> list[dict]:
        transaction = self.current_transaction.get()
        if transaction is not None:
            return await self._execute(transaction.connection, query, args)
        if query_type in READ_QUERY_TYPES:
            return await self._execute(await self.reader_connection(), query, args)
        async with self.write_lock:
            return await self._execute(await self.writer_connection(), query, args)

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.immediate,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        return _PooledTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)
