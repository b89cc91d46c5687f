"""The scans of the check-in benchmark: who scans which ticket when, the requests, the checks.

A run scans a set of tickets on a check-in list nobody has scanned yet, each ticket once, in a
random order, plus deliberate repeats: a share of the tickets is scanned a second time by
another device, half of them right after the first scan (while it is still in flight on
another connection) and half of them much later. Exactly one scan per ticket may be admitted.

Scans are spread round-robin over the paired devices for the whole bench, so at R scans per
second each of N devices scans R/N a second: the server's per-device rate limit
(``LUYAN_SCAN_RATE_PER_SECOND``, 10 by default) stays untouched as long as R < 10 N, as at a
real door where a phone scans a ticket every second or so.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench import common, loadgen

OK, ALREADY = "ok", "already_checked_in"
RATE_WINDOW_S = 10  # checkin/ratelimit.py counts fixed 10-second windows


@dataclass(frozen=True, slots=True)
class PlannedScan:
    ticket: int  # index into the seeded tickets
    device: int  # index into the seeded devices
    repeat: bool  # the second scan of a ticket in this run


class Devices:
    """Hands out the seeded devices round-robin, continuing from run to run."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.position = 0

    def take(self) -> int:
        self.position += 1
        return (self.position - 1) % self.count


def plan(
    tickets: Sequence[int], repeat_share: float, connections: int, devices: Devices, rng: random.Random
) -> list[PlannedScan]:
    """Every ticket once in random order, and ``repeat_share`` of them again later on."""
    order = list(tickets)
    rng.shuffle(order)
    keyed: list[tuple[float, int, bool]] = []
    for position, ticket in enumerate(order):
        keyed.append((position, ticket, False))
        if rng.random() < repeat_share:
            if rng.random() < 0.5:  # while the first scan is likely still in flight
                offset = rng.randint(1, max(1, connections - 1))
            else:  # well after the first answer
                offset = rng.randint(4 * connections, 40 * connections)
            keyed.append((position + offset + 0.5, ticket, True))
    keyed.sort()
    return [PlannedScan(ticket, devices.take(), repeat) for _key, ticket, repeat in keyed]


def requests(
    host: str, list_id: int, scans: Sequence[PlannedScan], data: dict[str, Any], tag: str
) -> list[bytes]:
    """``POST /api/v1/checkin/scans`` for each planned scan: its device's token, a unique nonce."""
    tickets, devices = data["tickets"], data["devices"]
    out = []
    for number, scan in enumerate(scans):
        body = {"list_id": list_id, "nonce": f"{tag}-{number:06d}", "token": tickets[scan.ticket][1]}
        headers = {"Authorization": f"Bearer {devices[scan.device][1]}", "Content-Type": "application/json"}
        out.append(
            loadgen.build_request(
                "POST", host, "/api/v1/checkin/scans", headers=headers, body=json.dumps(body).encode()
            )
        )
    return out


@dataclass(slots=True)
class _Answer:
    status: int
    code: str
    admitted: bool
    sent: float
    done: float


