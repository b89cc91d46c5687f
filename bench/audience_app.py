"""The real app for ``bench_audience``, with a note of every audience broadcast.

``uvicorn bench.audience_app:create_app --factory`` serves exactly ``app.asgi.create_app()``;
the only addition is a line per broadcast appended to ``$BENCH_AUDIENCE_LOG``:

    <tick start> <first send> <last send done> <sockets> <of them written to directly> <CPU ms of the sends> <text>

(``time.time()`` stamps: the load generators run on the same machine and stamp arrivals with
the same clock). The tick start is when the server set out to tell viewers, so "tick start to
the last viewer's arrival" is the whole fan-out, counting work included.
"""

from __future__ import annotations

import inspect
import os
import resource
import time
from typing import Any

from litestar import Litestar

from livestream.audience import Audience
from livestream.audience_parts import Room

LOG_VARIABLE = "BENCH_AUDIENCE_LOG"


def raise_open_files() -> int:
    """Soft limit of open files up to the hard limit (one per socket); returns it."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def _note_broadcasts(path: str) -> None:
    sink = open(path, "a", buffering=1)  # noqa: SIM115 - open for the life of the process
    tick, broadcast = Audience.tick, Audience._broadcast

    async def noted_tick(self: Audience) -> None:
        self._bench_tick_at = time.time()  # type: ignore[attr-defined]
        await tick(self)

    def note(self: Audience, room: Room, started: float, sockets: int, cpu: float) -> None:
        tick_at, cpu_ms = getattr(self, "_bench_tick_at", started), 1000 * (time.thread_time() - cpu)
        direct = sum(1 for c in room.connections if c.raw is not None)
        line = f"{tick_at:.6f} {started:.6f} {time.time():.6f} {sockets} {direct} {cpu_ms:.3f} {room.text}"
        sink.write(line + "\n")

    if inspect.iscoroutinefunction(broadcast):

        async def noted_broadcast(self: Audience, room: Room) -> Any:
            started, sockets, cpu = time.time(), len(room.connections), time.thread_time()
            result = await broadcast(self, room)
            note(self, room, started, sockets, cpu)
            return result

    else:

        def noted_broadcast(self: Audience, room: Room) -> Any:  # type: ignore[misc]
            started, sockets, cpu = time.time(), len(room.connections), time.thread_time()
            result = broadcast(self, room)
            note(self, room, started, sockets, cpu)
            return result

    Audience.tick = noted_tick  # type: ignore[method-assign]
    Audience._broadcast = noted_broadcast  # type: ignore[method-assign]


def _trace_memory(path: str) -> None:
    """On SIGUSR1, write where the memory held now was allocated (by line), to ``path``."""
    import signal
    import tracemalloc

    tracemalloc.start(1)

    def dump(*_: object) -> None:
        stats = tracemalloc.take_snapshot().statistics("lineno")
        with open(path, "w") as out:
            out.writelines(
                f"{stat.size / 1024:10.1f} kB {stat.count:8d} {stat.traceback}\n" for stat in stats[:60]
            )

    signal.signal(signal.SIGUSR1, dump)


def create_app() -> Litestar:
    from app.asgi import create_app as create_luyan_app

    raise_open_files()
    if trace := os.environ.get("BENCH_AUDIENCE_TRACEMALLOC"):
        _trace_memory(trace)
    path = os.environ.get(LOG_VARIABLE)
    if path:
        _note_broadcasts(path)
    return create_luyan_app()
