"""The live hub: websockets of this process grouped by topic, fed from the channels plugin.

Live screens (the run of show, the live leaderboard, later the livestream audience) all work
the same way: a service publishes a small JSON message on a topic after a change; every
process holding sockets of that topic sends it to each of them.

* One channels subscription per topic per process: made when the first local socket joins,
  dropped after the last one leaves. With the Redis pub/sub backend a message published in one
  process reaches the sockets of every other process; in memory it stays in this process.
* Delivery is a plain send loop over the topic's local sockets. Litestar's per-socket
  subscribers cost two to three times the CPU for the same fan-out (see DESIGN), because each
  socket gets its own queue and task. A socket whose send fails is dropped from the topic.
* Messages travel as JSON bytes and are decoded once per message into the text frame every
  socket of the topic receives.
* ``join(..., greeting=...)`` sends a first message (the current state) before any published
  one, with nothing lost in between: messages that arrive while the greeting is being read
  are held for that socket and sent after it.

``origin_allowed`` is the Origin check every live socket needs: Litestar's CSRF middleware
skips websockets, so a foreign page could otherwise open one with the visitor's cookies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import msgspec
from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.channels.subscriber import Subscriber
from litestar.connection import ASGIConnection
from litestar.exceptions import WebSocketException
from litestar.handlers.base import BaseRouteHandler

from app import signals
from app.settings import get_settings

log = logging.getLogger("luyan.livestream.hub")

CLOSE_FORBIDDEN, CLOSE_NOT_FOUND = 4403, 4404


class LiveSocket(Protocol):
    """What the hub needs of a socket (Litestar's ``WebSocket`` has it)."""

    async def send_text(self, data: str) -> None: ...


Greeting = Callable[[], Awaitable[Any]]


@dataclass(eq=False)
class _Topic:
    subscriber: Subscriber
    sockets: set[LiveSocket] = field(default_factory=set)
    # Sockets still being greeted, with the messages that arrived meanwhile.
    held: dict[LiveSocket, list[str]] = field(default_factory=dict)
    pump: asyncio.Task[None] | None = None


def encode(message: Any) -> bytes:
    return message if isinstance(message, bytes) else msgspec.json.encode(message)


class Hub:
    """Topics and their local sockets for one channels plugin (one per app and process)."""

    def __init__(self, plugin: ChannelsPlugin) -> None:
        self.plugin = plugin
        self.topics: dict[str, _Topic] = {}
        self._changing = asyncio.Lock()  # subscribing / unsubscribing, not delivery

    # -- publishing ------------------------------------------------------------------------
    def publish(self, topic: str, message: Any) -> None:
        """Send ``message`` (JSON-encodable, or JSON bytes) to every socket of ``topic``, in
        every process. Returns at once; a stopping app drops it (nobody is watching)."""
        try:
            self.plugin.publish(encode(message), topic)
        except RuntimeError:
            log.debug("channels not running; dropped a message on %s", topic)

    # -- sockets ---------------------------------------------------------------------------
    async def join(self, topic: str, socket: LiveSocket, greeting: Greeting | None = None) -> None:
        """Add ``socket`` to ``topic``; with ``greeting``, send its result first."""
        entry = self.topics.get(topic)
        if entry is None:
            async with self._changing:
                entry = self.topics.get(topic)
                if entry is None:
                    subscriber = await self.plugin.subscribe(topic)
                    entry = _Topic(subscriber)
                    entry.pump = asyncio.create_task(self._pump(topic, entry))
                    self.topics[topic] = entry
        if greeting is None:
            entry.sockets.add(socket)
            return
        entry.held[socket] = []
        entry.sockets.add(socket)  # subscribed before the greeting is read: nothing is missed
        try:
            await socket.send_text(encode(await greeting()).decode())
            while entry.held.get(socket):
                await socket.send_text(entry.held[socket].pop(0))
        except BaseException:
            await self.leave(topic, socket)
            raise
        finally:
            entry.held.pop(socket, None)

    async def leave(self, topic: str, socket: LiveSocket) -> None:
        """Remove ``socket``; the last one out of a topic ends this process's subscription."""
        entry = self.topics.get(topic)
        if entry is None:
            return
        entry.sockets.discard(socket)
        entry.held.pop(socket, None)
        if entry.sockets:
            return
        async with self._changing:
            if entry.sockets or self.topics.get(topic) is not entry:
                return  # someone joined meanwhile, or it is already gone
            del self.topics[topic]
            await self.plugin.unsubscribe(entry.subscriber, topic)
            if entry.pump is not None:
                entry.pump.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await entry.pump

    @contextlib.asynccontextmanager
    async def joined(
        self, topic: str, socket: LiveSocket, greeting: Greeting | None = None
    ) -> AsyncIterator[None]:
        await self.join(topic, socket, greeting)
        try:
            yield
        finally:
            await self.leave(topic, socket)

    def count(self, topic: str) -> int:
        entry = self.topics.get(topic)
        return len(entry.sockets) if entry else 0

    # -- delivery --------------------------------------------------------------------------
    async def _pump(self, topic: str, entry: _Topic) -> None:
        async for raw in entry.subscriber.iter_events():
            await self.deliver(entry, raw.decode())

    async def deliver(self, entry: _Topic, text: str) -> None:
        dead: list[LiveSocket] = []
        for socket in list(entry.sockets):
            held = entry.held.get(socket)
            if held is not None:
                held.append(text)
                continue
            try:
                await socket.send_text(text)
            except Exception:  # closed, reset, or the client went away mid-send
                dead.append(socket)
        for socket in dead:
            entry.sockets.discard(socket)
        if dead:
            log.debug("dropped %d dead live sockets", len(dead))


_hubs: weakref.WeakKeyDictionary[ChannelsPlugin, Hub] = weakref.WeakKeyDictionary()


def hub_for(plugin: ChannelsPlugin) -> Hub:
    hub = _hubs.get(plugin)
    if hub is None:
        hub = _hubs[plugin] = Hub(plugin)
    return hub


def app_hub(app: Litestar | None) -> Hub | None:
    if app is None:
        return None
    try:
        return hub_for(app.plugins.get(ChannelsPlugin))
    except KeyError:
        return None


def current_hub() -> Hub | None:
    """The running app's hub (``None`` in CLI commands: nobody is watching)."""
    return app_hub(signals.current_app())


def publish(topic: str, message: Any) -> None:
    """Publish through the running app's hub; a no-op without a running app."""
    hub = current_hub()
    if hub is not None:
        hub.publish(topic, message)


# -- Origin ----------------------------------------------------------------------------------
def origin_matches(origin: str | None, host: str | None, public_base_url: str) -> bool:
    """The page must come from this site: the configured public origin, or the host the socket
    was opened on (what a browser sends for a same-origin page). No Origin: refused."""
    if not origin:
        return False
    parsed = urlsplit(origin)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return False
    public = urlsplit(public_base_url)
    if (parsed.scheme, parsed.netloc) == (public.scheme, public.netloc):
        return True
    return host is not None and parsed.netloc.lower() == host.lower()


def origin_allowed(socket: ASGIConnection) -> bool:
    headers = socket.headers
    return origin_matches(headers.get("origin"), headers.get("host"), get_settings().public_base_url)


async def same_origin(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard for live sockets: refused before the handshake completes (browsers see 403)."""
    if not origin_allowed(connection):
        raise WebSocketException(detail="cross-origin websocket refused", code=CLOSE_FORBIDDEN)


async def until_closed(socket: Any) -> None:
    """Client messages are ignored; this only notices the client going away."""
    while (await socket.receive())["type"] != "websocket.disconnect":
        pass


async def serve(socket: Any, topic: str, greeting: Callable[[], Awaitable[Any]]) -> None:
    """Accept ``socket``, send it ``greeting()`` and then every message of ``topic`` until the
    client goes away (the whole life of a read-only live socket)."""
    live = app_hub(socket.app)
    if live is None:  # pragma: no cover - the app always has the channels plugin
        raise WebSocketException(detail="live updates unavailable", code=1011)
    await socket.accept()
    async with live.joined(topic, socket, greeting):
        await until_closed(socket)
