"""Pytest fixtures for tests against a running server (imported by the conftests that need them).

* ``live_server`` — one guarded luyan server for the session, on the run's test database
  (shared by every folder whose conftest imports it: each import is its own fixture to
  pytest, so the server itself is kept here and stopped when its last user is done).
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


_shared: dict[str, LiveServer] = {}
_users: dict[str, int] = {}


@pytest.fixture(scope="session")
def live_server(start_live_server: StartLiveServer) -> Iterator[LiveServer]:
    server = _shared.get("default")
    if server is None or server.process is None:
        server = _shared["default"] = start_live_server()
    _users["default"] = _users.get("default", 0) + 1
    yield server
    _users["default"] -= 1
    if _users["default"] == 0:
        _shared.pop("default").stop()
