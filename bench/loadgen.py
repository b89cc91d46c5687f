"""A small, fast HTTP/1.1 load generator for one-shot bursts over pre-opened connections.

wrk is the fastest client here but cannot send *exactly one* request per connection with a
different bearer token each, which a burst of N registrations by N people needs. This client
opens N keep-alive connections first (not timed), writes every request in one go, and
records when each response is complete. It runs on uvloop with bare ``asyncio.Protocol``s,
so a burst costs the client a few microseconds per request; ``bench_registration`` checks
it against wrk on the hello-JSON route to show the client is not the bottleneck.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


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
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buffer[:end]).lower()
        marker = head.find(b"content-length:")
        if marker < 0:
            self._finish(Result(0, b"response without content-length", 0.0, time.perf_counter()))
            return
        eol = head.find(b"\r\n", marker)
        length = int(head[marker + 15 : eol if eol >= 0 else len(head)])
        if len(self.buffer) < end + 4 + length:
            return
        now = time.perf_counter()
        status = int(self.buffer[9:12])
        body = bytes(self.buffer[end + 4 : end + 4 + length])
        del self.buffer[: end + 4 + length]
        self._finish(Result(status, body, now - self.sent_at, now))

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
        values = sorted(r.latency_s for r in self.results)
        if not values:
            return 0.0
        index = min(len(values) - 1, max(0, round(quantile * len(values)) - 1))
        return values[index] * 1000


async def open_connections(host: str, port: int, count: int, batch: int = 200) -> list[_Connection]:
    loop = asyncio.get_running_loop()
    connections: list[_Connection] = []
    for start in range(0, count, batch):
        made = await asyncio.gather(
            *(loop.create_connection(_Connection, host, port) for _ in range(min(batch, count - start)))
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
