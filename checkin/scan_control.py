"""Test-only control path for scans (``LUYAN_UNGUARDED_CHECKIN``): read, yield, then write.

The concurrency tests' control run uses it to show that their bursts really race: the ticket's
presence is read outside any write transaction, the decision is made on that stale read, and
the presence row is written tolerantly, so simultaneous scans of one ticket can all be ``ok``.
Never used outside ``LUYAN_ENV=test`` (settings refuse it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from app.db import fast
from checkin.scan_rules import Outcome, ScanJob, decide
from checkin.scan_store import TOKEN_STATE_SQL, recognise, state_from_row
from checkin.tokens import TicketClaims

INSERT_SQL = (
    "INSERT INTO luyan_checkin (event, checkin_list, registration, serial, device, staff_user, device_label, "
    "nonce_key, direction, code, admitted, offline, conflict, scanned_at, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, false, false, $12, $12) RETURNING id"
)
PRESENCE_SQL = (
    "INSERT INTO luyan_checkin_presence (event, checkin_list, registration, inside, entries, first_at, last_at) "
    "VALUES ($1, $2, $3, true, 1, $4, $4) ON CONFLICT DO NOTHING"
)


async def scan_unguarded(job: ScanJob) -> Outcome:
    path = fast()
    row = await path.fetchrow(TOKEN_STATE_SQL, job.token, job.info.id) if job.token is not None else None
    verdict = recognise(job, {row["tok"]: (row["id"], row["token_serial"])} if row is not None else {})
    if row is None or not isinstance(verdict, TicketClaims):
        raise ValueError("the control path scans genuine tokens only")
    state = state_from_row(row)
    await asyncio.sleep(0)  # let the other scans read the same, stale state
    code = decide(job.info, verdict, state, job.direction, job.info.local_day(job.scanned_at))
    admitted = code == "ok"
    args: list[Any] = [
        job.info.event_id, job.info.id, state.registration_id, verdict.serial, job.device_id, job.user_id,
        job.label, job.nonce_key, job.direction, code, admitted, dt.datetime.now(dt.UTC),
    ]  # fmt: skip
    if path.dialect == "sqlite":
        scan_id = await path.write(_sqlite, args, admitted)
    else:
        scan_id = await path.write(_pg, args, admitted)
    return Outcome(code=code, admitted=admitted, scan_id=scan_id, state=state)


def _sqlite(conn: Any, args: list[Any], admitted: bool) -> int:
    scan_id = conn.fetchval(INSERT_SQL, *args)
    if admitted:
        conn.execute(PRESENCE_SQL, args[0], args[1], args[2], args[11])
    return scan_id


async def _pg(conn: Any, args: list[Any], admitted: bool) -> int:
    scan_id = await conn.fetchval(INSERT_SQL, *args)
    if admitted:
        await conn.execute(PRESENCE_SQL, args[0], args[1], args[2], args[11])
    return scan_id
