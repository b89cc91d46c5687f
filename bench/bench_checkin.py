"""Door check-in under load: ticket scans against one uvicorn worker, on SQLite and PostgreSQL.

For each database: a fresh database is seeded (``bench/prepare.py checkin``) with 10,000
confirmed registrations holding signed ticket tokens, 1,024 paired scanner devices and one
check-in list per run, and one uvicorn worker serves it. The load comes from closed loops in
another process (``bench/loadgen_process.py``): each connection sends its next request as soon as the
previous answer is in. Each round, one after the other:

* baseline: ``GET /api/v1/ping`` (hello-JSON) on 64 connections for a few seconds;
* throughput: ``POST /api/v1/checkin/scans`` for every ticket on a fresh list, plus 10% repeats
  by other devices (half while the first scan is in flight), on 64 connections;
* latency: 3,000 tickets (plus repeats) on another fresh list, on 8 connections.

After every run the answers and the database are checked: each ticket admitted exactly once,
every repeat answered ``already_checked_in``, every scan recorded.

    python bench/bench_checkin.py [--rounds 5] [--backends sqlite,postgres] [--profile]

Writes ``bench/results/checkin.json``; see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from bench import checkin_plan, common, loadgen, loadgen_process
from bench.checkin_plan import PlannedScan
from tests.live import LiveServer

console = Console(width=None if sys.stdout.isatty() else 150)
THROUGHPUT_CONNECTIONS, LATENCY_CONNECTIONS = 64, 8
RATIO_TARGET = {"sqlite": 0.5, "postgres": 0.3}
P99_TARGET_MS = 20.0


class Session:
    """One backend's server and seeded data; runs closed loops against it and checks them."""

    def __init__(
        self, server: LiveServer, database: common.Database, data: dict[str, Any], args: argparse.Namespace
    ) -> None:
        self.server, self.database, self.data, self.args = server, database, data, args
        self.host = f"127.0.0.1:{server.port}"
        self.lists = iter(data["lists"])
        self.devices = checkin_plan.Devices(len(data["devices"]))
        self.rng = random.Random(args.seed)
        self.workdir = Path(args.workdir)
        self.scan_runs: list[tuple[loadgen.LoopRun, list[PlannedScan]]] = []

    def loop(self, jobs: list[loadgen_process.LoopJob]) -> tuple[list[loadgen.LoopRun], dict[str, Any]]:
        """Wait until the server is idle, then run ``jobs`` (one client process each)."""
        settled = common.settle(self.server.pid)
        pg_before = common.postgres_cpu_seconds() if self.database.backend == "postgres" else None
        runs = loadgen_process.run_processes(self.server.port, jobs, self.workdir, server_pid=self.server.pid)
        extra: dict[str, Any] = {"settle_s": settled}
        if pg_before is not None:
            extra["postgres_cpu_s"] = common.postgres_cpu_seconds() - pg_before
        return runs, extra

    def ping(self, connections: int, seconds: float) -> dict[str, Any]:
        ping = loadgen.build_request("GET", self.host, "/api/v1/ping")
        (run,), extra = self.loop([loadgen_process.LoopJob([ping], connections, duration=seconds)])
        return {**figures(run, extra), "errors": run.errors}

    def scans(self, tickets: list[int], connections: int) -> dict[str, Any]:
        list_id = next(self.lists)
        planned = checkin_plan.plan(tickets, self.args.repeats, connections, self.devices, self.rng)
        requests = checkin_plan.requests(self.host, list_id, planned, self.data, f"bench-l{list_id}")
        job = loadgen_process.LoopJob(requests, connections, count=len(requests), keep_bodies=True)
        (run,), extra = self.loop([job])
        self.scan_runs.append((run, planned))
        answers = checkin_plan.check_answers(run, planned)
        stored = checkin_plan.stored(self.database, list_id)
        return {
            **figures(run, extra),
            "list_id": list_id,
            "scans": len(requests),
            "errors": answers["errors"],
            "consistent": checkin_plan.consistent(answers, stored),
            "answers": answers,
            "stored": stored,
        }

    def client_check(self, wrk: str | None) -> dict[str, Any]:
        """Is the client the bottleneck? The ping rate of one client process against two
        processes of half the connections each, and against wrk."""
        ping = loadgen.build_request("GET", self.host, "/api/v1/ping")
        seconds = self.args.ping_seconds
        (one,), _ = self.loop([loadgen_process.LoopJob([ping], THROUGHPUT_CONNECTIONS, duration=seconds)])
        half = THROUGHPUT_CONNECTIONS // 2
        two, _ = self.loop([loadgen_process.LoopJob([ping], half, duration=seconds)] * 2)
        result: dict[str, Any] = {
            "one_process_rps": round(one.rate, 1),
            "two_processes_rps": round(sum(run.rate for run in two), 1),
            "client_cpu_us_per_ping": round(one.client_cpu_s * 1e6 / max(1, len(one.status)), 1),
        }
        if wrk:
            common.settle(self.server.pid)
            url = f"{self.server.base_url}/api/v1/ping"
            result["wrk_rps"] = common.wrk_rps(wrk, url, THROUGHPUT_CONNECTIONS, int(seconds))
        return result


