"""Pytest fixtures for tests against a running server (imported by the conftests that need them).

* ``live_server`` — one guarded luyan server for the session, on the run's test database.
* ``start_live_server`` — start another server with environment overrides, e.g.
  ``start_live_server(LUYAN_UNGUARDED_REGISTRATION="1")`` for a control run; every server it
  starts is stopped at the end of the session (or earlier with ``server.stop()``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest

from tests.live import LiveServer

StartLiveServer = Callable[..., LiveServer]


@pytest.fixture(scope="session")
def start_live_server(
    migrated_db: None, test_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StartLiveServer]:
    """Servers share the session's database (``migrated_db`` has built it) and settings."""
    servers: list[LiveServer] = []
    numbers = itertools.count(1)
    log_dir = tmp_path_factory.mktemp("live-servers")

    def start(**overrides: str) -> LiveServer:
        server = LiveServer({**test_env, **overrides}, log_path=log_dir / f"server-{next(numbers)}.log")
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def live_server(start_live_server: StartLiveServer) -> LiveServer:
    return start_live_server()
