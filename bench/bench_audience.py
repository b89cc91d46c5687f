"""The live audience: N viewer websockets on one uvicorn worker, and how long a count change
takes to reach the last of them; the same N on a bare ``websockets`` server as the baseline.

For each N (1,000, 5,000, 10,000 and the most this machine's open-file limit allows) and each
server (the real app, then ``bench/audience_baseline.py``):

1. the server starts (one process); load generator processes (``bench/audience_loadgen.py``,
   about 5,000 sockets each) open N sockets, each its own viewer, and ping like the page;
2. once the count has settled, one more viewer joins or leaves after each broadcast, so the
   count changes once a second and every tick broadcasts;
3. the server notes each broadcast's tick start with ``time.time()``
   (``bench/audience_app.py``), the generators stamp each arrival with the same clock: the
   delay of the last arrival is the time the last viewer waited.

    python bench/bench_audience.py [--sizes 1000,5000,10000,max] [--broadcasts 15]

Writes ``bench/results/audience.json``; see docs/capacity.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from websockets.asyncio.client import connect

from bench import audience_figures as figures
from bench import common
from bench.audience_app import LOG_VARIABLE, raise_open_files
from bench.audience_servers import AppServer, BaselineServer, machine_busy_s, rss_kb, tcp_kernel_kb
from livestream.viewer_socket import audience_path

console = Console(width=None if sys.stdout.isatty() else 150)
RESERVED_FILES = 500  # the server's own files, database, listening socket, spare
TARGETS = {"p99_ms": 500.0, "ratio": 1.2, "server_cpu_percent": 60.0, "rss_kb_per_connection": 30.0}


class Generators:
    """The load generator processes of one measurement."""

    def __init__(
        self, url: str, origin: str, n: int, processes: int, workdir: Path, compression: bool
    ) -> None:
        self.url, self.origin, self.workdir, self.compression = url, origin, workdir, compression
        share = math.ceil(n / processes)
        self.counts = [min(share, n - i * share) for i in range(processes) if n - i * share > 0]
        self.children: list[asyncio.subprocess.Process] = []
        self.outs: list[Path] = []

    async def start(self) -> None:
        script = str(common.ROOT / "bench" / "audience_loadgen.py")
        for number, count in enumerate(self.counts):
            out = self.workdir / f"arrivals-{uuid.uuid4().hex[:6]}.json"
            command = [sys.executable, script, "--url", self.url, "--origin", self.origin]
            command += ["--count", str(count), "--name", f"g{number}", "--out", str(out)]
            command += ["--source", f"127.0.0.{2 + number}"]
            command += [] if self.compression else ["--no-compression"]
            child = await asyncio.create_subprocess_exec(
                *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
            )
            self.children.append(child)
            self.outs.append(out)

    async def connected(self, progress: Progress, task: Any) -> tuple[int, int]:
        done = [0] * len(self.children)

        async def follow(index: int, child: asyncio.subprocess.Process) -> tuple[int, int]:
            assert child.stdout is not None
            while line := (await child.stdout.readline()).decode().split():
                if line[0] == "progress":
                    done[index] = int(line[1])
                    progress.update(task, completed=sum(done))
                elif line[0] == "connected":
                    return int(line[1]), int(line[2])
            raise RuntimeError(f"load generator {index} ended early (exit {await child.wait()})")

        counts = await asyncio.gather(*(follow(i, c) for i, c in enumerate(self.children)))
        return sum(c[0] for c in counts), sum(c[1] for c in counts)

    async def command(self, word: str, answer: str) -> None:
        for child in self.children:
            assert child.stdin is not None
            child.stdin.write(f"{word}\n".encode())
            await child.stdin.drain()
        for child in self.children:
            assert child.stdout is not None
            while (await asyncio.wait_for(child.stdout.readline(), 120)).decode().strip() != answer:
                pass

    async def results(self) -> list[dict[str, Any]]:
        await self.command("stop", "done")
        found = []
        for child, out in zip(self.children, self.outs, strict=True):
            await child.wait()
            found.append(json.loads(out.read_text()))
            out.unlink()
        return found

    async def kill(self) -> None:
        for child in self.children:
            if child.returncode is None:
                child.kill()
                await child.wait()


async def wait_quiet(log: Path, pid: int, quiet_s: float = 2.5, within: float = 180.0) -> None:
    """Until no broadcast for ``quiet_s`` (the count has settled) and the server is idle."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        noted = figures.read_broadcasts(log, 0.0)
        if not noted or time.time() - noted[-1].tick_at > quiet_s:
            break
        await asyncio.sleep(0.5)
    await asyncio.to_thread(common.settle, pid, idle_below=0.25, timeout=60.0)