def figures(run: loadgen.LoopRun, extra: dict[str, Any]) -> dict[str, Any]:
    count = max(1, len(run.status))
    others = None
    if run.machine_busy is not None and run.server_cpu_s is not None and run.wall_s > 0:
        capacity = run.wall_s * (os.cpu_count() or 1)
        used = run.server_cpu_s + run.client_cpu_s + extra.get("postgres_cpu_s", 0.0)
        others = max(0.0, run.machine_busy - used / capacity)
    out = {
        "rate": round(run.rate, 1),
        "p50_ms": round(run.latency_ms(0.50), 2),
        "p99_ms": round(run.latency_ms(0.99), 2),
        "wall_s": round(run.wall_s, 2),
        "server_cpu_ms_per_request": round(run.server_cpu_s * 1000 / count, 3) if run.server_cpu_s else None,
        "client_cpu_us_per_request": round(run.client_cpu_s * 1e6 / count, 1),
        "machine_busy": round(run.machine_busy, 2) if run.machine_busy is not None else None,
        "other_processes_busy": round(others, 2) if others is not None else None,  # noise
        "settle_s": extra["settle_s"],
    }
    if "postgres_cpu_s" in extra:
        out["postgres_cpu_ms_per_request"] = round(extra["postgres_cpu_s"] * 1000 / count, 3)
    return out


def measure(session: Session, args: argparse.Namespace, step: Any) -> dict[str, Any]:
    tickets = list(range(len(session.data["tickets"])))
    step("warm up")
    session.ping(THROUGHPUT_CONNECTIONS, 1.0)
    warm = session.scans(tickets[: args.latency_scans], THROUGHPUT_CONNECTIONS)
    if not warm["consistent"]:
        raise RuntimeError(f"warm-up scans failed: {warm}\n{session.server.log_tail()}")
    if session.database.backend == "postgres" and not args.no_analyze:
        # Statistics taken while the check-in tables were empty make PostgreSQL plan seq scans
        # of luyan_checkin (nonce look-ups, foreign key checks) that slow down as it grows;
        # autovacuum fixes them within a minute or so, at a moment that would vary by round.
        session.database.query("ANALYZE")
    rounds = []
    for number in range(1, args.rounds + 1):
        step(f"round {number} baseline")
        baseline = session.ping(THROUGHPUT_CONNECTIONS, args.ping_seconds)
        step(f"round {number} throughput")
        throughput = session.scans(tickets, THROUGHPUT_CONNECTIONS)
        step(f"round {number} latency")
        start = (number * args.latency_scans) % len(tickets)
        chosen = (tickets[start:] + tickets[:start])[: args.latency_scans]
        latency = session.scans(chosen, LATENCY_CONNECTIONS)
        rounds.append({"baseline": baseline, "throughput": throughput, "latency": latency})
    step("client check")
    wrk = None if args.no_wrk else common.ensure_wrk()
    extra: dict[str, Any] = {"warm_up": warm, "client_check": session.client_check(wrk)}
    if args.profile:
        step("profile")
        path = session.workdir / f"profile-{session.database.backend}.folded"
        with common.profiled(session.server.pid, path):
            extra["profiled_run"] = session.scans(tickets, THROUGHPUT_CONNECTIONS)
        extra["profile"] = str(path)
        extra["profile_summary"] = common.profile_summary(path) if path.exists() else None
    extra["max_scans_per_device_window"] = checkin_plan.device_window_peak(session.scan_runs)
    return {"rounds": rounds, **extra}


