"""The live-server harness itself: starts, answers, honours overrides, stops."""

from __future__ import annotations

import httpx
import pytest

from tests.live import CLEAN_EXIT, LiveServer
from tests.live_fixtures import StartLiveServer

pytestmark = pytest.mark.concurrency


async def test_live_server_answers_healthz(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.base_url) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_override_server_starts_and_stops(start_live_server: StartLiveServer) -> None:
    server = start_live_server(LUYAN_UNGUARDED_REGISTRATION="1")
    assert httpx.get(server.base_url + "/healthz").status_code == 200
    assert server.stop() in CLEAN_EXIT  # SIGTERM runs the lifespan shutdown
    with pytest.raises(httpx.TransportError):
        httpx.get(server.base_url + "/healthz", timeout=1.0)
