"""Figures of ``bench_audience``: broadcasts noted by the server, arrivals stamped by the load
generators, and what they say (one clock: every process runs on this machine)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(slots=True)
class Broadcast:
    tick_at: float  # the server set out to tell viewers (tick start)
    first_send: float
    sent: float  # the last socket's frame handed to the kernel
    sockets: int
    direct: int  # of them written to without the ASGI send (the app's fast path)
    cpu_ms: float  # CPU time the server's thread spent on the sends (unaffected by other load)
    text: str


def read_broadcasts(path: Path, since: float, until: float = math.inf) -> list[Broadcast]:
    """The broadcasts noted in ``path`` whose tick started between ``since`` and ``until``."""
    found = []
    if not path.exists():
        return found
    for line in path.read_text().splitlines():
        parts = line.split(" ", 6)
        if len(parts) == 7 and since <= float(parts[0]) <= until:
            tick_at, first_send, sent = (float(p) for p in parts[:3])
            sockets, direct, cpu_ms = int(parts[3]), int(parts[4]), float(parts[5])
            found.append(Broadcast(tick_at, first_send, sent, sockets, direct, cpu_ms, parts[6]))
    return found


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` 0.5 for the median, 0.99, 1.0 for the largest)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def per_broadcast(broadcasts: list[Broadcast], sockets: list[list[float]]) -> list[dict[str, Any]]:
    """For each broadcast: how many sockets got it and when (ms after the tick started).

    A socket's k-th arrival after the mark is the k-th broadcast (TCP keeps order; every
    socket was open before the first one). A socket with more or fewer arrivals than there were
    broadcasts is matched by time instead: each arrival to the last broadcast begun before it."""
    delays: list[list[float]] = [[] for _ in broadcasts]
    starts = [b.tick_at for b in broadcasts]
    for arrivals in sockets:
        if len(arrivals) == len(broadcasts):
            pairs = enumerate(arrivals)
        else:
            pairs = ((_last_before(starts, a), a) for a in arrivals)
        for index, arrival in pairs:
            if index >= 0:
                delays[index].append(arrival - starts[index])
    rows = []
    for broadcast, found in zip(broadcasts, delays, strict=True):
        rows.append(
            {
                "sockets": broadcast.sockets,
                "direct": broadcast.direct,
                "received": len(found),
                "send_ms": round(1000 * (broadcast.sent - broadcast.tick_at), 1),
                "send_cpu_us_per_socket": round(1000 * broadcast.cpu_ms / max(1, broadcast.sockets), 2),
                "viewer_p50_ms": round(1000 * percentile(found, 0.5), 1),
                "viewer_p99_ms": round(1000 * percentile(found, 0.99), 1),
                "last_ms": round(1000 * percentile(found, 1.0), 1),
                # the last arrival after the server's last write: the load generators' share
                "client_lag_ms": round(
                    1000 * (percentile(found, 1.0) - (broadcast.sent - broadcast.tick_at)), 1
                ),
            }
        )
    return rows


def _last_before(starts: list[float], at: float) -> int:
    index = -1
    for number, start in enumerate(starts):
        if start <= at:
            index = number
    return index


def summary(rows: list[dict[str, Any]], sockets: int) -> dict[str, Any]:
    """Over the broadcasts: the last arrival's median and 99th percentile (nearest rank: with a
    few dozen broadcasts that is the slowest one), and the medians of the rest."""
    last = [r["last_ms"] for r in rows if r["received"]]
    return {
        "broadcasts": len(rows),
        "p50_ms": round(median(last), 1),
        "p99_ms": round(percentile(last, 0.99), 1),
        "viewer_p50_ms": round(median([r["viewer_p50_ms"] for r in rows if r["received"]]), 1),
        "viewer_p99_ms": round(median([r["viewer_p99_ms"] for r in rows if r["received"]]), 1),
        "send_ms": round(median([r["send_ms"] for r in rows]), 1),
        "send_cpu_us_per_socket": round(median([r["send_cpu_us_per_socket"] for r in rows]), 2),
        "client_lag_ms": round(median([r["client_lag_ms"] for r in rows if r["received"]]), 1),
        "direct_share": round(sum(r["direct"] for r in rows) / max(1, sum(r["sockets"] for r in rows)), 3),
        "missed": sum(max(0, sockets - r["received"]) for r in rows),
    }
