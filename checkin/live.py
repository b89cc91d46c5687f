"""Live arrivals: the organiser's dashboard follows scans as they happen, over a websocket.

Flow:

1. The scan service emits ``checkin.created`` after commit. ``publish_scan`` (a listener) adds
   an admitted scan to this process's ``_Outbox``, which publishes at most one small message per
   event every ``PUBLISH_EVERY_S`` on the channel ``checkin-arrivals-<event id>``: how many scans,
   and the new arrivals per minute. 1,000 scans a second become five messages a second.
2. Channels (Litestar's plugin; in memory, or Redis pub/sub across processes) carry it to every
   process holding a dashboard socket of that event.
3. Each socket collects the minute deltas and, at most every ``SEND_EVERY_S``, sends the deltas
   with fresh absolute counts. The counts come from one short query per event and process,
   shared by every socket of the event there (``_CountsCache``). No socket holds a database
   connection between those reads.

The socket checks the ``Origin`` header itself (Litestar's CSRF middleware skips websockets, so
a foreign page could otherwise open it with the visitor's cookies) and authenticates from the
session cookie through ``AuthMiddleware``, which also runs on websockets. Refusals happen before
the handshake completes, so browsers see a failed connection (HTTP 403).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import msgspec
from litestar import WebSocket, websocket
from litestar.channels import ChannelsPlugin
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.events import listener
from litestar.exceptions import WebSocketException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, FromQuery

from app import signals
from app.auth import current_user, requires_login
from app.errors import InvalidInput, NotFound
from app.settings import get_settings
from checkin import stats
from checkin.stats_schemas import CheckinCounts
from events.access import staff_event

log = logging.getLogger("luyan.checkin.live")

ARRIVALS_PATH = "/ws/events/{event_id:int}/arrivals"
PUBLISH_EVERY_S = 0.2
SEND_EVERY_S = 0.5
CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_INVALID, CLOSE_ERROR = 4403, 4404, 4422, 1011


def channel(event_id: int) -> str:
    return f"checkin-arrivals-{event_id}"


def _plugin() -> ChannelsPlugin | None:
    """The running app's channels plugin (listeners only run while the app runs)."""
    app = signals.current_app()
    if app is None:
        return None
    try:
        return app.plugins.get(ChannelsPlugin)
    except KeyError:
        return None


# -- publishing ------------------------------------------------------------------------------
ANNOUNCE_STEP_S = 0.001  # scans are stamped with when they were announced, to the millisecond


@dataclass
class _Batch:
    scans: int = 0
    # (minute since the epoch, announced at) -> admitted entries. The announce time lets a
    # socket skip arrivals its snapshot already counted (see ``_Feed.take``).
    arrivals: Counter[tuple[int, float]] = field(default_factory=Counter)
    last: float = 0.0  # wall clock of the newest announcement


