"""Database access: Piccolo engines tuned for luyan, plus a raw fast path for hot routes.

``engine()`` is the Piccolo engine of ``app.piccolo_conf``; ``fast()`` the fast path bound to it.
"""

from __future__ import annotations

import asyncio
from functools import cache

from piccolo.engine.base import Engine

from app.db.fast import FastPath, make_fast_path

POOL_CLOSE_TIMEOUT_S = 10.0


def engine() -> Engine:
    from app.piccolo_conf import DB

    return DB


@cache
def fast() -> FastPath:
    return make_fast_path(engine())


def is_sqlite() -> bool:
    return engine().engine_type == "sqlite"


async def start() -> None:
    """Open pools (PostgreSQL); SQLite connections open lazily."""
    db = engine()
    if db.engine_type == "postgres":
        from app.settings import get_settings

        await db.start_connection_pool(min_size=2, max_size=get_settings().pg_pool_size)  # type: ignore[attr-defined]


async def stop() -> None:
    db = engine()
    if db.engine_type == "postgres":
        pool = db.pool  # type: ignore[attr-defined]
        if pool is not None:
            # A graceful close waits for every borrowed connection; a stuck one must not keep
            # the process from shutting down.
            try:
                await asyncio.wait_for(pool.close(), POOL_CLOSE_TIMEOUT_S)
            except TimeoutError:
                pool.terminate()
            db.pool = None  # type: ignore[attr-defined]
    else:
        await db.close()  # type: ignore[attr-defined]
