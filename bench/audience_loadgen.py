"""A load generator process of ``bench_audience``: many viewer websockets, arrivals stamped.

    python bench/audience_loadgen.py --url ws://127.0.0.1:8000/ws/streams/1/audience \
        --origin http://127.0.0.1:8000 --count 5000 --name g0 --out arrivals.json

Opens ``--count`` sockets with the ``websockets`` client (each its own viewer id, as browsers
do; permessage-deflate offered, as browsers do), says ``connected <ok> <failed>`` on stdout,
then keeps them open, sending ``ping`` from each every 20 s like the viewer page. Commands on
stdin: ``mark`` (start of the measured window: arrivals before it are dropped), ``stop``
(write the results to ``--out`` and exit).

Arrivals are stamped with ``time.time()`` where the client library hands over each decoded
text frame (``process_event``), before any task wakes up: no per-socket reader task, so one
process can hold ten thousand sockets and still stamp close to when the bytes came in. The
process's own CPU time over the window is reported, to show whether it kept up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import time
import uuid
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.frames import Frame, Opcode

PONG_PREFIX = b'{"pong"'


class StampingConnection(ClientConnection):
    """A client connection noting when each text frame (pongs aside) arrives."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrivals: list[float] = []
        self.greeted = False  # after the greeting nobody calls recv(): messages are dropped
        self.checked = False  # this socket also decodes what it gets (one per process)
        self.bad = 0  # frames that were not the figures

    def process_event(self, event: Any) -> None:
        if (
            isinstance(event, Frame)
            and event.opcode is Opcode.TEXT
            and not event.data.startswith(PONG_PREFIX)
        ):
            self.arrivals.append(time.time())
            if self.checked and "online" not in json.loads(event.data):
                self.bad += 1
        super().process_event(event)
        if self.greeted:
            self.recv_messages.frames.queue.clear()


async def open_socket(
    args: argparse.Namespace, number: int, gate: asyncio.Semaphore
) -> StampingConnection | None:
    viewer = f"{args.name}-{number:06d}-{uuid.uuid4().hex[:12]}"
    url = f"{args.url}?viewer={viewer}"
    for attempt in range(3):
        async with gate:
            try:
                socket = await connect(
                    url,
                    origin=args.origin,
                    create_connection=StampingConnection,
                    ping_interval=None,  # the server pings; the page sends "ping" texts
                    max_queue=None,
                    open_timeout=120,
                    compression=None if args.no_compression else "deflate",
                    local_addr=(args.source, 0) if args.source else None,
                )
                assert isinstance(socket, StampingConnection)
                await asyncio.wait_for(socket.recv(), 60)  # the greeting
                socket.greeted = True
                return socket
            except Exception as exc:
                if attempt == 2:
                    print(f"connect failed: {exc!r}", file=sys.stderr, flush=True)
        await asyncio.sleep(0.5 + random.random())
    return None


async def keep_pinging(sockets: list[StampingConnection], every: float) -> None:
    """Each socket sends ``ping`` once per ``every`` seconds, spread evenly over time (from
    the first socket on: connecting ten thousand takes longer than the server's silence limit)."""
    slice_s, position = 0.1, 0
    while True:
        for _ in range(max(1, round(len(sockets) * slice_s / every)) if sockets else 0):
            socket = sockets[position % len(sockets)]
            position += 1
            try:
                await socket.send("ping")
            except Exception:
                pass
        await asyncio.sleep(slice_s)


async def open_all(args: argparse.Namespace, sockets: list[StampingConnection]) -> int:
    """Open the sockets (``--concurrency`` handshakes at a time); returns how many failed."""
    gate = asyncio.Semaphore(args.concurrency)
    failed = 0

    async def one(number: int) -> None:
        nonlocal failed
        socket = await open_socket(args, number, gate)
        if socket is None:
            failed += 1
            return
        socket.checked = not sockets
        sockets.append(socket)
        if len(sockets) % 500 == 0:
            print(f"progress {len(sockets)}", flush=True)

    await asyncio.gather(*(one(n) for n in range(args.count)))
    return failed


async def read_line() -> str:
    return (await asyncio.to_thread(sys.stdin.readline)).strip()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    sockets: list[StampingConnection] = []
    pinger = asyncio.create_task(keep_pinging(sockets, args.ping_every))
    failed = await open_all(args, sockets)
    print(f"connected {len(sockets)} {failed}", flush=True)
    marked_at, cpu_at = time.time(), time.process_time()
    while (command := await read_line()) not in {"stop", ""}:
        if command == "mark":
            marked_at, cpu_at = time.time(), time.process_time()
            for socket in sockets:
                socket.arrivals.clear()
            print("marked", flush=True)
    wall, cpu = time.time() - marked_at, time.process_time() - cpu_at
    pinger.cancel()
    result = {
        "sockets": len(sockets),
        "failed": failed,
        "closed": sum(1 for s in sockets if s.close_code is not None),
        "bad_frames": sum(s.bad for s in sockets),
        "cpu_percent": round(100 * cpu / wall, 1) if wall > 0 else 0.0,
        "arrivals": [[round(t, 6) for t in s.arrivals] for s in sockets],
    }
    return result


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--origin", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--name", default="g0", help="prefix of this process's viewer ids")
    parser.add_argument("--out", required=True)
    parser.add_argument("--concurrency", type=int, default=64, help="handshakes in flight")
    parser.add_argument("--ping-every", type=float, default=20.0)
    parser.add_argument("--source", default="", help="local address to connect from, e.g. 127.0.0.2")
    parser.add_argument("--no-compression", action="store_true")
    args = parser.parse_args(argv)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    result = asyncio.run(main(args))
    with open(args.out, "w") as out:
        json.dump(result, out)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(cli())