async def noted_since(log: Path, since: float, within: float) -> bool:
    """Whether the server notes a broadcast begun at ``since`` or later within ``within`` s."""
    deadline = time.monotonic() + within
    while not figures.read_broadcasts(log, since):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def churn(url: str, origin: str, log: Path, broadcasts: int, progress: Progress, task: Any) -> None:
    """One viewer joins, then leaves, and so on: a change for every tick; each toggle waits for
    the broadcast of the previous one, plus a little, so no two changes fall into one tick.
    Ends with the viewer gone (an even number of toggles), its broadcast noted."""
    socket = None
    for number in range(broadcasts + broadcasts % 2):
        toggled = time.time()
        if socket is None:
            socket = await connect(
                f"{url}?viewer=churn-{uuid.uuid4().hex}", origin=origin, ping_interval=None
            )
            await asyncio.wait_for(socket.recv(), 30)
        else:
            await socket.close()
            socket = None
        await noted_since(log, toggled, within=5.0)
        progress.update(task, completed=min(broadcasts, number + 1))
        await asyncio.sleep(0.3)


async def measure(
    kind: str, n: int, args: argparse.Namespace, workdir: Path, data: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    log = workdir / f"broadcasts-{kind}-{n}.log"
    label = f"{kind} N={n:,}"
    if kind == "luyan":
        env = common.server_env(workdir, data["database_url"])
        env.update({"LUYAN_LIVE_SOCKETS_PER_ADDRESS": str(n + 1000), LOG_VARIABLE: str(log)})
        if args.trace_memory:
            env["BENCH_AUDIENCE_TRACEMALLOC"] = str(workdir / f"memory-{n}.txt")
        extra = ("--ws", args.ws) + (() if args.deflate else ("--ws-per-message-deflate", "false"))
        server: Any = AppServer(
            env,
            log_path=workdir / "server.log",
            extra_args=extra,
            inherit_luyan_env=False,
            startup_timeout=60,
        )
        await asyncio.to_thread(server.start)
        port, path = server.port, audience_path(data["stream_id"])
    else:
        server = BaselineServer(log, args.deflate)
        await server.start()
        port, path = server.port, "/"
    url, origin = f"ws://127.0.0.1:{port}{path}", f"http://127.0.0.1:{port}"
    generators = Generators(url, origin, n, max(1, math.ceil(n / args.per_generator)), workdir, args.deflate)
    try:
        warm = await connect(f"{url}?viewer=warm-{uuid.uuid4().hex}", origin=origin, ping_interval=None)
        await asyncio.wait_for(warm.recv(), 30)
        await warm.close()
        await wait_quiet(log, server.pid)
        rss_before, kernel_before = rss_kb(server.pid), tcp_kernel_kb()
        connect_cpu, connect_started = common.cpu_seconds(server.pid) or 0.0, time.monotonic()
        await generators.start()
        task = progress.add_task(f"{label}: connect", total=n)
        opened, failed = await generators.connected(progress, task)
        connect_cpu = (common.cpu_seconds(server.pid) or 0.0) - connect_cpu
        connect_s = time.monotonic() - connect_started
        progress.update(task, description=f"{label}: settle")
        await wait_quiet(log, server.pid)
        rss_after, kernel_after = rss_kb(server.pid), tcp_kernel_kb()
        if args.trace_memory and kind == "luyan":
            os.kill(server.pid, signal.SIGUSR1)
            await asyncio.sleep(10)
        await generators.command("mark", "marked")
        progress.update(task, description=f"{label}: broadcasts", completed=0, total=args.broadcasts)
        started, cpu_before, busy_before = time.time(), common.cpu_seconds(server.pid), machine_busy_s()
        profile = workdir / f"profile-{kind}-{n}.txt" if args.profile and kind == "luyan" else None
        with common.profiled(server.pid, profile):
            await churn(url, origin, log, args.broadcasts, progress, task)
        ended = time.time()
        wall = ended - started
        server_cpu = (common.cpu_seconds(server.pid) or 0.0) - (cpu_before or 0.0)
        machine_busy = machine_busy_s() - busy_before
        await asyncio.sleep(1.0)  # the last broadcast's stragglers
        loads = await generators.results()
        progress.update(task, description=f"{label}: done")
    finally:
        await generators.kill()
        if kind == "luyan":
            await asyncio.to_thread(server.stop)
        else:
            await server.stop()
    sockets = [arrivals for load in loads for arrivals in load["arrivals"]]
    rows = figures.per_broadcast(figures.read_broadcasts(log, started, ended), sockets)
    generator_cpu = sum(load["cpu_percent"] for load in loads)
    result = {
        **figures.summary(rows, len(sockets)),
        "server_cpu_percent": round(100 * server_cpu / wall, 1),
        "rss_kb_per_connection": round((rss_after - rss_before) / max(1, opened), 1),
        "rss_mb": round(rss_after / 1024, 1),
        # both ends of each connection are on this machine: an upper bound for the server's end
        "kernel_tcp_kb_per_connection": round((kernel_after - kernel_before) / max(1, opened), 2),
        "opened": opened,
        "connect_s": round(connect_s, 1),
        "connect_cpu_ms_per_socket": round(1000 * connect_cpu / max(1, opened), 3),
        "failed": failed,
        "closed_by_server": sum(load["closed"] for load in loads),
        "bad_frames": sum(load["bad_frames"] for load in loads),
        "generator_processes": len(loads),
        "generator_cpu_percent": round(generator_cpu, 1),
        "others_cpu_percent": round(
            max(0.0, 100 * machine_busy / wall - 100 * server_cpu / wall - generator_cpu), 1
        ),
        "per_broadcast": rows,
    }
    if profile is not None:
        result["profile"] = str(profile)
    return result


def max_size() -> int:
    return raise_open_files() - RESERVED_FILES


def compare(n: int, luyan: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    ratio = luyan["p99_ms"] / baseline["p99_ms"] if baseline["p99_ms"] else math.nan
    return {
        "viewers": n,
        "p50_ms": luyan["p50_ms"],
        "p99_ms": luyan["p99_ms"],
        "server_cpu_percent": luyan["server_cpu_percent"],
        "rss_kb_per_connection": luyan["rss_kb_per_connection"],
        "baseline_p50_ms": baseline["p50_ms"],
        "baseline_p99_ms": baseline["p99_ms"],
        "ratio": round(ratio, 2),
        "median_ratio": round(luyan["p50_ms"] / baseline["p50_ms"], 2) if baseline["p50_ms"] else None,
        "luyan": luyan,
        "baseline": baseline,
    }


async def run(args: argparse.Namespace, sizes: list[int], workdir: Path) -> dict[str, dict[str, Any]]:
    env = common.server_env(workdir, f"sqlite:///{workdir / 'bench.sqlite3'}")
    out = workdir / "prepare.json"
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("LUYAN_")}
    prepared = await asyncio.create_subprocess_exec(
        sys.executable, str(common.ROOT / "bench" / "audience_prepare.py"), "--out", str(out),
        cwd=common.ROOT, env={**child_env, **env},
    )  # fmt: skip
    if await prepared.wait() != 0:
        raise RuntimeError("bench/audience_prepare.py failed")
    data = {**json.loads(out.read_text()), "database_url": env["LUYAN_DATABASE_URL"]}
    results: dict[str, dict[str, Any]] = {}
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        for n in sizes:
            load = os.getloadavg()
            luyan = await measure("luyan", n, args, workdir, data, progress)
            baseline = await measure("baseline", n, args, workdir, data, progress)
            results[str(n)] = {
                **compare(n, luyan, baseline),
                "load_average_before": [round(v, 2) for v in load],
            }
            row = results[str(n)]
            progress.console.print(
                f"N={n:,}: last arrival p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms "
                f"(baseline {row['baseline_p99_ms']} ms, ratio {row['ratio']}), "
                f"server CPU {row['server_cpu_percent']} %, {row['rss_kb_per_connection']} kB/connection"
            )
    return results


def print_table(results: dict[str, dict[str, Any]]) -> None:
    table = Table(title="Live audience: one uvicorn worker, last arrival after the tick (ms)")
    columns = ["p50_ms", "p99_ms", "baseline_p99_ms", "ratio", "server_cpu_percent", "rss_kb_per_connection"]
    table.add_column("viewers", justify="right")
    for column in [*columns, "generator CPU %", "others CPU %"]:
        table.add_column(column, justify="right")
    for n, row in results.items():
        luyan = row["luyan"]
        extra = [str(luyan["generator_cpu_percent"]), str(luyan["others_cpu_percent"])]
        table.add_row(f"{int(n):,}", *(str(row[c]) for c in columns), *extra)
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,5000,10000,max", help="viewer counts; max: the file limit's")
    parser.add_argument("--broadcasts", type=int, default=15, help="measured broadcasts per size and server")
    parser.add_argument("--per-generator", type=int, default=5000, help="sockets per load generator process")
    parser.add_argument(
        "--ws", default="auto", help="uvicorn --ws (auto, websockets-sansio, websockets, ...)"
    )
    parser.add_argument(
        "--deflate", action="store_true", help="permessage-deflate on both servers (uvicorn's default)"
    )
    parser.add_argument("--keep", action="store_true", help="keep logs and the database")
    parser.add_argument(
        "--trace-memory",
        action="store_true",
        help="where the app's memory goes (tracemalloc; slow; implies --keep)",
    )
    parser.add_argument("--profile", action="store_true", help="sample the app with py-spy (implies --keep)")
    args = parser.parse_args(argv)
    args.keep = args.keep or args.profile or args.trace_memory
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = [max_size() if s.strip() == "max" else int(s) for s in args.sizes.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="luyan-bench-audience-"))
    results = asyncio.run(run(args, sizes, workdir))
    print_table(results)
    meta = {
        **common.machine(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "ws": args.ws,
        "permessage_deflate": args.deflate,
        "broadcasts": args.broadcasts,
        "open_files_limit": raise_open_files(),
    }
    suffix = "-deflate" if args.deflate else ""  # kept beside the headline figures, not over them
    path = common.write_result(
        "audience", {n + suffix: {**row, "machine": meta} for n, row in results.items()}
    )
    console.print(f"wrote {path.relative_to(common.ROOT)}")
    if args.keep:
        console.print(f"logs kept in {workdir}")
    else:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    largest = results[str(max(sizes))]
    missed = [k for k, limit in TARGETS.items() if not largest[k] <= limit]
    if missed:
        console.print(f"targets missed at N={max(sizes):,}: {', '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
