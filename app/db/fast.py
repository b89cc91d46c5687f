"""The fast path: raw SQL for hot routes (registration, scans, auth look-ups).

Piccolo builds queries for the rest of the app. On hot routes its per-query overhead and, on
SQLite, the thread hop per statement add up, so these routes write plain SQL with ``$1``-style
placeholders and run a whole transaction in one go:

* SQLite: a function ``fn(conn, *args)`` runs on a dedicated thread that owns one
  ``sqlite3`` connection, inside ``BEGIN IMMEDIATE`` … ``COMMIT``, while holding the same
  process-wide write lock as ``PooledSQLiteEngine``: one thread hop per transaction.
* PostgreSQL: an async function ``fn(conn, *args)`` gets an ``asyncpg`` connection from
  Piccolo's pool inside a transaction (use conditional updates or row locks in it).
"""

from __future__ import annotations

import asyncio
import functools
import re
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from app.db.sqlite_engine import BUSY_TIMEOUT_MS, PooledSQLiteEngine

T = TypeVar("T")
_PLACEHOLDER = re.compile(r"\$(\d+)")


@functools.lru_cache(maxsize=512)
def to_sqlite_sql(sql: str) -> str:
    """``$1`` → ``?1``: SQLite's numbered parameters keep the PostgreSQL numbering."""
    return _PLACEHOLDER.sub(r"?\1", sql)


class SQLiteConn:
    """What a SQLite fast-path function receives: the raw connection plus small helpers."""

    __slots__ = ("raw",)

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    def fetchrow(self, sql: str, *args: Any) -> dict[str, Any] | None:
        row = self.raw.execute(to_sqlite_sql(sql), args).fetchone()
        return dict(row) if row is not None else None

    def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return [dict(row) for row in self.raw.execute(to_sqlite_sql(sql), args).fetchall()]

    def fetchval(self, sql: str, *args: Any) -> Any:
        row = self.raw.execute(to_sqlite_sql(sql), args).fetchone()
        return row[0] if row is not None else None

    def execute(self, sql: str, *args: Any) -> int:
        """Run a statement; returns the number of rows changed."""
        return self.raw.execute(to_sqlite_sql(sql), args).rowcount


class _SQLiteThread:
    """One thread owning one sqlite3 connection."""

    def __init__(self, path: str, name: str) -> None:
        self._path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._local = threading.local()

    def _conn(self) -> SQLiteConn:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            raw = sqlite3.connect(
                self._path,
                isolation_level=None,
                detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES,
                check_same_thread=True,
            )
            raw.row_factory = sqlite3.Row
            raw.execute("PRAGMA foreign_keys = ON")
            raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            raw.execute("PRAGMA synchronous = NORMAL")
            conn = self._local.conn = SQLiteConn(raw)
        return conn

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(self._conn(), *args))

    def shutdown(self) -> None:
        def close() -> None:
            conn = getattr(self._local, "conn", None)
            if conn is not None:
                conn.raw.close()
                self._local.conn = None

        self._executor.submit(close).result()
        self._executor.shutdown(wait=True)


def _in_transaction(fn: Callable[..., T]) -> Callable[..., T]:
    def run(conn: SQLiteConn, *args: Any) -> T:
        conn.raw.execute("BEGIN IMMEDIATE")
        try:
            result = fn(conn, *args)
        except BaseException:
            conn.raw.execute("ROLLBACK")
            raise
        conn.raw.execute("COMMIT")
        return result

    return run


class SQLiteFastPath:
    dialect = "sqlite"

    def __init__(self, engine: PooledSQLiteEngine) -> None:
        self.engine = engine
        self._reader = _SQLiteThread(engine.path, "luyan-sqlite-read")
        self._writer = _SQLiteThread(engine.path, "luyan-sqlite-write")

    async def fetchrow(self, sql: str, *args: Any) -> dict[str, Any] | None:
        return await self._reader.run(lambda conn: conn.fetchrow(sql, *args))

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return await self._reader.run(lambda conn: conn.fetch(sql, *args))

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(conn, *args)`` as one IMMEDIATE transaction under the process write lock."""
        async with self.engine.write_lock:
            return await self._writer.run(_in_transaction(fn), *args)

    async def close(self) -> None:
        await asyncio.to_thread(self._reader.shutdown)
        await asyncio.to_thread(self._writer.shutdown)


class PostgresFastPath:
    dialect = "postgres"

    def __init__(self, engine: PostgresEngine) -> None:
        self.engine = engine

    @property
    def pool(self):  # asyncpg.Pool
        if self.engine.pool is None:
            raise RuntimeError("PostgreSQL pool not started: the app lifespan starts it")
        return self.engine.pool

    async def fetchrow(self, sql: str, *args: Any) -> dict[str, Any] | None:
        row = await self.pool.fetchrow(sql, *args)
        return dict(row) if row is not None else None

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return [dict(row) for row in await self.pool.fetch(sql, *args)]

    async def write(self, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run ``await fn(conn, *args)`` in one transaction on a pooled connection."""
        async with self.pool.acquire() as conn, conn.transaction():
            return await fn(conn, *args)

    async def close(self) -> None:
        return None


FastPath = SQLiteFastPath | PostgresFastPath


def make_fast_path(engine: Engine) -> FastPath:
    if isinstance(engine, PooledSQLiteEngine):
        return SQLiteFastPath(engine)
    if isinstance(engine, PostgresEngine):
        return PostgresFastPath(engine)
    raise TypeError(f"no fast path for {type(engine).__name__}")
