"""Builders for livestream tests: an organiser's roadshow with a stream, and viewer sockets."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from typing import Any

import httpx
from litestar import Litestar

from livestream.viewer_socket import audience_path
from tests.factories import Factory, TestUser

ORIGIN = "http://testserver"


def stream_body(**fields: Any) -> dict[str, Any]:
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    body: dict[str, Any] = {
        "title_en": "Main stage",
        "title_zh": "主会场",
        "player_kind": "hls",
        "player_url": "https://video.example.test/live/main.m3u8",
        "starts_at": (start - dt.timedelta(minutes=10)).isoformat(),
        "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
    }
    body.update(fields)
    return body


async def roadshow_with_stream(
    factory: Factory, client: httpx.AsyncClient, **fields: Any
) -> tuple[TestUser, int, dict[str, Any]]:
    """An organiser, a published roadshow running now, and a live stream of it."""
    owner, org_id = await factory.organiser()
    now = dt.datetime.now(dt.UTC)
    event_id = await factory.event(
        org_id, kind="roadshow", starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=5)
    )
    response = await client.post(
        f"/api/v1/events/{event_id}/streams",
        json=stream_body(**{"status": "live", **fields}),
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    return owner, event_id, response.json()


def new_viewer_id() -> str:
    return uuid.uuid4().hex


class ViewerSocket:
    """A websocket client speaking ASGI to the app on the test loop, from a given address."""

    def __init__(self, app: Litestar, path: str, headers: dict[str, str], query: str, address: str) -> None:
        self.app, self.path, self.query, self.address = app, path, query, address
        self.headers = [
            (k.lower().encode(), v.encode()) for k, v in {"host": "testserver", **headers}.items()
        ]
        self.to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.last: dict[str, Any] | None = None  # the newest figures received

    async def connect(self, within: float = 10.0) -> dict[str, Any]:
        """The app's first message: ``websocket.accept`` or ``websocket.close``."""
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "scheme": "ws",
            "server": ("testserver", 80),
            "client": (self.address, 50000),
            "root_path": "",
            "path": self.path,
            "raw_path": self.path.encode(),
            "query_string": self.query.encode(),
            "headers": self.headers,
            "subprotocols": [],
            "extensions": {},
        }
        self.task = asyncio.create_task(self.app(scope, self.to_app.get, self.from_app.put))  # type: ignore[arg-type]
        await self.to_app.put({"type": "websocket.connect"})
        return await asyncio.wait_for(self.from_app.get(), within)

    async def open(self) -> dict[str, Any]:
        """Connect, expect acceptance, and return the first figures."""
        first = await self.connect()
        assert first["type"] == "websocket.accept", first
        return await self.receive_json()

    async def receive_json(self, within: float = 10.0) -> dict[str, Any]:
        message = await asyncio.wait_for(self.from_app.get(), within)
        assert message["type"] == "websocket.send", message
        decoded = json.loads(message.get("text") or message["bytes"])
        if "online" in decoded:
            self.last = decoded
        return decoded

    async def send_text(self, text: str) -> None:
        await self.to_app.put({"type": "websocket.receive", "text": text})

    async def latest(self, within: float = 3.0) -> dict[str, Any] | None:
        """The newest message that arrives within ``within`` seconds (``None``: none did)."""
        found = None
        deadline = asyncio.get_running_loop().time() + within
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                found = await self.receive_json(within=left)
            except TimeoutError:
                break
        return found

    async def disconnect(self, within: float = 10.0) -> None:
        await self.to_app.put({"type": "websocket.disconnect", "code": 1000})
        if self.task is not None:
            await asyncio.wait_for(self.task, within)


def viewer_socket(
    app: Litestar,
    stream_id: int,
    viewer: str | None,
    *,
    origin: str | None = ORIGIN,
    address: str = "127.0.0.1",
) -> ViewerSocket:
    headers = {"origin": origin} if origin else {}
    query = f"viewer={viewer}" if viewer else ""
    return ViewerSocket(app, audience_path(stream_id), headers, query, address)
