"""Shared fixtures: a migrated database per run, the app, clients and data factories."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import pytest

from tests import settings_env

TEST_ENV = settings_env.configure()  # before any luyan import reads settings

import httpx  # noqa: E402
from litestar import Litestar  # noqa: E402

from tests.factories import Factory  # noqa: E402


@pytest.fixture(scope="session")
def backend() -> str:
    return settings_env.BACKEND


@pytest.fixture(scope="session")
async def migrated_db() -> AsyncIterator[None]:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    if settings_env.BACKEND == "postgres":
        await settings_env.create_postgres_database()
    result = await run_forwards(app_name="all")
    assert result.success, result.message
    yield
    from app import db

    if settings_env.BACKEND == "postgres":
        await db.stop()
        await settings_env.drop_postgres_database()


@pytest.fixture(scope="session")
async def app(migrated_db: None) -> AsyncIterator[Litestar]:
    """The app with its lifespan running (pools, mail sender, sweepers) for the whole session."""
    from app.asgi import create_app

    application = create_app()
    # The lifespan runs on the test loop itself (Litestar's test client would run it in a
    # thread with its own loop, and pools started there cannot serve the tests' requests),
    # inside one task of its own because it must be entered and left by the same task.
    started, stop = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        async with application.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run_lifespan())
    await asyncio.wait([task, asyncio.ensure_future(started.wait())], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()  # start-up failed: raise its error
    yield application
    stop.set()
    await task


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A fresh anonymous client (own cookie jar) talking to the app in-process."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def factory(app: Litestar) -> Factory:
    return Factory(app)


@pytest.fixture(scope="session")
def test_env() -> dict[str, str]:
    return dict(TEST_ENV, **{k: v for k, v in os.environ.items() if k.startswith("LUYAN_")})
