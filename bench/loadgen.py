"""A small, fast HTTP/1.1 load generator: one-shot bursts and closed loops over keep-alive connections.

wrk is the fastest client here but cannot send *exactly one* request per connection with a
different bearer token each, which a burst of N registrations by N people needs. ``burst``
opens N keep-alive connections first (not timed), writes every request in one go, and
records when each response is complete. It runs on uvloop with bare ``asyncio.Protocol``s,
so a burst costs the client a few microseconds per request; ``bench_registration`` checks
it against wrk on the hello-JSON route to show the client is not the bottleneck.

``closed_loop`` keeps N keep-alive connections busy instead: each sends the next request of a
pre-built list as soon as its previous answer is complete, for a number of requests or a
duration, so every request can carry its own body and headers (wrk's Lua scripts could, but
cannot report per-request answers). ``bench.loadgen_process`` runs closed loops in child
processes, so the client never shares the server's CPU time slice or GIL.
"""

from __future__ import annotations

import asyncio
import os
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


def parse_response(buffer: bytearray) -> tuple[int, bytes] | None:
    """Take one complete response off the front of ``buffer``: ``(status, body)``, or None
    while it is incomplete. Status 0: a response this client cannot read (no content-length)."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).lower()
    marker = head.find(b"content-length:")
    if marker < 0:
        buffer.clear()
        return 0, b"response without content-length"
    eol = head.find(b"\r\n", marker)
    length = int(head[marker + 15 : eol if eol >= 0 else len(head)])
    if len(buffer) < end + 4 + length:
        return None
    status = int(buffer[9:12])
    body = bytes(buffer[end + 4 : end + 4 + length])
    del buffer[: end + 4 + length]
    return status, body


@dataclass(slots=True)
class Result:
    status: int  # 0: the connection failed
    body: bytes
    latency_s: float
    done_at: float


class _Connection(asyncio.Protocol):
    __slots__ = ("buffer", "sent_at", "transport", "waiter")

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[Result] | None = None
        self.sent_at = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no asyncio.Transport

    def send(self, raw: bytes, waiter: asyncio.Future[Result]) -> None:
        assert self.transport is not None
        self.waiter = waiter
        self.sent_at = time.perf_counter()
        self.transport.write(raw)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        parsed = parse_response(self.buffer)
        if parsed is None:
            return
        now = time.perf_counter()
        self._finish(Result(parsed[0], parsed[1], now - self.sent_at if parsed[0] else 0.0, now))

    def _finish(self, result: Result) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(result)

    def connection_lost(self, exc: Exception | None) -> None:
        self._finish(Result(0, f"connection lost: {exc}".encode(), 0.0, time.perf_counter()))

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def build_request(
    method: str, host: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in {"POST", "PUT", "PATCH"}:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@dataclass(slots=True)
class Burst:
    results: list[Result]
    started_at: float
    wall_s: float
    server_cpu_s: float | None = None  # CPU the server process used during the burst

    @property
    def rate(self) -> float:
        return len(self.results) / self.wall_s if self.wall_s > 0 else 0.0

    def latency_ms(self, quantile: float) -> float:
        return _quantile_ms([r.latency_s for r in self.results], quantile)


def _quantile_ms(latencies: list[float], quantile: float) -> float:
    values = sorted(latencies)
    if not values:
        return 0.0
    index = min(len(values) - 1, max(0, round(quantile * len(values)) - 1))
    return values[index] * 1000


async def open_connections(
    host: str, port: int, count: int, batch: int = 200, factory: Callable[[], asyncio.Protocol] = _Connection
) -> list:
    loop = asyncio.get_running_loop()
    connections: list = []
    for start in range(0, count, batch):
        made = await asyncio.gather(
            *(loop.create_connection(factory, host, port) for _ in range(min(batch, count - start)))
        )
        connections.extend(protocol for _transport, protocol in made)
    await asyncio.sleep(0.3)  # let the server accept them all before the clock starts
    return connections


async def burst(
    host: str,
    port: int,
    requests: Sequence[bytes],
    cpu_probe: Callable[[], float | None] | None = None,
    answer_within: float = 60.0,
) -> Burst:
    """Send ``requests`` at once, each on its own pre-opened connection; wait for every answer.

    ``cpu_probe`` (e.g. the server's CPU seconds) is read just before the first request and
    after the last answer; the difference lands in ``Burst.server_cpu_s``. An answer missing
    after ``answer_within`` seconds counts as a failed request (status 0), it does not hang the run.
    """
    connections = await open_connections(host, port, len(requests))
    loop = asyncio.get_running_loop()
    try:
        waiters = [loop.create_future() for _ in requests]
        cpu_before = cpu_probe() if cpu_probe else None
        started = time.perf_counter()
        for connection, raw, waiter in zip(connections, requests, waiters, strict=True):
            connection.send(raw, waiter)
        _done, pending = await asyncio.wait(waiters, timeout=answer_within)
        for waiter in pending:
            waiter.set_result(Result(0, b"no answer in time", answer_within, time.perf_counter()))
        results = [waiter.result() for waiter in waiters]
        cpu_after = cpu_probe() if cpu_probe else None
    finally:
        for connection in connections:
            connection.close()
    finished = max(r.done_at for r in results)
    cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return Burst(results=results, started_at=started, wall_s=finished - started, server_cpu_s=cpu)


def install_uvloop() -> bool:
    try:
        import uvloop
    except ImportError:
        return False
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return True


# --- closed loop ------------------------------------------------------------------------------


@dataclass(slots=True)
class LoopRun:
    """What a closed loop saw, one entry per answer in completion order (plain data: it is
    pickled from the child process to the bench)."""

    index: list[int] = field(default_factory=list)  # position of the request in the list sent
    status: list[int] = field(default_factory=list)  # 0: no answer (connection lost, timeout)
    sent_at: list[float] = field(default_factory=list)  # seconds after the loop started
    latency_s: list[float] = field(default_factory=list)
    body: list[bytes] = field(default_factory=list)  # b"" unless bodies were kept (errors always)
    wall_s: float = 0.0  # first request sent .. last answer complete
    started_epoch: float = 0.0  # time.time() at the start, to place requests in wall-clock windows
    connections: int = 0
    client_cpu_s: float = 0.0  # this client process's CPU time during the loop
    server_cpu_s: float | None = None  # the server process's (``server_pid``), if given
    machine_busy: float | None = None  # share of all CPUs busy during the loop (Linux)

    @property
    def rate(self) -> float:
        return len(self.status) / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def errors(self) -> int:
        return sum(1 for status in self.status if not 200 <= status < 300)

    def latency_ms(self, quantile: float) -> float:
        return _quantile_ms(self.latency_s, quantile)


class _Feeder:
    """Hands out request positions to the connections and collects their answers."""

    def __init__(self, size: int, count: int | None, keep_bodies: bool) -> None:
        self.size, self.count, self.keep_bodies = size, count, keep_bodies
        self.deadline: float | None = None
        self.next = 0
        self.started = 0.0
        self.last_done = 0.0
        self.run = LoopRun()
        self.running = 0
        self.done: asyncio.Future[None] | None = None

    def take(self) -> int | None:
        if self.count is not None and self.next >= self.count:
            return None
        if self.deadline is not None and time.perf_counter() >= self.deadline:
            return None
        self.next += 1
        return self.next - 1

    def record(self, index: int, status: int, sent_at: float, done_at: float, body: bytes) -> None:
        run = self.run
        run.index.append(index)
        run.status.append(status)
        run.sent_at.append(sent_at - self.started)
        run.latency_s.append(done_at - sent_at)
        run.body.append(body if self.keep_bodies or not 200 <= status < 300 else b"")
        self.last_done = max(self.last_done, done_at)

    def release(self) -> None:
        self.running -= 1
        if self.running <= 0 and self.done is not None and not self.done.done():
            self.done.set_result(None)


class _LoopConnection(asyncio.Protocol):
    __slots__ = ("active", "buffer", "feeder", "index", "requests", "sent_at", "transport")

    def __init__(self, feeder: _Feeder, requests: Sequence[bytes]) -> None:
        self.feeder, self.requests = feeder, requests
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.index = -1  # the request in flight, -1: none
        self.sent_at = 0.0
        self.active = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def start(self) -> None:
        self.active = True
        self.feeder.running += 1
        self._next()

    def _next(self) -> None:
        index = self.feeder.take()
        if index is None:
            self._stop()
            return
        assert self.transport is not None
        self.index = index
        self.sent_at = time.perf_counter()
        self.transport.write(self.requests[index % self.feeder.size])

    def _stop(self) -> None:
        if self.active:
            self.active = False
            self.feeder.release()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        parsed = parse_response(self.buffer)
        if parsed is None or self.index < 0:
            return
        index, self.index = self.index, -1
        self.feeder.record(index, parsed[0], self.sent_at, time.perf_counter(), parsed[1])
        if parsed[0] == 0:  # unreadable: this connection is out of step, stop using it
            self._stop()
        else:
            self._next()

    def abort(self, reason: bytes) -> None:
        if self.index >= 0:
            index, self.index = self.index, -1
            self.feeder.record(index, 0, self.sent_at, time.perf_counter(), reason)
        self._stop()

    def connection_lost(self, exc: Exception | None) -> None:
        self.abort(f"connection lost: {exc}".encode())


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of ``pid`` and its threads (Linux ``/proc``), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_ticks() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs since boot (Linux ``/proc/stat``), else None."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def _client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def closed_loop(
    host: str,
    port: int,
    requests: Sequence[bytes],
    connections: int,
    *,
    count: int | None = None,
    duration: float | None = None,
    keep_bodies: bool = False,
    server_pid: int | None = None,
    start_at: float | None = None,
    answer_within: float = 30.0,
) -> LoopRun:
    """Keep ``connections`` connections busy with ``requests`` (in order, cycling if need be).

    Stops after ``count`` requests or ``duration`` seconds, whichever comes first (neither: each
    request once). ``start_at`` (``time.time()``) lets several processes start together. An
    answer missing after ``answer_within`` seconds ends the loop; what is in flight counts as
    failed (status 0).
    """
    if count is None and duration is None:
        count = len(requests)
    feeder = _Feeder(len(requests), count, keep_bodies)
    conns: list[_LoopConnection] = await open_connections(
        host, port, connections, factory=lambda: _LoopConnection(feeder, requests)
    )
    if start_at is not None:
        await asyncio.sleep(max(0.0, start_at - time.time()))
    feeder.done = asyncio.get_running_loop().create_future()
    ticks_before, cpu_before = _machine_ticks(), _client_cpu()
    server_before = process_cpu_seconds(server_pid) if server_pid else None
    feeder.run.started_epoch = time.time()
    feeder.started = feeder.last_done = time.perf_counter()
    feeder.deadline = feeder.started + duration if duration is not None else None
    try:
        for conn in conns:
            conn.start()
        while not feeder.done.done():
            await asyncio.wait([feeder.done], timeout=min(1.0, answer_within))
            if not feeder.done.done() and time.perf_counter() - feeder.last_done > answer_within:
                for conn in conns:
                    conn.abort(b"no answer in time")
    finally:
        for conn in conns:
            if conn.transport is not None:
                conn.transport.close()
    run = feeder.run
    run.wall_s = feeder.last_done - feeder.started
    run.connections = connections
    run.client_cpu_s = _client_cpu() - cpu_before
    server_after = process_cpu_seconds(server_pid) if server_pid else None
    if server_before is not None and server_after is not None:
        run.server_cpu_s = server_after - server_before
    ticks_after = _machine_ticks()
    if ticks_before and ticks_after and ticks_after[1] > ticks_before[1]:
        run.machine_busy = (ticks_after[0] - ticks_before[0]) / (ticks_after[1] - ticks_before[1])
    return run
