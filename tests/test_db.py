"""The database layer: serialised SQLite writes, the fast path's transactions."""

from __future__ import annotations

import asyncio

import pytest

from app import db


async def test_concurrent_piccolo_transactions_do_not_lock(app) -> None:
    """Many writers at once: with the shared write lock none fails with 'database is locked'."""
    from app.accounts.tables import Organisation
    from tests.factories import unique

    async def write(i: int) -> None:
        async with Organisation._meta.db.transaction():
            await Organisation(slug=unique(f"lock{i}"), name_en=f"Org {i}").save()
            await Organisation.select(Organisation.id).limit(1)

    await asyncio.gather(*(write(i) for i in range(40)))


async def test_fast_path_write_rolls_back_on_error(app) -> None:
    from tests.factories import unique

    slug = unique("rollback")
    fast = db.fast()

    if fast.dialect == "sqlite":

        def work(conn, slug: str) -> None:
            conn.execute(
                "INSERT INTO luyan_organisation (slug, name_en, name_zh, created_at) "
                "VALUES ($1, 'x', '', CURRENT_TIMESTAMP)",
                slug,
            )
            raise RuntimeError("boom")
    else:

        async def work(conn, slug: str) -> None:  # type: ignore[misc]
            await conn.execute(
                "INSERT INTO luyan_organisation (slug, name_en, name_zh, created_at) "
                "VALUES ($1, 'x', '', now())",
                slug,
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await fast.write(work, slug)
    assert await fast.fetchrow("SELECT id FROM luyan_organisation WHERE slug = $1", slug) is None


async def test_fast_path_reads_see_committed_piccolo_writes(app) -> None:
    from app.accounts.tables import Organisation
    from tests.factories import unique

    slug = unique("visible")
    await Organisation(slug=slug, name_en="Visible").save()
    row = await db.fast().fetchrow("SELECT name_en FROM luyan_organisation WHERE slug = $1", slug)
    assert row == {"name_en": "Visible"}
