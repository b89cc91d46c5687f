"""A websocket client that speaks ASGI to the app in this process.

The ``app`` fixture runs the lifespan (pools, channels) on the test loop; Litestar's own test
client would run the app on a loop of its own in a thread. This drives the real middleware
stack (session cookie, authentication, guards) on the test loop instead.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from litestar import Litestar


class AsgiSocket:
    def __init__(self, app: Litestar, path: str, headers: dict[str, str], query: str = "") -> None:
        self.app = app
        self.path = path
        self.query = query
        self.headers = [
            (k.lower().encode(), v.encode()) for k, v in {"host": "testserver", **headers}.items()
        ]
        self.to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.sent_at: list[float] = []  # when the app sent each message (monotonic)

    async def connect(self, within: float = 10.0) -> dict[str, Any]:
        """Start the handshake; returns the app's first message (``websocket.accept`` or ``.close``)."""
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "scheme": "ws",
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 50000),
            "root_path": "",
            "path": self.path,
            "raw_path": self.path.encode(),
            "query_string": self.query.encode(),
            "headers": self.headers,
            "subprotocols": [],
            "extensions": {},
        }
        self.task = asyncio.create_task(self.app(scope, self.to_app.get, self._sent))  # type: ignore[arg-type]
        await self.to_app.put({"type": "websocket.connect"})
        return await asyncio.wait_for(self.from_app.get(), within)

    async def _sent(self, message: dict[str, Any]) -> None:
        self.sent_at.append(time.monotonic())
        await self.from_app.put(message)

    async def receive_json(self, within: float = 10.0) -> dict[str, Any]:
        message = await asyncio.wait_for(self.from_app.get(), within)
        assert message["type"] == "websocket.send", message
        return json.loads(message.get("text") or message["bytes"])

    async def disconnect(self, within: float = 10.0) -> None:
        await self.to_app.put({"type": "websocket.disconnect", "code": 1000})
        if self.task is not None:
            await asyncio.wait_for(self.task, within)


def cookie_header(cookies: Any) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())
