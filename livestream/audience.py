"""The live audience of streams in this process, counted once per viewer, and the tick that
tells every viewer the figures (the protocol and the design: ``docs/livestream.md``).

* **Counting.** Per stream: the open sockets here and how many tabs each viewer id has open.
  Connect and disconnect only change these counters.
* **The tick** (at most once a second, one task per process, not one per socket): reads the
  totals (with Redis every process's counts, see ``audience_redis``; without, this process
  alone); for each stream whose figures changed, encodes one message and its websocket frame
  once, and writes that frame to each local socket's transport in a plain loop, no await per
  socket (``direct_write``; sockets the server library gives no such access to get the text
  through the ASGI ``send``). Nothing is sent when nothing changed.
* **Figures kept** (peak, viewers per minute, per-viewer watch time) are gathered in memory and
  written every ``FLUSH_EVERY_S`` in a few batched statements (``streams.write_figures``).
* **Liveness.** Sockets silent for ``SILENT_AFTER_S`` (browsers ping every 20 s) are closed.
* **Onsite** (people checked in) is read when a stream's first viewer arrives here, after a
  local ``checkin.created``, and every ``ONSITE_REFRESH_S`` (scans in other processes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from typing import Any

from litestar import Litestar

from livestream import streams
from livestream.audience_parts import (
    DEFAULT_SOCKETS_PER_ADDRESS,
    Connection,
    OnsiteReading,
    Room,
    TooManyConnections,
    direct_write,
    encode_state,
    per_address_limit,
    text_frame,
)
from livestream.audience_redis import SharedCounts, shared_counts
from livestream.stream_schemas import AudienceNow

log = logging.getLogger("luyan.livestream.audience")

TICK_S = 1.0
FLUSH_EVERY_S = 5.0
ONSITE_REFRESH_S = 10.0
MAX_ONSITE_READINGS = 1000
SILENT_AFTER_S = 60.0
SWEEP_EVERY_S = 10.0


class Audience:
    """Every stream's viewers in this process (one per app)."""

    def __init__(
        self, shared: SharedCounts | None = None, per_address: int = DEFAULT_SOCKETS_PER_ADDRESS
    ) -> None:
        self.shared = shared
        self.per_address = per_address
        self.tick_s = TICK_S
        self.flush_every_s = FLUSH_EVERY_S
        self.silent_after_s = SILENT_AFTER_S
        self.sweep_every_s = SWEEP_EVERY_S
        self.rooms: dict[int, Room] = {}
        self.addresses: Counter[str] = Counter()
        self.onsite: dict[int, OnsiteReading] = {}
        self.pending = streams.PendingFigures()
        self._ticker: asyncio.Task[None] | None = None
        self._onsite_reader: asyncio.Task[None] | None = None
        self._flusher: asyncio.Task[None] | None = None
        self._last_flush = time.monotonic()
        self._last_sweep = time.monotonic()

    # -- connect and disconnect -------------------------------------------------------------
    def reserve(self, address: str) -> None:
        """Count a socket against its address before accepting it."""
        if self.addresses[address] >= self.per_address:
            raise TooManyConnections(address)
        self.addresses[address] += 1

    def release(self, address: str) -> None:
        self.addresses[address] -= 1
        if self.addresses[address] <= 0:
            del self.addresses[address]

    async def join(
        self,
        stream_id: int,
        event_id: int,
        status: str,
        peak: int,
        socket: Any,
        viewer: str,
        address: str,
        raw: Any = None,
    ) -> Connection:
        """Add an accepted socket (its address reserved) and return it; the caller sends it
        ``greeting(...)`` and calls ``leave`` when it closes. ``raw``: see ``direct_write``."""
        if event_id not in self.onsite:  # the only await: before anything is counted
            await self._read_onsite([event_id])
        room = self.rooms.get(stream_id)
        if room is None:
            room = self.rooms[stream_id] = Room(stream_id, event_id, status, peak)
            room.minute = int(time.time()) // 60
        connection = Connection(room, socket, viewer, address, raw)
        room.connections.add(connection)
        room.tabs[viewer] += 1
        if room.tabs[viewer] == 1:
            now = time.time()
            room.since[viewer] = now
            self.pending.visit(stream_id, viewer, now)
        room.online = max(room.online, len(room.tabs))
        self._start_ticker()
        return connection

    def leave(self, connection: Connection) -> None:
        if connection.left:
            return
        connection.left = True
        self.release(connection.address)
        room = connection.room
        room.connections.discard(connection)
        viewer = connection.viewer
        room.tabs[viewer] -= 1
        if room.tabs[viewer] <= 0:
            del room.tabs[viewer]
            now = time.time()
            self.pending.watched(room.stream_id, viewer, now - room.since.pop(viewer, now), now)
        if not room.connections:
            self.pending.minute(room.stream_id, room.minute, room.minute_max)
            del self.rooms[room.stream_id]

    def greeting(self, stream_id: int) -> str:
        """What the stream's viewers were last told (so every socket agrees with the next
        change), or a first reading for a stream new to this process."""
        room = self.rooms[stream_id]
        if room.told is not None:
            return room.text
        online = max(room.online, len(room.tabs))
        return encode_state(online, self._onsite_of(room.event_id), max(room.peak, online), room.status)

    def heard(self, connection: Connection) -> None:
        connection.heard = time.monotonic()

    # -- news from elsewhere ----------------------------------------------------------------
    def stream_changed(self, stream_id: int, status: str) -> None:
        room = self.rooms.get(stream_id)
        if room is not None:
            room.status = "ended" if status == "deleted" else status
            room.status_at = time.monotonic()

    def checkin_changed(self, event_id: int) -> None:
        reading = self.onsite.get(event_id)
        if reading is not None:
            reading.dirty = True

    # -- reading the figures ----------------------------------------------------------------
    def local_counts(self) -> dict[int, int]:
        """Distinct viewers per stream in this process."""
        return {stream_id: len(room.tabs) for stream_id, room in self.rooms.items()}

    async def totals(self) -> dict[int, int]:
        """Distinct viewers per stream across processes (this process alone without Redis)."""
        if self.shared is None:
            return self.local_counts()
        try:
            return await self.shared.read()
        except Exception:
            log.warning("shared audience counts unavailable; showing this process only", exc_info=True)
            return self.local_counts()

    async def now(self, stream_id: int, event_id: int, status: str, stored_peak: int) -> AudienceNow:
        return (await self.now_many([(stream_id, event_id, status, stored_peak)]))[0]

    async def now_many(self, streams_: list[tuple[int, int, str, int]]) -> list[AudienceNow]:
        """Figures of ``(stream id, event id, status, stored peak)``s, for pages and the API:
        one read of the totals for them all."""
        totals = await self.totals() if streams_ else {}
        monotonic = time.monotonic()
        stale = {
            e
            for _s, e, _st, _p in streams_
            if (r := self.onsite.get(e)) is None or r.dirty or monotonic - r.read_at >= ONSITE_REFRESH_S
        }
        if stale:
            if len(self.onsite) > MAX_ONSITE_READINGS:  # pages read events nobody watches here
                watched = {room.event_id for room in self.rooms.values()}
                self.onsite = {e: r for e, r in self.onsite.items() if e in watched}
            await self._read_onsite(sorted(stale))
        result = []
        for stream_id, event_id, status, stored_peak in streams_:
            online = totals.get(stream_id, 0)
            room = self.rooms.get(stream_id)
            peak = max(stored_peak, online, room.peak if room else 0)
            onsite = self._onsite_of(event_id)
            result.append(AudienceNow(stream_id, event_id, status, online=online, peak=peak, onsite=onsite))
        return result

    def _onsite_of(self, event_id: int) -> int:
        reading = self.onsite.get(event_id)
        return reading.value if reading else 0

    async def _read_onsite(self, event_ids: list[int]) -> None:
        from checkin import stats  # the check-in domain's own figures

        for event_id in event_ids:
            reading = self.onsite.setdefault(event_id, OnsiteReading())
            reading.dirty, reading.read_at = False, time.monotonic()
            try:
                reading.value = (await stats.counts(event_id)).checked_in
            except Exception:
                log.warning("check-in figures of event %s unavailable", event_id, exc_info=True)

    # -- the tick ---------------------------------------------------------------------------
    def _start_ticker(self) -> None:
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.create_task(self._run(), name="livestream-audience-tick")

    async def _run(self) -> None:
        """Ticks while this process has viewers, then leaves the shared counts, writes what is
        left and stops. Viewers who arrive during that goodbye keep it ticking: the check that
        ends the task and the end itself happen with no await in between."""
        while True:
            while self.rooms:
                started = time.monotonic()
                try:
                    await self.tick()
                except Exception:
                    log.exception("audience tick failed")
                await asyncio.sleep(max(0.0, self.tick_s - (time.monotonic() - started)))
            if self.shared is not None:
                with contextlib.suppress(Exception):
                    await self.shared.exchange({})
            await self.flush()
            if not self.rooms:
                return

    async def tick(self) -> None:
        now, monotonic = time.time(), time.monotonic()
        local = self.local_counts()
        totals = local
        if self.shared is not None:
            try:
                # No asyncio timeout here: cancelling a pipeline mid-reply would leave its
                # connection out of step; the client's own socket timeout bounds the wait.
                totals = await self.shared.exchange(local)
            except Exception:
                log.warning("publishing audience counts failed; counting this process only", exc_info=True)
        self._refresh_onsite(monotonic)
        minute = int(now) // 60
        for stream_id, room in list(self.rooms.items()):
            online = room.online = totals.get(stream_id, local.get(stream_id, 0))
            if online > room.peak:
                room.peak = online
                self.pending.peak(stream_id, online, now)
            if minute != room.minute:
                self.pending.minute(stream_id, room.minute, room.minute_max)
                room.minute, room.minute_max = minute, 0
            room.minute_max = max(room.minute_max, online)
            state = (online, self._onsite_of(room.event_id), room.peak, room.status)
            if state != room.told:
                room.told, room.text = state, encode_state(*state)
                await self._broadcast(room)
        if monotonic - self._last_sweep >= self.sweep_every_s:
            self._last_sweep = monotonic
            self._drop_silent(monotonic)
        if monotonic - self._last_flush >= self.flush_every_s:
            self._last_flush = monotonic
            for room in self.rooms.values():  # the current minute so far, for live reports
                self.pending.minute(room.stream_id, room.minute, room.minute_max)
            if self._flusher is None or self._flusher.done():
                self._flusher = asyncio.create_task(self.flush())

    async def _broadcast(self, room: Room) -> None:
        """One text to every local socket of the stream: its frame encoded once and written in
        a plain loop, no task and no await per socket (measured: ``bench/bench_audience.py``);
        sockets without direct access get the text through ASGI afterwards."""
        text, frame = room.text, text_frame(room.text)
        dead, other = [], []
        for connection in list(room.connections):
            if connection.raw is None:
                other.append(connection)
            elif not direct_write(connection.raw, frame):
                dead.append(connection)
        for connection in other:
            try:
                await connection.socket.send_text(text)
            except Exception:  # closed, reset, or gone mid-send
                dead.append(connection)
        for connection in dead:
            self.leave(connection)

    def _drop_silent(self, monotonic: float) -> None:
        silent = [
            c
            for room in self.rooms.values()
            for c in room.connections
            if monotonic - c.heard > self.silent_after_s
        ]
        for connection in silent:
            self.leave(connection)
            task = asyncio.create_task(_close_quietly(connection.socket))
            _closing.add(task)
            task.add_done_callback(_closing.discard)
        if silent:
            log.info("closed %d silent viewer sockets", len(silent))

    def _refresh_onsite(self, monotonic: float) -> None:
        watched = {room.event_id for room in self.rooms.values()}
        for event_id in list(self.onsite):
            if event_id not in watched:
                del self.onsite[event_id]
        due = [
            e
            for e in watched
            if (r := self.onsite.get(e)) is None or r.dirty or monotonic - r.read_at >= ONSITE_REFRESH_S
        ]
        if due and (self._onsite_reader is None or self._onsite_reader.done()):
            self._onsite_reader = asyncio.create_task(self._refresh_rooms(due))

    async def _refresh_rooms(self, event_ids: list[int]) -> None:
        """Check-in figures, and each room's status and peak (changed in another process)."""
        await self._read_onsite(event_ids)
        for room in [r for r in self.rooms.values() if r.event_id in event_ids]:
            started = time.monotonic()
            with contextlib.suppress(Exception):
                brief = await streams.stream_brief(room.stream_id)
                if room.status_at > started:
                    continue  # a change heard meanwhile is newer than this reading
                if brief is None:
                    room.status = "ended"
                else:
                    room.status, room.peak = brief["status"], max(room.peak, brief["peak_viewers"])

    async def close(self) -> None:
        """At shutdown, before the database closes: stop ticking, leave the shared counts and
        write what is gathered."""
        ticker, self._ticker = self._ticker, None
        if ticker is not None:
            ticker.cancel()
            await asyncio.gather(ticker, return_exceptions=True)
        if self.shared is not None:
            with contextlib.suppress(Exception):
                await self.shared.exchange({})
            with contextlib.suppress(Exception):
                await self.shared.close()
        await self.flush()

    async def flush(self) -> None:
        pending, self.pending = self.pending, streams.PendingFigures()
        if pending.empty():
            return
        try:
            await streams.write_figures(pending)
        except Exception:
            log.exception("writing audience figures failed; keeping them for the next flush")
            self.pending.merge(pending)


_closing: set[asyncio.Task[None]] = set()


async def _close_quietly(socket: Any) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(socket.close(code=1001), timeout=5)


STATE_KEY = "livestream_audience"


async def run_audience() -> None:
    """A background task of the app: nothing to do until shutdown, when it closes the app's
    audience (see ``Audience.close``) while the database is still open."""
    from app import signals

    app = signals.current_app()
    try:
        await asyncio.Event().wait()
    finally:
        audience = app.state.get(STATE_KEY) if app is not None else None
        if audience is not None:
            await audience.close()


def audience_for(app: Litestar) -> Audience:
    """The app's audience (made on first use: Redis-shared when the app has Redis)."""
    audience = app.state.get(STATE_KEY)
    if audience is None:
        audience = Audience(shared_counts(), per_address_limit())
        app.state[STATE_KEY] = audience
    return audience
