"""Prepare the environment of a test run before any luyan module reads its settings.

``LUYAN_TEST_DB=postgres`` runs the suite on a fresh PostgreSQL database created from
``LUYAN_TEST_POSTGRES_URL`` (with Redis from ``LUYAN_TEST_REDIS_URL``); the default is a
fresh SQLite file. Either way the migrations build the schema.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

RUN_ID = uuid.uuid4().hex[:8]
BACKEND = os.environ.get("LUYAN_TEST_DB", "sqlite")
VAR_DIR = Path(tempfile.mkdtemp(prefix=f"luyan-test-{RUN_ID}-"))
PG_ADMIN_URL = os.environ.get("LUYAN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
PG_DATABASE = f"luyan_test_{RUN_ID}"
# Switches of the test harness itself (not app settings): they survive the clean-up below.
HARNESS_VARIABLES = frozenset({"LUYAN_REQUIRE_BROWSER", "LUYAN_CHROMIUM"})


def configure() -> dict[str, str]:
    env = {
        "LUYAN_ENV": "test",
        "LUYAN_VAR_DIR": str(VAR_DIR),
        "LUYAN_SECRET_KEY": "test-secret-key-" + "x" * 40,
        "LUYAN_LOGIN_RATE_PER_MINUTE": "1000",
        "LUYAN_PUBLIC_BASE_URL": "http://testserver",
        "PICCOLO_CONF": "app.piccolo_conf",
    }
    if BACKEND == "postgres":
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        env["LUYAN_DATABASE_URL"] = f"{base}/{PG_DATABASE}"
        redis_url = os.environ.get("LUYAN_TEST_REDIS_URL")
        if redis_url:
            env["LUYAN_REDIS_URL"] = redis_url
            env["LUYAN_REDIS_NAMESPACE"] = f"luyan-test-{RUN_ID}"
    else:
        env["LUYAN_DATABASE_URL"] = f"sqlite:///{VAR_DIR / 'test.sqlite3'}"
    for key in [
        k
        for k in os.environ
        if k.startswith("LUYAN_")
        and k not in env
        and not k.startswith("LUYAN_TEST")
        and k not in HARNESS_VARIABLES
    ]:
        del os.environ[key]
    os.environ.update(env)
    return env


async def create_postgres_database() -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    finally:
        await conn.close()


async def drop_postgres_database() -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
    finally:
        await conn.close()
