"""1,000 people register at once for 300 seats, on SQLite and then on PostgreSQL.

For each database: a fresh database is migrated and seeded (``bench/prepare.py``), one
uvicorn worker serves it, and each round sends a burst of hello-JSON requests
(``GET /api/v1/ping``, the baseline) and then a burst of registrations for a fresh event
(every request its own connection and its own bearer token). Afterwards the database is
read back: exactly ``seats`` confirmed, the rest waitlisted, ``taken == seats``.

    python bench/bench_registration.py [--rounds 5] [--backends sqlite,postgres]

Writes ``bench/results/registration.json``; see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import signal
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from bench import common, loadgen
from tests.live import LiveServer

console = Console(width=None if sys.stdout.isatty() else 150)


def registration_requests(host: str, event: list[int], users: list[list[Any]]) -> list[bytes]:
    event_id, ticket_type_id = event
    body = json.dumps({"ticket_type_id": ticket_type_id}).encode()
    path = f"/api/v1/events/{event_id}/registrations"
    return [
        loadgen.build_request(
            "POST",
            host,
            path,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            body=body,
        )
        for _user_id, token in users
    ]


def tally(burst: loadgen.Burst) -> tuple[Counter[str], list[str]]:
    statuses: Counter[str] = Counter()
    errors: list[str] = []
    for result in burst.results:
        if result.status == 201:
            statuses[json.loads(result.body)["status"]] += 1
        else:
            errors.append(f"{result.status}: {result.body[:160]!r}")
    return statuses, errors


def run_bursts(server: LiveServer, requests: list[bytes]) -> loadgen.Burst:
    probe = functools.partial(common.cpu_seconds, server.pid)
    return asyncio.run(loadgen.burst("127.0.0.1", server.port, requests, cpu_probe=probe))


def cpu_ms_per_request(burst: loadgen.Burst) -> float | None:
    if burst.server_cpu_s is None:
        return None
    return round(burst.server_cpu_s * 1000 / len(burst.results), 3)


def bench_backend(
    database: common.Database, workdir: Path, args: argparse.Namespace, progress: Progress
) -> dict[str, Any]:
    task = progress.add_task(f"{database.backend}: prepare", total=3 + 2 * args.rounds)
    env = common.server_env(workdir, database.url)
    data = common.prepare(
        env,
        workdir / "prepare.log",
        "registration",
        f"--users={args.users}",
        f"--seats={args.seats}",
        f"--events={args.rounds + 1}",
    )
    progress.update(task, advance=1, description=f"{database.backend}: start server")
    server = common.start_server(env, workdir / "server.log")
    profile = workdir / f"profile-{database.backend}.folded" if args.profile else None

    def step(text: str) -> None:
        progress.update(task, advance=1, description=f"{database.backend}: {text}")

    try:
        with common.profiled(server.pid, profile):
            rounds = measure(server, database, data, args, step)
        step("wrk cross-check")
        wrk = None if args.no_wrk else common.ensure_wrk()
        wrk_ref: dict[str, float | None] = {}
        if wrk:
            common.settle(server.pid)
            url = f"{server.base_url}/api/v1/ping"
            wrk_ref = {f"c{c}": common.wrk_rps(wrk, url, c) for c in (64, args.users)}
    finally:
        server.stop()
    progress.update(task, description=f"{database.backend}: done")
    result = summarise(rounds, wrk_ref, args)
    if profile is not None:
        result["profile"] = str(profile)
    return result


def measure(
    server: LiveServer,
    database: common.Database,
    data: dict[str, Any],
    args: argparse.Namespace,
    step: Callable[[str], None],
) -> list[dict[str, Any]]:
    host = f"127.0.0.1:{server.port}"
    ping = loadgen.build_request("GET", host, "/api/v1/ping")
    # Warm-up (not measured): first requests import, compile and open connections.
    step("warm up")
    run_bursts(server, [ping] * min(200, args.users))
    warm = run_bursts(server, registration_requests(host, data["events"][0], data["users"][:100]))
    if tally(warm)[1]:
        raise RuntimeError(f"warm-up registrations failed: {tally(warm)[1][:3]}\n{server.log_tail()}")
    rounds: list[dict[str, Any]] = []
    for number, event in enumerate(data["events"][1:], start=1):
        step(f"round {number} baseline")
        # The baseline burst is short and this VM's CPU speed wobbles: take the median of three.
        settled = 0.0
        baselines = []
        for _ in range(3):
            settled += common.settle(server.pid)
            baselines.append(run_bursts(server, [ping] * args.users))
        baseline = sorted(baselines, key=lambda b: b.rate)[1]
        step(f"round {number} registrations")
        settled += common.settle(server.pid)
        registrations = run_bursts(server, registration_requests(host, event, data["users"]))
        statuses, errors = tally(registrations)
        stored = database.counts(*event)
        rounds.append(
            {
                "confirmed": statuses["confirmed"],
                "waitlisted": statuses["waitlisted"],
                "other_statuses": {k: v for k, v in statuses.items() if k not in {"confirmed", "waitlisted"}},
                "errors": len(errors) + sum(1 for b in baselines for r in b.results if r.status != 200),
                "error_samples": errors[:3],
                "stored": stored,
                "oversold": max(0, stored.get("confirmed", 0) - args.seats, stored["_taken"] - args.seats),
                "lost": args.users - stored["_rows"],
                "registrations_per_s": round(registrations.rate, 1),
                "p50_ms": round(registrations.latency_ms(0.50), 1),
                "p99_ms": round(registrations.latency_ms(0.99), 1),
                "baseline_rps": round(baseline.rate, 1),
                "baseline_p50_ms": round(baseline.latency_ms(0.50), 1),
                "server_cpu_ms_per_registration": cpu_ms_per_request(registrations),
                "server_cpu_ms_per_ping": cpu_ms_per_request(baseline),
                "settle_s": round(settled, 2),  # waiting for the previous round's mail to go out
            }
        )
    return rounds


def summarise(
    rounds: list[dict[str, Any]], wrk_ref: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    def mid(key: str, digits: int = 1) -> float | None:
        values = [r[key] for r in rounds if r[key] is not None]
        return round(common.median(values), digits) if values else None

    rate, baseline = mid("registrations_per_s") or 0.0, mid("baseline_rps") or 0.0
    exact = all(
        r["confirmed"] == args.seats
        and r["waitlisted"] == args.users - args.seats
        and not r["other_statuses"]
        for r in rounds
    )
    return {
        "confirmed": int(common.median([r["confirmed"] for r in rounds])),
        "waitlisted": int(common.median([r["waitlisted"] for r in rounds])),
        "errors": sum(r["errors"] for r in rounds),
        "oversold": max(r["oversold"] for r in rounds),
        "lost": max(r["lost"] for r in rounds),
        "registrations_per_s": rate,
        "p50_ms": mid("p50_ms"),
        "p99_ms": mid("p99_ms"),
        "baseline_rps": baseline,
        "registrations_per_s_range": [
            min(r["registrations_per_s"] for r in rounds),
            max(r["registrations_per_s"] for r in rounds),
        ],
        "baseline_rps_range": [
            min(r["baseline_rps"] for r in rounds),
            max(r["baseline_rps"] for r in rounds),
        ],
        "ratio": round(rate / baseline, 3) if baseline else 0.0,
        "every_round_exact": exact,  # each round: exactly `seats` confirmed, the rest waitlisted
        "server_cpu_ms_per_registration": mid("server_cpu_ms_per_registration", 3),
        "server_cpu_ms_per_ping": mid("server_cpu_ms_per_ping", 3),
        "baseline_wrk_rps": wrk_ref,
        "users": args.users,
        "seats": args.seats,
        "rounds": rounds,
    }


def print_table(results: dict[str, dict[str, Any]]) -> None:
    table = Table(title="Registration burst: 1 uvicorn worker, medians over rounds")
    columns = ["confirmed", "waitlisted", "errors", "oversold", "registrations_per_s", "p50_ms", "p99_ms"]
    columns += ["baseline_rps", "ratio"]
    table.add_column("backend")
    for column in columns:
        table.add_column(column, justify="right")
    for backend, result in results.items():
        table.add_row(backend, *(str(result[c]) for c in columns))
    console.print(table)
    for backend, result in results.items():
        if result["baseline_wrk_rps"]:
            console.print(
                f"{backend}: wrk on /api/v1/ping (sustained, 1 thread): {result['baseline_wrk_rps']}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--seats", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=7, help="measured rounds, one fresh event each")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default=common.pg_admin_url())
    parser.add_argument("--no-wrk", action="store_true", help="skip the wrk cross-check")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, SQLite file)")
    parser.add_argument(
        "--profile", action="store_true", help="sample the server with py-spy (implies --keep)"
    )
    args = parser.parse_args(argv)
    args.keep = args.keep or args.profile
    # `timeout`, CI or kill send SIGTERM: unwind normally so servers stop and databases drop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    loadgen.install_uvloop()

    results, workroot = common.run_backends("registration", args, bench_backend, console)
    print_table(results)
    common.save_results("registration", results, workroot, getattr(args, "keep", False), console)
    ok = all(
        r["oversold"] == 0 and r["errors"] == 0 and r["lost"] == 0 and r["every_round_exact"]
        for r in results.values()
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
