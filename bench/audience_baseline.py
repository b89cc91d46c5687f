"""The baseline of ``bench_audience``: a bare ``websockets`` server doing what the audience tick
does, and nothing else.

    python bench/audience_baseline.py --port 8765 --log broadcasts.log [--compression deflate]

Every socket is a viewer: it gets the figures on connect, ``{"pong":true}`` for ``ping``, and,
once a second when the count of open sockets changed, one text sent to all with
``websockets.broadcast()``. Each broadcast is noted like ``bench/audience_app.py`` notes the
app's (``<tick start> <first send> <last send done> <sockets> <sockets> <CPU ms> <text>``). Prints ``ready`` once
listening.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from typing import TextIO

import msgspec
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

PONG = '{"pong":true}'


def encode(online: int) -> str:
    return msgspec.json.encode({"online": online, "onsite": 0, "peak": online, "status": "live"}).decode()


class Baseline:
    def __init__(self, sink: TextIO) -> None:
        self.sink = sink
        self.viewers: set[ServerConnection] = set()
        self.told = -1
        self.text = encode(0)

    async def handler(self, connection: ServerConnection) -> None:
        self.viewers.add(connection)
        try:
            await connection.send(self.text)
            async for message in connection:
                if message == "ping":
                    await connection.send(PONG)
        except ConnectionClosed:
            pass  # a viewer gone without a goodbye
        finally:
            self.viewers.discard(connection)

    async def tick(self) -> None:
        while True:
            started = time.time()
            online = len(self.viewers)
            if online != self.told:
                self.told, self.text = online, encode(online)
                first, cpu = time.time(), time.thread_time()
                broadcast(self.viewers, self.text)
                cpu_ms = 1000 * (time.thread_time() - cpu)
                self.sink.write(
                    f"{started:.6f} {first:.6f} {time.time():.6f} {online} {online} {cpu_ms:.3f} {self.text}\n"
                )
            await asyncio.sleep(max(0.0, 1.0 - (time.time() - started)))


async def main(args: argparse.Namespace, sink: TextIO) -> None:
    baseline = Baseline(sink)
    compression = None if args.compression == "none" else "deflate"
    async with serve(baseline.handler, "127.0.0.1", args.port, compression=compression, backlog=2048):
        ticker = asyncio.create_task(baseline.tick())
        print("ready", flush=True)
        await asyncio.Event().wait()
        ticker.cancel()


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--compression", choices=["none", "deflate"], default="none")
    args = parser.parse_args(argv)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        import uvloop

        uvloop.install()  # as uvicorn runs the app
    except ImportError:
        pass
    with open(args.log, "a", buffering=1) as sink:
        try:
            asyncio.run(main(args, sink))
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(cli())
