"""Databank search at 10,000 and then 100,000 bilingual projects, on SQLite and on PostgreSQL.

For each database: a fresh database is migrated and filled with generated projects
(``bench/databank_prepare.py``: realistic Chinese and English names and summaries, all
listed, 5% withdrawn again); one uvicorn worker serves it. Each measured round sends, over
HTTP with an investor's API token (every listed project is searched):

* the search mix: ``GET /api/v1/databank/projects`` with a text, two facets and a sort, first
  page with the total; Chinese and English terms, long and short (two-character Chinese terms
  have no trigram and are matched by a scan of what the facets leave);
* the baseline: ``GET /api/v1/projects/{id}`` by the owner (a primary-key lookup through the
  ORM), in the same run.

Latency comes from one connection at a time (each request waits for the previous answer);
``queries_per_s`` from four connections kept busy. Rounds repeat; the medians are kept. Then
the databank grows to 100,000 and the server is measured again.

    python bench/bench_databank.py [--rounds 3] [--backends sqlite,postgres] [--sizes 10000,100000]

Writes ``bench/results/databank.json``; see docs/databank-search.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from bench import common, loadgen, loadgen_process
from tests.live import LiveServer

console = Console(width=None if sys.stdout.isatty() else 150)
TARGET_P99_MS = 50.0

# (name, query): text in both languages, long and short, each with two facets and a sort.
MIXES: list[tuple[str, dict[str, Any]]] = [
    ("zh_long", {"q": "固态电池", "sector": "new_energy", "stage": "seed", "sort": "newest"}),
    ("zh_short", {"q": "电池", "sector": "new_energy", "region": "Zhejiang", "sort": "relevance"}),
    ("en_word", {"q": "battery", "sector": "new_energy", "stage": "series_a", "sort": "funding_desc"}),
    ("en_prefix", {"q": "silic", "sector": "semiconductors", "stage": "growth", "sort": "newest"}),
    ("en_phrase", {"q": "machine vision", "sector": "ai", "region": "Jiangsu", "sort": "relevance"}),
    ("zh_phrase", {"q": "医疗影像人工智能", "sector": "ai", "stage": "prototype", "sort": "name"}),
    ("mixed", {"q": "mRNA 疫苗", "sector": "biotech", "stage": "seed", "sort": "funding_asc"}),
    ("zh_short_chip", {"q": "芯片", "sector": "semiconductors", "stage": "idea", "sort": "newest"}),
]
# Not part of the target (no facets narrow them), measured to show what they cost.
WIDE: list[tuple[str, dict[str, Any]]] = [
    ("wide_zh_short", {"q": "电池"}),
    ("wide_en_word", {"q": "battery"}),
    ("wide_newest", {}),
]


def search_path(query: dict[str, Any]) -> str:
    return "/api/v1/databank/projects?" + urlencode(query, doseq=True)


def prepare(env: dict[str, str], log: Path, total: int) -> dict[str, Any]:
    out = log.with_suffix(f".{total}.json")
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("LUYAN_")}
    with log.open("ab") as sink:
        completed = subprocess.run(
            [
                sys.executable,
                str(common.ROOT / "bench" / "databank_prepare.py"),
                f"--total={total}",
                f"--out={out}",
            ],
            cwd=common.ROOT,
            env={**child_env, **env},
            stdout=sink,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if completed.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"bench/databank_prepare.py failed ({completed.returncode}):\n{tail}")
    return json.loads(out.read_text())


class Runner:
    def __init__(self, server: LiveServer, workdir: Path, data: dict[str, Any]) -> None:
        self.server, self.workdir, self.data = server, workdir, data
        self.host = f"127.0.0.1:{server.port}"

    def request(self, path: str, token: str) -> bytes:
        return loadgen.build_request("GET", self.host, path, headers={"Authorization": f"Bearer {token}"})

    def searches(self, mixes: list[tuple[str, dict[str, Any]]]) -> list[bytes]:
        token = self.data["investor"][1]
        return [self.request(search_path(query), token) for _name, query in mixes]

    def lookups(self, count: int) -> list[bytes]:
        owner_token, ids = self.data["owner"][1], self.data["project_ids"]
        return [self.request(f"/api/v1/projects/{ids[i % len(ids)]}", owner_token) for i in range(count)]

    def loop(
        self, requests: list[bytes], connections: int, count: int, bodies: bool = False
    ) -> loadgen.LoopRun:
        job = loadgen_process.LoopJob(requests, connections, count=count, keep_bodies=bodies)
        (run,) = loadgen_process.run_processes(
            self.server.port, [job], self.workdir, server_pid=self.server.pid
        )
        if run.errors:
            bad = next(body for status, body in zip(run.status, run.body, strict=True) if status != 200)
            raise RuntimeError(f"{run.errors} failed requests, e.g. {bad[:300]!r}\n{self.server.log_tail()}")
        return run


def per_mix(run: loadgen.LoopRun, names: list[str]) -> dict[str, dict[str, float]]:
    latencies: dict[str, list[float]] = {name: [] for name in names}
    for index, latency in zip(run.index, run.latency_s, strict=True):
        latencies[names[index % len(names)]].append(latency)
    return {
        name: {
            "p50_ms": round(loadgen._quantile_ms(values, 0.5), 2),
            "p99_ms": round(loadgen._quantile_ms(values, 0.99), 2),
        }
        for name, values in latencies.items()
    }


def measure(runner: Runner, args: argparse.Namespace, step: Callable[[str], None]) -> dict[str, Any]:
    names = [name for name, _query in MIXES]
    searches = runner.searches(MIXES)
    step("check answers")
    check = runner.loop(searches, 1, len(searches), bodies=True)
    totals = {names[i]: json.loads(body)["total"] for i, body in zip(check.index, check.body, strict=True)}
    step("warm up")
    runner.loop(searches, 2, 20 * len(searches))
    runner.loop(runner.lookups(200), 2, 200)
    rounds = []
    for number in range(1, args.rounds + 1):
        step(f"round {number}: search latency")
        common.settle(runner.server.pid)
        latency = runner.loop(searches, 1, args.requests)
        step(f"round {number}: search throughput")
        throughput = runner.loop(searches, 4, args.requests)
        step(f"round {number}: baseline")
        baseline = runner.loop(runner.lookups(args.requests), 1, args.requests)
        rounds.append(
            {
                "p50_ms": round(latency.latency_ms(0.50), 2),
                "p99_ms": round(latency.latency_ms(0.99), 2),
                "queries_per_s": round(throughput.rate, 1),
                "p99_ms_at_4_connections": round(throughput.latency_ms(0.99), 2),
                "baseline_p50_ms": round(baseline.latency_ms(0.50), 2),
                "baseline_p99_ms": round(baseline.latency_ms(0.99), 2),
                "machine_busy": round(latency.machine_busy or 0.0, 2),
                "per_mix": per_mix(latency, names),
            }
        )
    step("wide searches (no facets)")
    wide_names = [name for name, _query in WIDE]
    wide = per_mix(runner.loop(runner.searches(WIDE), 1, 20 * len(WIDE)), wide_names)
    return summarise(rounds, totals, wide)


def summarise(rounds: list[dict[str, Any]], totals: dict[str, int], wide: dict[str, Any]) -> dict[str, Any]:
    def mid(key: str) -> float:
        return round(common.median([r[key] for r in rounds]), 2)

    mixes = {
        name: {
            "total": totals[name],
            "p50_ms": round(common.median([r["per_mix"][name]["p50_ms"] for r in rounds]), 2),
            "p99_ms": round(common.median([r["per_mix"][name]["p99_ms"] for r in rounds]), 2),
        }
        for name in totals
    }
    return {
        "p50_ms": mid("p50_ms"),
        "p99_ms": mid("p99_ms"),
        "queries_per_s": mid("queries_per_s"),
        "baseline_p50_ms": mid("baseline_p50_ms"),
        "baseline_p99_ms": mid("baseline_p99_ms"),
        "p99_ms_at_4_connections": mid("p99_ms_at_4_connections"),
        "p99_ms_range": [min(r["p99_ms"] for r in rounds), max(r["p99_ms"] for r in rounds)],
        "meets_target": mid("p99_ms") <= TARGET_P99_MS,
        "mixes": mixes,
        "wide_searches": wide,
        "rounds": rounds,
    }


def bench_backend(
    database: common.Database, workdir: Path, args: argparse.Namespace, progress: Progress
) -> dict[str, Any]:
    sizes = [int(size) for size in args.sizes.split(",")]
    task = progress.add_task(f"{database.backend}: prepare", total=len(sizes) * (5 + 3 * args.rounds))
    env = common.server_env(workdir, database.url)
    results: dict[str, Any] = {}

    def step(text: str) -> None:
        progress.update(task, advance=1, description=f"{database.backend}: {text}")

    for size in sizes:
        step(f"{size:,} projects: seed")
        data = prepare(env, workdir / "prepare.log", size)
        step(f"{size:,} projects: start server")
        server = common.start_server(env, workdir / f"server-{size}.log")
        try:
            runner = Runner(server, workdir, data)
            results[str(size)] = {
                **measure(runner, args, lambda text, size=size: step(f"{size:,}: {text}")),
                "projects": data["total"],
                "seed_s": data["seed_s"],
            }
        finally:
            server.stop()
    progress.update(task, description=f"{database.backend}: done")
    return results


def print_table(results: dict[str, dict[str, Any]]) -> None:
    table = Table(title="Databank search over HTTP, 1 uvicorn worker (medians over rounds)")
    columns = ["p50_ms", "p99_ms", "queries_per_s", "baseline_p50_ms", "meets_target"]
    table.add_column("backend")
    table.add_column("projects", justify="right")
    for column in columns:
        table.add_column(column, justify="right")
    for backend, sizes in results.items():
        for size, result in sizes.items():
            table.add_row(backend, size, *(str(result[c]) for c in columns))
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=400, help="requests per measurement")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default=common.pg_admin_url())
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, SQLite file)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    loadgen.install_uvloop()
    results, workroot = common.run_backends("databank", args, bench_backend, console)
    print_table(results)
    common.save_results("databank", results, workroot, args.keep, console)
    return 0 if all(r["meets_target"] for sizes in results.values() for r in sizes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
