"""A database of its own with the demo loaded, for tests that need the demo (run in subprocesses
so the demo's published events stay out of the shared test data)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests import settings_env

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def scratch_env(var_dir: Path, name: str = "demo") -> Iterator[dict[str, str]]:
    """Environment for the CLI on a scratch database (SQLite file, or a PostgreSQL database)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUYAN_")}
    env.update(
        {"LUYAN_VAR_DIR": str(var_dir), "LUYAN_SECRET_KEY": "d" * 40, "PICCOLO_CONF": "app.piccolo_conf"}
    )
    if settings_env.BACKEND == "postgres":
        database = f"{settings_env.PG_DATABASE}_{name}"
        _pg(f'CREATE DATABASE "{database}"')
        env["LUYAN_DATABASE_URL"] = f"{settings_env.PG_ADMIN_URL.rsplit('/', 1)[0]}/{database}"
        try:
            yield env
        finally:
            _pg(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    else:
        yield env  # the default: var/luyan.sqlite3 under the scratch var dir


def _pg(sql: str) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(settings_env.PG_ADMIN_URL)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``python *args`` in the project with ``env``; fails the test on a non-zero exit."""
    result = subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@contextlib.contextmanager
def demo_server(
    var_dir: Path,
    test_env: dict[str, str],
    name: str,
    *,
    extra_env: dict[str, str] | None = None,
    server_class: type | None = None,
) -> Iterator[tuple[Any, dict[str, str]]]:
    """A live server on a fresh demo database (migrated and loaded as ``luyan demo`` does):
    yields ``(server, env)``, ``env`` being what ``run`` needs to read the same database.
    ``extra_env`` adds settings (e.g. Stripe's); ``server_class`` replaces ``LiveServer``."""
    from tests.live import LiveServer

    with scratch_env(var_dir, name=name) as env:
        run(env, "-m", "app.cli", "migrate")
        run(env, "-m", "app.cli", "demo")
        database = env.get("LUYAN_DATABASE_URL", f"sqlite:///{var_dir / 'luyan.sqlite3'}")
        server_env = {**test_env, **{k: v for k, v in env.items() if k.startswith("LUYAN_")}}
        server_env["LUYAN_DATABASE_URL"] = database  # the demo's database, not the suite's
        server_env.update(extra_env or {})
        server = (server_class or LiveServer)(
            server_env, log_path=var_dir / "server.log", inherit_luyan_env=False
        )
        server.start()
        try:
            yield server, env
        finally:
            server.stop()