class _Outbox:
    """Admitted scans of the last ``PUBLISH_EVERY_S``, per event, published as one message."""

    def __init__(self) -> None:
        self.pending: dict[int, _Batch] = {}
        self.timer: asyncio.TimerHandle | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    def add(self, event_id: int, direction: str, at: dt.datetime) -> None:
        self.add_many([(event_id, direction, at)])

    def add_many(self, scans: list[tuple[int, str, dt.datetime]]) -> None:
        """Admitted scans as (event id, direction, scanned at), announced now."""
        now = time.time()
        stamp = round(math.ceil(now / ANNOUNCE_STEP_S) * ANNOUNCE_STEP_S, 3)
        for event_id, direction, at in scans:
            batch = self.pending.get(event_id)
            if batch is None:
                batch = self.pending[event_id] = _Batch()
            batch.scans += 1
            batch.last = max(batch.last, now)
            if direction == "entry":
                at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
                batch.arrivals[(int(at.timestamp()) // stats.MINUTE, stamp)] += 1
        loop = asyncio.get_running_loop()
        if self.timer is None or self.loop is not loop:  # (a timer of a finished loop never fires)
            self.loop, self.timer = loop, loop.call_later(PUBLISH_EVERY_S, self.flush)

    def flush(self) -> None:
        self.timer = None
        pending, self.pending = self.pending, {}
        plugin = _plugin()
        if plugin is None:
            return
        for event_id, batch in pending.items():
            message = {
                "scans": batch.scans,
                "last": batch.last,
                "arrivals": [[minute, n, stamp] for (minute, stamp), n in sorted(batch.arrivals.items())],
            }
            try:
                plugin.publish(message, channel(event_id))
            except RuntimeError:  # the app is stopping: nobody is watching any more
                log.debug("channels not running; dropped live update of event %s", event_id)


_outbox = _Outbox()


@listener("checkin.created")
async def publish_scan(event_id: int, admitted: bool, direction: str, at: dt.datetime, **_: Any) -> None:
    """Refused scans change no figure; admitted ones (in or out) are announced, batched."""
    if admitted:
        _outbox.add(event_id, direction, at)


@signals.batch_form(publish_scan)
def publish_scans(payloads: signals.Payloads) -> None:
    """``publish_scan`` for a whole batch of scans at once."""
    admitted = [(p["event_id"], p["direction"], p["at"]) for p in payloads if p["admitted"]]
    if admitted:
        _outbox.add_many(admitted)


# -- shared counts ---------------------------------------------------------------------------
@dataclass
class _Reading:
    started: float
    task: asyncio.Future[CheckinCounts]


class _CountsCache:
    """One counts query per event at a time, shared by every socket of this process that needs
    figures at least as new as ``not_before`` (a monotonic time)."""

    def __init__(self) -> None:
        self.readings: dict[int, _Reading] = {}

    async def get(self, event_id: int, not_before: float) -> CheckinCounts:
        reading = self.readings.get(event_id)
        if reading is None or reading.started < not_before or self._failed(reading):
            if len(self.readings) > 1000:
                self.readings = {k: r for k, r in self.readings.items() if not r.task.done()}
            reading = _Reading(time.monotonic(), asyncio.ensure_future(stats.counts(event_id)))
            self.readings[event_id] = reading
        return await asyncio.shield(reading.task)

    @staticmethod
    def _failed(reading: _Reading) -> bool:
        task = reading.task
        return task.done() and (task.cancelled() or task.exception() is not None)


_counts = _CountsCache()


# -- the socket ------------------------------------------------------------------------------
def origin_allowed(origin: str | None, host: str | None, public_base_url: str) -> bool:
    """The page must come from this site: the configured public origin, or the host the
    socket was opened on (what a browser sends for a same-origin page). No Origin: refused."""
    if not origin:
        return False
    parsed = urlsplit(origin)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return False
    public = urlsplit(public_base_url)
    if (parsed.scheme, parsed.netloc) == (public.scheme, public.netloc):
        return True
    return host is not None and parsed.netloc.lower() == host.lower()


async def same_origin(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    headers = connection.headers
    if not origin_allowed(headers.get("origin"), headers.get("host"), get_settings().public_base_url):
        raise WebSocketException(detail="cross-origin websocket refused", code=CLOSE_FORBIDDEN)


class _Feed:
    """What one socket has received but not yet sent."""

    def __init__(self, snapshot_at: float) -> None:
        self.snapshot_at = snapshot_at  # wall clock when the snapshot's queries began
        self.arrivals: Counter[int] = Counter()
        self.tick = 0.0  # monotonic time of the newest message
        self.dirty = asyncio.Event()

    def take(self, raw: bytes) -> None:
        message = msgspec.json.decode(raw)
        if message.get("last", math.inf) < self.snapshot_at:
            return  # every scan in it was committed before the snapshot's queries began
        for minute, count, announced in message.get("arrivals", ()):
            if announced >= self.snapshot_at:  # older ones are in the snapshot already
                self.arrivals[int(minute)] += int(count)
        self.tick = time.monotonic()
        self.dirty.set()


def _message(kind: str, **body: Any) -> str:
    return msgspec.json.encode({"type": kind, **body}).decode()


async def _pump(subscriber: Any, feed: _Feed) -> None:
    async for raw in subscriber.iter_events():
        feed.take(raw)


async def _send_updates(socket: WebSocket, event_id: int, feed: _Feed) -> None:
    last_sent = 0.0
    while True:
        await feed.dirty.wait()
        wait = last_sent + SEND_EVERY_S - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        feed.dirty.clear()
        not_before, deltas, feed.arrivals = feed.tick, feed.arrivals, Counter()
        try:
            figures = await _counts.get(event_id, not_before)
        except Exception:
            log.exception("live counts of event %s failed", event_id)
            feed.arrivals.update(deltas)
            feed.dirty.set()
            await asyncio.sleep(5 * SEND_EVERY_S)
            continue
        arrivals = [[minute * stats.MINUTE, n] for minute, n in sorted(deltas.items())]
        await socket.send_text(_message("update", counts=figures, arrivals=arrivals))
        last_sent = time.monotonic()


async def _until_closed(socket: WebSocket) -> None:
    """Client messages are ignored; this only notices the client going away."""
    while (await socket.receive())["type"] != "websocket.disconnect":
        pass


@websocket(ARRIVALS_PATH, guards=[same_origin, requires_login])
async def arrivals_socket(
    socket: WebSocket,
    event_id: FromPath[int],
    channels: NamedDependency[ChannelsPlugin],
    hours: FromQuery[int | None] = None,
    day: FromQuery[dt.date | None] = None,
) -> None:
    """Organisers and check-in staff of the event: a ``snapshot`` (``CheckinStats``) on connect,
    then ``update`` messages (absolute ``counts`` plus ``arrivals`` deltas as
    ``[[minute start in Unix seconds, admitted entries], ...]``), at most two a second."""
    try:
        event = await staff_event(current_user(socket), event_id)
        window = stats.window_for(event, hours, day)
    except NotFound:
        raise WebSocketException(detail="not found", code=CLOSE_NOT_FOUND) from None
    except InvalidInput:
        raise WebSocketException(detail="invalid window", code=CLOSE_INVALID) from None
    await socket.accept()
    async with channels.start_subscription([channel(event_id)]) as subscriber:
        feed = _Feed(snapshot_at=time.time())
        snapshot = await stats.event_stats(event, window)
        await socket.send_text(_message("snapshot", stats=snapshot))
        tasks = [
            asyncio.create_task(_until_closed(socket)),
            asyncio.create_task(_pump(subscriber, feed)),
            asyncio.create_task(_send_updates(socket, event_id, feed)),
        ]
        try:
            done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        failed = [t.exception() for t in done if not t.cancelled() and t.exception() is not None]
        if failed and tasks[0] not in done:
            log.warning("live arrivals socket of event %s ended: %r", event_id, failed[0])
            with contextlib.suppress(Exception):
                await socket.close(code=CLOSE_ERROR)


ROUTES = [arrivals_socket]
