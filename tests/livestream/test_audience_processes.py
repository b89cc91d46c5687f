"""Two real server processes sharing Redis: viewers on either count in both totals, and a
process that dies leaves the total within 5 s. Skipped without Redis (PostgreSQL + Redis run)."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from app.settings import get_settings
from livestream.viewer_socket import audience_path
from tests.factories import Factory
from tests.live import LiveServer
from tests.live_fixtures import StartLiveServer, start_live_server
from tests.livestream.audience_support import new_viewer_id, roadshow_with_stream

__all__ = ["start_live_server"]
pytestmark = pytest.mark.skipif(not get_settings().redis_url, reason="needs Redis (LUYAN_TEST_REDIS_URL)")


async def _watch(server: LiveServer, stream_id: int) -> ClientConnection:
    url = (
        server.base_url.replace("http://", "ws://") + audience_path(stream_id) + f"?viewer={new_viewer_id()}"
    )
    socket = await connect(url, origin=server.base_url)  # type: ignore[arg-type]
    await asyncio.wait_for(socket.recv(), 10)  # the first figures
    return socket


async def _online(server: LiveServer, stream_id: int) -> int:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        response = await http.get(f"/api/v1/streams/{stream_id}/audience")
        assert response.status_code == 200, response.text
        return int(response.json()["online"])


async def _until(server: LiveServer, stream_id: int, online: int, within: float) -> float:
    started = time.monotonic()
    while (seen := await _online(server, stream_id)) != online:
        assert time.monotonic() - started < within, f"{server.base_url} still says {seen}, expected {online}"
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def test_two_processes_share_the_total_and_a_dead_one_drops_out(
    client: httpx.AsyncClient, factory: Factory, start_live_server: StartLiveServer
) -> None:
    _owner, _event_id, stream = await roadshow_with_stream(factory, client)
    first, second = start_live_server(), start_live_server()
    sockets = [await _watch(first, stream["id"]) for _ in range(2)] + [await _watch(second, stream["id"])]
    try:
        await _until(first, stream["id"], 3, within=5)
        await _until(second, stream["id"], 3, within=5)
        assert await _online(first, stream["id"]) == await _online(second, stream["id"]) == 3

        assert second.process is not None
        second.process.kill()  # a crash: no goodbye, its Redis key simply stops being renewed
        second.process.wait(timeout=10)
        took = await _until(first, stream["id"], 2, within=5)
        assert took < 5
    finally:
        for socket in sockets:
            try:
                await asyncio.wait_for(socket.close(), 2)
            except Exception:
                pass
        second.stop()