def check_answers(run: loadgen.LoopRun, scans: Sequence[PlannedScan]) -> dict[str, Any]:
    """What the answers say: errors, codes, and whether each ticket got in exactly once."""
    answers: dict[int, _Answer] = {}
    errors: list[str] = []
    for index, status, sent, latency, body in zip(
        run.index, run.status, run.sent_at, run.latency_s, run.body, strict=True
    ):
        code, admitted = "", False
        if status == 200:
            data = json.loads(body)
            code, admitted = data["code"], data["admitted"]
        else:
            errors.append(f"{status}: {body[:160]!r}")
        answers[index] = _Answer(status, code, admitted, sent, sent + latency)
    by_ticket: dict[int, list[tuple[PlannedScan, _Answer]]] = defaultdict(list)
    missing = 0
    for number, scan in enumerate(scans):
        answer = answers.get(number)
        if answer is None:
            missing += 1
        else:
            by_ticket[scan.ticket].append((scan, answer))
    codes = Counter(a.code for a in answers.values() if a.status == 200)
    never = twice = wrong = out_of_order = overlapping = 0
    for pairs in by_ticket.values():
        served = [a for _s, a in pairs if a.status == 200]
        admitted = [a for a in served if a.code == OK]
        never += not admitted and len(served) == len(pairs)
        twice += len(admitted) > 1
        wrong += sum(1 for a in served if a.code not in {OK, ALREADY} or a.admitted != (a.code == OK))
        first = next((a for s, a in pairs if not s.repeat), None)
        for scan, answer in pairs:
            if not scan.repeat or first is None:
                continue
            if answer.sent < first.done:
                overlapping += 1  # both in flight at once: either may be the one admitted
            elif first.code != OK or answer.code != ALREADY:
                out_of_order += 1  # sent after the first answer: that one must have been admitted
    return {
        "answered": len(answers),
        "missing": missing,
        "errors": len(errors),
        "error_samples": errors[:3],
        "codes": dict(codes),
        "tickets": len(by_ticket),
        "repeats": sum(1 for s in scans if s.repeat),
        "repeats_in_flight_together": overlapping,
        "never_admitted": never,
        "admitted_twice": twice,
        "wrong_answers": wrong + out_of_order,
    }


STORED_SQL = """
SELECT COUNT(*),
       SUM(CASE WHEN admitted AND direction = 'entry' THEN 1 ELSE 0 END),
       COUNT(DISTINCT CASE WHEN admitted AND direction = 'entry' THEN registration END)
  FROM luyan_checkin WHERE checkin_list = $1
"""
DUPLICATES_SQL = """
SELECT COUNT(*) FROM (
  SELECT registration FROM luyan_checkin
   WHERE checkin_list = $1 AND admitted AND direction = 'entry'
   GROUP BY registration HAVING COUNT(*) > 1
) AS twice
"""
PRESENCE_SQL = "SELECT COUNT(*), SUM(entries) FROM luyan_checkin_presence WHERE checkin_list = $1"


def stored(database: common.Database, list_id: int) -> dict[str, int]:
    """The list as the database holds it after a run."""
    rows, admitted, admitted_tickets = database.query(STORED_SQL, list_id)[0]
    presence, entries = database.query(PRESENCE_SQL, list_id)[0]
    return {
        "scan_rows": rows,
        "admitted_rows": admitted or 0,
        "admitted_tickets": admitted_tickets,
        "duplicates_admitted": database.query(DUPLICATES_SQL, list_id)[0][0],
        "presence_rows": presence,
        "presence_entries": entries or 0,
    }


def consistent(answers: dict[str, Any], db: dict[str, int]) -> bool:
    """Every answered scan recorded, every ticket admitted once, in the answers and the database."""
    served = sum(answers["codes"].values())
    tickets = answers["tickets"]
    return (
        answers["errors"] == 0
        and answers["missing"] == 0
        and answers["never_admitted"] == 0
        and answers["admitted_twice"] == 0
        and answers["wrong_answers"] == 0
        and answers["codes"].get(OK, 0) == tickets
        and db["scan_rows"] == served
        and db["admitted_rows"] == db["admitted_tickets"] == tickets
        and db["duplicates_admitted"] == 0
        and db["presence_rows"] == db["presence_entries"] == tickets
    )


def device_window_peak(runs: Sequence[tuple[loadgen.LoopRun, Sequence[PlannedScan]]]) -> int:
    """The most scans any device sent within one of the server's fixed rate-limit windows."""
    counts: Counter[tuple[int, int]] = Counter()
    for run, scans in runs:
        for index, sent in zip(run.index, run.sent_at, strict=True):
            window = int((run.started_epoch + sent) // RATE_WINDOW_S)
            counts[(scans[index].device, window)] += 1
    return max(counts.values(), default=0)