def bench_backend(
    database: common.Database, workdir: Path, args: argparse.Namespace, progress: Progress
) -> dict[str, Any]:
    task = progress.add_task(f"{database.backend}: prepare", total=4 + 3 * args.rounds + args.profile)

    def step(text: str) -> None:
        progress.update(task, advance=1, description=f"{database.backend}: {text}")

    env = common.server_env(workdir, database.url)
    data = common.prepare(
        env,
        workdir / "prepare.log",
        "checkin",
        f"--tickets={args.tickets}",
        f"--devices={args.devices}",
        f"--lists={2 + 2 * args.rounds}",  # warm-up, two per round, profile
    )
    step("start server")
    server = common.start_server(env, workdir / "server.log")
    args.workdir = workdir
    try:
        measured = measure(Session(server, database, data, args), args, step)
    finally:
        server.stop()
    progress.update(task, description=f"{database.backend}: done")
    return summarise(database.backend, measured, args)


def summarise(backend: str, measured: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    rounds = measured["rounds"]

    def mid(part: str, key: str, digits: int = 1) -> float | None:
        values = [r[part][key] for r in rounds if r[part].get(key) is not None]
        return round(common.median(values), digits) if values else None

    def spread(part: str, key: str) -> list[float]:
        values = [r[part][key] for r in rounds]
        return [min(values), max(values)]

    scan_runs = [r[p] for r in rounds for p in ("throughput", "latency")] + [measured["warm_up"]]
    scan_runs += [measured["profiled_run"]] if "profiled_run" in measured else []
    checkins, baseline = mid("throughput", "rate") or 0.0, mid("baseline", "rate") or 0.0
    ratios = [r["throughput"]["rate"] / r["baseline"]["rate"] for r in rounds if r["baseline"]["rate"]]
    result: dict[str, Any] = {
        "checkins_per_s": checkins,
        "p50_ms": mid("latency", "p50_ms", 2),
        "p99_ms": mid("latency", "p99_ms", 2),
        "duplicates_admitted": sum(run["stored"]["duplicates_admitted"] for run in scan_runs),
        "baseline_rps": baseline,
        "ratio": round(checkins / baseline, 3) if baseline else 0.0,
        "errors": sum(run["errors"] for run in scan_runs) + sum(r["baseline"]["errors"] for r in rounds),
        "wrong_answers": sum(run["answers"]["wrong_answers"] for run in scan_runs),
        "every_run_consistent": all(run["consistent"] for run in scan_runs),
        "checkins_per_s_range": spread("throughput", "rate"),
        "baseline_rps_range": spread("baseline", "rate"),
        "ratio_range": [round(min(ratios), 3), round(max(ratios), 3)] if ratios else None,
        "p50_ms_range": spread("latency", "p50_ms"),
        "p99_ms_range": spread("latency", "p99_ms"),
        "latency_scans_per_s": mid("latency", "rate"),
        "p50_ms_at_64": mid("throughput", "p50_ms", 2),
        "p99_ms_at_64": mid("throughput", "p99_ms", 2),
        "server_cpu_ms_per_scan": mid("throughput", "server_cpu_ms_per_request", 3),
        "server_cpu_ms_per_ping": mid("baseline", "server_cpu_ms_per_request", 3),
        "postgres_cpu_ms_per_scan": mid("throughput", "postgres_cpu_ms_per_request", 3),
        "client_cpu_us_per_scan": mid("throughput", "client_cpu_us_per_request"),
        "machine_busy_during_scans": mid("throughput", "machine_busy", 2),
        "other_processes_busy_during_scans": mid("throughput", "other_processes_busy", 2),
        "client_check": measured["client_check"],
        "max_scans_per_device_window": measured["max_scans_per_device_window"],
        "device_limit_per_window": 10 * checkin_plan.RATE_WINDOW_S,  # the default limit, not raised
        "tickets": args.tickets,
        "devices": args.devices,
        "repeat_share": args.repeats,
        "analyze_after_warm_up": backend == "postgres" and not args.no_analyze,
        "latency_scans": args.latency_scans,
        "rounds": rounds,
        "warm_up": measured["warm_up"],
    }
    if result["postgres_cpu_ms_per_scan"] is None:
        del result["postgres_cpu_ms_per_scan"]
    for key in ("profile", "profile_summary", "profiled_run"):
        if key in measured:
            result[key] = measured[key]
    result["targets"] = targets(backend, result)
    return result


def targets(backend: str, result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    ratio_target = RATIO_TARGET.get(backend, 0.5)
    p99 = result["p99_ms"]
    return {
        "duplicates_admitted": {
            "target": "= 0",
            "value": result["duplicates_admitted"],
            "met": result["duplicates_admitted"] == 0,
        },
        "ratio": {
            "target": f">= {ratio_target}",
            "value": result["ratio"],
            "met": result["ratio"] >= ratio_target,
        },
        "p99_ms": {
            "target": f"< {P99_TARGET_MS:g}",
            "value": p99,
            "met": p99 is not None and p99 < P99_TARGET_MS,
        },
    }


def print_tables(results: dict[str, dict[str, Any]]) -> None:
    table = Table(title="Check-in scans: 1 uvicorn worker, medians over rounds")
    columns = ["checkins_per_s", "baseline_rps", "ratio", "p50_ms", "p99_ms", "duplicates_admitted", "errors"]
    columns += ["server_cpu_ms_per_scan", "server_cpu_ms_per_ping"]
    table.add_column("backend")
    for column in columns:
        table.add_column(column, justify="right")
    for backend, result in results.items():
        table.add_row(backend, *(str(result[c]) for c in columns))
    console.print(table)
    goals = Table(title="Targets")
    for column in ("backend", "target", "value", "met"):
        goals.add_column(column)
    for backend, result in results.items():
        for name, goal in result["targets"].items():
            met = "[green]yes[/green]" if goal["met"] else "[red]NO[/red]"
            goals.add_row(backend, f"{name} {goal['target']}", str(goal["value"]), met)
    console.print(goals)
    for backend, result in results.items():
        others = result["other_processes_busy_during_scans"]
        if others is not None and others > 0.1:
            console.print(
                f"[yellow]{backend}: other processes kept {others:.0%} of the machine's CPU busy during "
                "the scans: these figures are lower than on a quiet machine[/yellow]"
            )
        check = result["client_check"]
        console.print(
            f"{backend}: ping at 64 connections: one client process {check['one_process_rps']} req/s, "
            f"two processes {check['two_processes_rps']}, wrk {check.get('wrk_rps', 'n/a')}; "
            f"busiest device sent {result['max_scans_per_device_window']} scans in a 10 s window "
            f"(limit {result['device_limit_per_window']})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds, two fresh lists each")
    parser.add_argument(
        "--tickets", type=int, default=10_000, help="confirmed registrations, all scanned per round"
    )
    parser.add_argument(
        "--devices", type=int, default=1024, help="paired scanner devices to spread scans over"
    )
    parser.add_argument("--repeats", type=float, default=0.1, help="share of tickets scanned a second time")
    parser.add_argument(
        "--latency-scans", type=int, default=3000, help="tickets per latency run (8 connections)"
    )
    parser.add_argument("--ping-seconds", type=float, default=3.0, help="length of each baseline run")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default=common.pg_admin_url())
    parser.add_argument("--no-wrk", action="store_true", help="skip the wrk cross-check")
    parser.add_argument(
        "--no-analyze", action="store_true", help="PostgreSQL: no ANALYZE after the warm-up (see docs)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, SQLite file)")
    parser.add_argument(
        "--profile", action="store_true", help="profile an extra throughput run with py-spy (implies --keep)"
    )
    args = parser.parse_args(argv)
    args.keep = args.keep or args.profile
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: stop servers, drop databases

    results, workroot = common.run_backends("checkin", args, bench_backend, console)
    print_tables(results)
    common.save_results("checkin", results, workroot, getattr(args, "keep", False), console)
    ok = all(
        r["duplicates_admitted"] == 0 and r["errors"] == 0 and r["every_run_consistent"]
        for r in results.values()
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
