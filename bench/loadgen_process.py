"""Closed loops (``bench.loadgen.closed_loop``) in child processes: ``python -m bench.loadgen_process``.

A load generator in the server's process would share its CPU time slice and GIL; in a child
process it does not, and several children can start at the same instant, which shows whether
one client process keeps up (``bench_checkin``'s client check). Requests go to the child and
its ``LoopRun`` comes back as pickles in a work directory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loadgen

ROOT = Path(__file__).resolve().parent.parent


@dataclass(slots=True)
class LoopJob:
    """One closed loop for ``run_processes``: what to send, over how many connections, how long."""

    requests: Sequence[bytes]
    connections: int
    count: int | None = None
    duration: float | None = None
    keep_bodies: bool = False


def run_processes(
    port: int,
    jobs: Sequence[LoopJob],
    workdir: Path,
    *,
    host: str = "127.0.0.1",
    server_pid: int | None = None,
    start_delay: float = 1.5,
    timeout: float = 900.0,
) -> list[loadgen.LoopRun]:
    """Run each job's closed loop in its own ``python -m bench.loadgen_process``, all starting
    at the same instant (``start_delay`` from now covers their start-up); one result per job."""
    workdir.mkdir(parents=True, exist_ok=True)
    start_at = time.time() + start_delay if len(jobs) > 1 else None
    children: list[tuple[subprocess.Popen[bytes], Path, Path]] = []
    try:
        for number, job in enumerate(jobs):
            stem = workdir / f"loadgen-{os.getpid()}-{number}"
            source, out, log = (
                stem.with_suffix(".requests"),
                stem.with_suffix(".out"),
                stem.with_suffix(".log"),
            )
            source.write_bytes(pickle.dumps(list(job.requests), protocol=pickle.HIGHEST_PROTOCOL))
            command = [sys.executable, "-m", "bench.loadgen_process", "--host", host, "--port", str(port)]
            command += ["--requests", str(source), "--out", str(out), "--connections", str(job.connections)]
            command += ["--count", str(job.count)] if job.count is not None else []
            command += ["--duration", str(job.duration)] if job.duration is not None else []
            command += ["--bodies"] if job.keep_bodies else []
            command += ["--server-pid", str(server_pid)] if server_pid else []
            command += ["--start-at", repr(start_at)] if start_at is not None else []
            with log.open("wb") as sink:
                child = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
            children.append((child, out, log))
        runs = []
        for child, out, log in children:
            if child.wait(timeout=timeout) != 0:
                raise RuntimeError(f"load generator failed ({child.returncode}):\n{log.read_text()[-2000:]}")
            runs.append(pickle.loads(out.read_bytes()))
        return runs
    finally:
        for child, out, log in children:
            if child.poll() is None:
                child.kill()
                child.wait()
            for path in (out, log, out.with_suffix(".requests")):
                path.unlink(missing_ok=True)


def cli(argv: list[str] | None = None) -> int:
    """The child process of ``run_processes``."""
    parser = argparse.ArgumentParser(description="Closed-loop HTTP/1.1 load (see bench/loadgen.py)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--requests", type=Path, required=True, help="pickled list of raw requests")
    parser.add_argument("--out", type=Path, required=True, help="where to pickle the loadgen.LoopRun")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--count", type=int)
    parser.add_argument("--duration", type=float)
    parser.add_argument("--bodies", action="store_true", help="keep every answer's body")
    parser.add_argument("--server-pid", type=int)
    parser.add_argument("--start-at", type=float, help="time.time() at which to start")
    args = parser.parse_args(argv)
    requests = pickle.loads(args.requests.read_bytes())
    loadgen.install_uvloop()
    run = asyncio.run(
        loadgen.closed_loop(
            args.host,
            args.port,
            requests,
            args.connections,
            count=args.count,
            duration=args.duration,
            keep_bodies=args.bodies,
            server_pid=args.server_pid,
            start_at=args.start_at,
        )
    )
    args.out.write_bytes(pickle.dumps(run, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(cli())
