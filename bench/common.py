"""Shared pieces of the benchmarks: bench databases, seeding, the server, wrk, result files."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.live import LiveServer  # noqa: E402

DEFAULT_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def pg_admin_url() -> str:
    """Where to create and drop bench databases (any database of the server will do)."""
    return (
        os.environ.get("LUYAN_BENCH_POSTGRES_URL")
        or os.environ.get("LUYAN_TEST_POSTGRES_URL")
        or DEFAULT_PG_ADMIN_URL
    )


def server_env(workdir: Path, database_url: str) -> dict[str, str]:
    """A production-like environment: no debug, no Redis, mail written as .eml files."""
    return {
        "LUYAN_ENV": "production",
        "LUYAN_DATABASE_URL": database_url,
        "LUYAN_VAR_DIR": str(workdir),
        "LUYAN_SECRET_KEY": secrets.token_urlsafe(48),
        "LUYAN_PUBLIC_BASE_URL": "http://127.0.0.1:8000",
        "PICCOLO_CONF": "app.piccolo_conf",
    }


@dataclass
class Database:
    backend: str  # "sqlite" | "postgres"
    url: str

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """Rows of one read-back query; placeholders ``$1, $2, ...`` on both backends."""
        if self.backend == "sqlite":
            with contextlib.closing(sqlite3.connect(self.url.removeprefix("sqlite:///"))) as conn:
                return conn.execute(re.sub(r"\$(\d+)", r"?\1", sql), args).fetchall()
        import asyncio

        import asyncpg

        async def read() -> list[tuple[Any, ...]]:
            conn = await asyncpg.connect(self.url)
            try:
                return [tuple(row) for row in await conn.fetch(sql, *args)]
            finally:
                await conn.close()

        return asyncio.run(read())

    def counts(self, event_id: int, ticket_type_id: int) -> dict[str, int]:
        """Registration statuses and the seat counter as stored (read back after a burst)."""
        status_sql = "SELECT status, COUNT(*) FROM luyan_registration WHERE event = {p} GROUP BY status"
        ticket_sql = "SELECT taken, capacity FROM luyan_ticket_type WHERE id = {p}"
        if self.backend == "sqlite":
            with contextlib.closing(sqlite3.connect(self.url.removeprefix("sqlite:///"))) as conn:
                statuses = dict(conn.execute(status_sql.format(p="?"), (event_id,)).fetchall())
                taken, capacity = conn.execute(ticket_sql.format(p="?"), (ticket_type_id,)).fetchone()
        else:
            import asyncio

            import asyncpg

            async def read() -> tuple[dict[str, int], int, int]:
                conn = await asyncpg.connect(self.url)
                try:
                    rows = await conn.fetch(status_sql.format(p="$1"), event_id)
                    ticket = await conn.fetchrow(ticket_sql.format(p="$1"), ticket_type_id)
                finally:
                    await conn.close()
                return {r[0]: r[1] for r in rows}, ticket["taken"], ticket["capacity"]

            statuses, taken, capacity = asyncio.run(read())
        return {**statuses, "_taken": taken, "_capacity": capacity, "_rows": sum(statuses.values())}


@contextlib.contextmanager
def sqlite_database(workdir: Path) -> Iterator[Database]:
    yield Database("sqlite", f"sqlite:///{workdir / 'bench.sqlite3'}")


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[Database]:
    """A fresh ``luyan_bench_<random>`` database, dropped afterwards even on failure."""
    import asyncio

    import asyncpg

    name = f"luyan_bench_{uuid.uuid4().hex[:8]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield Database("postgres", admin_url.rsplit("/", 1)[0] + "/" + name)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def prepare(env: dict[str, str], log: Path, *args: str) -> dict[str, Any]:
    """Migrate and seed in a child process (``bench/prepare.py``) with the bench environment."""
    out = log.with_suffix(".json")
    with log.open("ab") as sink:
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("LUYAN_")}
        completed = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "prepare.py"), *args, "--out", str(out)],
            cwd=ROOT,
            env={**child_env, **env},
            stdout=sink,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if completed.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"bench/prepare.py failed ({completed.returncode}):\n{tail}")
    return json.loads(out.read_text())


def start_server(env: dict[str, str], log: Path) -> LiveServer:
    server = LiveServer(env, log_path=log, inherit_luyan_env=False, startup_timeout=60.0)
    server.start()
    return server


@contextlib.contextmanager
def profiled(pid: int, out: Path | None) -> Iterator[None]:
    """Sample ``pid`` with py-spy (folded stacks per thread) while the block runs, if ``out``."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if out is None or not Path(spy).exists():
        yield
        return
    process = subprocess.Popen(
        [spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "250", "--threads", "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
        process.wait(timeout=60)


def profile_summary(path: Path, top: int = 15) -> dict[str, Any]:
    """Where the sampled time went, from ``profiled``'s raw output (``thread (tid): name;frame;...
    count`` per line): samples per thread and, for each thread with at least a tenth of them,
    the functions with the largest inclusive and self shares (a function counted once per stack)."""
    stacks: dict[str, list[tuple[list[str], int]]] = {}
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        thread, *frames = stack.split(";")
        # "function (file:line)" -> "function (file)": one entry per function, not per line
        functions = [re.sub(r":\d+\)$", ")", frame) for frame in frames]
        stacks.setdefault(thread.split(": ", 1)[-1], []).append((functions, int(count)))
    samples = {name: sum(count for _f, count in rows) for name, rows in stacks.items()}
    everything = sum(samples.values())
    summary: dict[str, Any] = {"samples_per_thread": dict(sorted(samples.items(), key=lambda i: -i[1]))}
    for name, total in summary["samples_per_thread"].items():
        if total < everything / 10:
            continue
        inclusive: dict[str, int] = {}
        own: dict[str, int] = {}
        for functions, count in stacks[name]:
            for function in set(functions):
                inclusive[function] = inclusive.get(function, 0) + count
            if functions:
                own[functions[-1]] = own.get(functions[-1], 0) + count

        def shares(counts: dict[str, int], total: int = total) -> list[list[Any]]:
            ranked = sorted(counts.items(), key=lambda item: -item[1])[:top]
            return [[function, round(100 * count / total, 1)] for function, count in ranked]

        summary[name] = {
            # frames on every sample (the thread's entry point) say nothing: left out
            "inclusive_percent": shares({f: c for f, c in inclusive.items() if c < total}),
            "self_percent": shares(own),
        }
    return summary


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of ``pid`` and its threads (Linux ``/proc``), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle(pid: int, *, idle_below: float = 0.05, window: float = 0.3, timeout: float = 120.0) -> float:
    """Wait until the server is idle (background work such as the mail outbox has caught up).

    Returns the seconds waited, so a growing backlog shows in the results instead of
    silently slowing the next measurement down.
    """
    started = time.monotonic()
    before = cpu_seconds(pid)
    if before is None:
        time.sleep(1.0)
        return 1.0
    while time.monotonic() - started < timeout:
        time.sleep(window)
        after = cpu_seconds(pid)
        if after is None or (after - before) / window < idle_below:
            break
        before = after
    return round(time.monotonic() - started, 2)


def ensure_wrk() -> str | None:
    """wrk cross-checks the Python load generator; install it from Debian when we are root."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, capture_output=True, check=False)
    return shutil.which("wrk")


def wrk_rps(wrk: str, url: str, connections: int, seconds: int = 3) -> float | None:
    """Sustained requests per second of one wrk thread against ``url``."""
    completed = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=False,
    )
    match = re.search(r"Requests/sec:\s+([\d.]+)", completed.stdout)
    if match is None or "Non-2xx" in completed.stdout:
        return None
    return float(match.group(1))


def postgres_cpu_seconds() -> float:
    """CPU time of every PostgreSQL process on this machine (server and backends), from ``/proc``.

    Backends that exit in between are missed, so this is a lower bound; the bench keeps its
    connections open, so it is close."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "server": "uvicorn app.asgi:create_app --factory --workers 1",
    }


def write_result(name: str, data: dict[str, Any]) -> Path:
    """Write ``bench/results/<name>.json``; backends not run this time keep their last figures."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    previous: dict[str, Any] = {}
    if path.exists():
        with contextlib.suppress(ValueError):
            previous = json.loads(path.read_text())
    path.write_text(json.dumps({**previous, **data}, indent=2, ensure_ascii=False) + "\n")
    return path


BenchBackend = Callable[[Any, Path, Any, Any], dict[str, Any]]


def run_backends(
    name: str, args: Any, bench_backend: BenchBackend, console: Any
) -> dict[str, dict[str, Any]]:
    """Run ``bench_backend(database, workdir, args, progress)`` on each of ``args.backends`` (a fresh
    database each), write ``bench/results/<name>.json`` and return the figures."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    results: dict[str, dict[str, Any]] = {}
    workroot = Path(tempfile.mkdtemp(prefix=f"luyan-bench-{name}-"))
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        for backend in args.backends.split(","):
            workdir = workroot / backend
            workdir.mkdir()
            opener = sqlite_database(workdir) if backend == "sqlite" else postgres_database(args.postgres_url)
            with opener as database:
                results[backend] = bench_backend(database, workdir, args, progress)
    return results, workroot


def save_results(
    name: str, results: dict[str, dict[str, Any]], workroot: Path, keep: bool, console: Any
) -> None:
    meta = {**machine(), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    path = write_result(name, {k: {**v, "machine": meta} for k, v in results.items()})
    console.print(f"wrote {path.relative_to(ROOT)}")
    if keep:
        console.print(f"logs and databases kept in {workroot}")
    else:
        shutil.rmtree(workroot, ignore_errors=True)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
