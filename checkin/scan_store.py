"""Writing batches of scans in one transaction, on SQLite and on PostgreSQL.

Both writers read what the batch needs (recorded nonces, live devices, ticket states), let
``scan_plan.plan_batch`` decide, and write the scans and presence changes it returns.

* SQLite: ``sqlite_write`` runs on the fast path's writer thread inside ``BEGIN IMMEDIATE`` under
  the process write lock, so batches never overlap; it also verifies the tokens' signatures
  there, off the event loop (the signature check releases the GIL, so it overlaps with the loop).
* PostgreSQL: ``pg_write`` takes a transaction-level advisory lock per event first, so batches
  of different processes for the same event run one after another; each step is one statement
  over arrays (``unnest``), a handful of round trips per batch whatever its size. The unique
  indexes on nonces and on (list, registration) presence stay as the last line of defence.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from checkin.scan_plan import Plan, Verdict, plan_batch, registration_of
from checkin.scan_rules import UNKNOWN, WRONG_EVENT, ScanJob, TicketState
from checkin.tokens import InvalidTicket, verify_token

PublicKeys = dict[tuple[int, int], bytes]
ADVISORY_NAMESPACE = 0x4C594353  # "LYCS": check-in scans; the second key is the event id

_STATE_COLUMNS = """
       r.id, r.event, r.status, r.ticket_type, r.code, r.attendee_name, r.attendee_organisation,
       (SELECT t.serial FROM luyan_ticket_token t
         WHERE t.registration = r.id AND t.revoked_at IS NULL) AS live_serial,
       p.id AS presence_id, p.inside, p.first_at, fc.device_label AS first_device"""
_STATE_JOINS = """
LEFT JOIN luyan_checkin_presence p ON p.registration = r.id AND p.checkin_list = {list}
LEFT JOIN luyan_checkin fc ON fc.id = p.first_checkin"""

SQLITE_STATE_SQL = (
    f"SELECT {_STATE_COLUMNS} FROM luyan_registration r {_STATE_JOINS.format(list='$2')} WHERE r.id = $1"
)
PG_STATE_SQL = (
    f"SELECT s.lst AS list_id, {_STATE_COLUMNS} "
    "FROM unnest($1::int[], $2::int[]) AS s(reg, lst) JOIN luyan_registration r ON r.id = s.reg "
    + _STATE_JOINS.format(list="s.lst")
)
_PRIOR_COLUMNS = "id, code, admitted, conflict, registration, checkin_list, nonce_key"
_CHECKIN_COLUMNS = (
    "event, checkin_list, registration, serial, device, staff_user, device_label, nonce_key, "
    "direction, code, admitted, offline, conflict, scanned_at, created_at"
)
PG_INSERT_SQL = f"""
INSERT INTO luyan_checkin ({_CHECKIN_COLUMNS})
SELECT x.*, $15::timestamptz FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[],
    $7::text[], $8::text[], $9::text[], $10::text[], $11::bool[], $12::bool[], $13::bool[],
    $14::timestamptz[]) AS x
RETURNING id, nonce_key
"""
_PRESENCE_COLUMNS = "event, checkin_list, registration, inside, entries, first_checkin, first_at, last_at"
SQLITE_PRESENCE_UPDATE_SQL = (
    "UPDATE luyan_checkin_presence SET inside = ?, entries = entries + ?, last_at = ? "
    "WHERE checkin_list = ? AND registration = ?"
)
PG_PRESENCE_INSERT_SQL = f"""
INSERT INTO luyan_checkin_presence ({_PRESENCE_COLUMNS})
SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::bool[], $5::int[], $6::int[],
    $7::timestamptz[], $8::timestamptz[])
"""
PG_LOCK_AND_DEVICES_SQL = """
SELECT ARRAY(SELECT id FROM luyan_scanner_device WHERE revoked_at IS NULL AND id = ANY($3::int[]))
  FROM (SELECT pg_advisory_xact_lock($1, $2)) AS locked
"""
PG_PRESENCE_UPDATE_SQL = """
UPDATE luyan_checkin_presence p
   SET inside = x.inside, entries = p.entries + x.added, last_at = GREATEST(p.last_at, x.at)
  FROM unnest($1::int[], $2::int[], $3::bool[], $4::int[], $5::timestamptz[]) AS x(lst, reg, inside, added, at)
 WHERE p.checkin_list = x.lst AND p.registration = x.reg
"""


@functools.lru_cache(maxsize=256)
def _sqlite_states_sql(pairs: int) -> str:
    """The state of ``pairs`` (registration, list) pairs in one statement."""
    values = ", ".join("(?, ?)" for _ in range(pairs))
    return (
        f"WITH s(reg, lst) AS (VALUES {values}) SELECT s.lst AS list_id, {_STATE_COLUMNS} "
        "FROM s JOIN luyan_registration r ON r.id = s.reg " + _STATE_JOINS.format(list="s.lst")
    )


@functools.lru_cache(maxsize=256)
def _sqlite_insert_sql(rows: int) -> str:
    values = ", ".join(["(" + ", ".join("?" * 15) + ")"] * rows)
    return f"INSERT INTO luyan_checkin ({_CHECKIN_COLUMNS}) VALUES {values} RETURNING nonce_key, id"


@functools.lru_cache(maxsize=256)
def _sqlite_presence_insert_sql(rows: int) -> str:
    values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?)"] * rows)
    return f"INSERT INTO luyan_checkin_presence ({_PRESENCE_COLUMNS}) VALUES {values}"


def check_token(job: ScanJob, keys: PublicKeys) -> Verdict | None:
    """Verify the job's token: its claims, or the code that ends the scan. ``None``: no token."""
    if job.token is None:
        return None
    try:
        claims = verify_token(job.token, keys)
    except InvalidTicket:
        return UNKNOWN
    return claims if claims.event_id == job.info.event_id else WRONG_EVENT


def state_from_row(row: dict[str, Any]) -> TicketState:
    return TicketState(
        registration_id=row["id"],
        event_id=row["event"],
        status=row["status"],
        ticket_type_id=row["ticket_type"],
        code=row["code"],
        name=row["attendee_name"],
        organisation=row["attendee_organisation"],
        live_serial=row["live_serial"],
        present=row["presence_id"] is not None,
        inside=bool(row["inside"]),
        first_at=row["first_at"],
        first_device=row["first_device"] or "",
    )


def _wanted_states(jobs: list[ScanJob], verdicts: list[Verdict | None], prior: dict) -> set[tuple[int, int]]:
    wanted = {
        (reg, job.info.id)
        for job, verdict in zip(jobs, verdicts, strict=True)
        if (reg := registration_of(job, verdict)) is not None
    }
    wanted |= {(row["registration"], row["checkin_list"]) for row in prior.values() if row["registration"]}
    return wanted


# --- SQLite -------------------------------------------------------------------------------


def sqlite_write(conn: Any, jobs: list[ScanJob], now: dt.datetime) -> Plan:
    """On the writer thread, inside the fast path's IMMEDIATE transaction; tokens verified."""
    verdicts = [job.verdict for job in jobs]
    nonces = sorted({job.nonce_key for job in jobs})
    marks = ", ".join(f"${i + 1}" for i in range(len(nonces)))
    prior = {
        row["nonce_key"]: row
        for row in conn.fetch(
            f"SELECT {_PRIOR_COLUMNS} FROM luyan_checkin WHERE nonce_key IN ({marks})", *nonces
        )
    }
    device_ids = sorted({job.device_id for job in jobs if job.device_id is not None})
    live: set[int] = set()
    if device_ids:
        marks = ", ".join(f"${i + 1}" for i in range(len(device_ids)))
        live = {
            row["id"]
            for row in conn.fetch(
                f"SELECT id FROM luyan_scanner_device WHERE revoked_at IS NULL AND id IN ({marks})",
                *device_ids,
            )
        }
    wanted = sorted(_wanted_states(jobs, verdicts, prior))
    states: dict[tuple[int, int], TicketState] = {}
    if wanted:
        args = [value for pair in wanted for value in pair]
        rows = conn.raw.execute(_sqlite_states_sql(len(wanted)), args).fetchall()
        states = {(row["id"], row["list_id"]): state_from_row(row) for row in rows}
    plan = plan_batch(jobs, verdicts, prior, states, live)
    # Few statements per batch: every statement lets go of the GIL and has to win it back
    # from the busy event loop, so one multi-row INSERT beats one INSERT per scan.
    raw = conn.raw
    ids: list[int] = []
    if plan.rows:
        args = [
            value
            for r in plan.rows
            for value in (
                r.event, r.checkin_list, r.registration, r.serial, r.device, r.staff_user, r.device_label,
                r.nonce_key, r.direction, r.code, r.admitted, r.offline, r.conflict, r.scanned_at, now,
            )
        ]  # fmt: skip
        by_nonce = dict(raw.execute(_sqlite_insert_sql(len(plan.rows)), args).fetchall())
        ids = [by_nonce[r.nonce_key] for r in plan.rows]
    new = [w for w in plan.presence.values() if w.new]
    if new:
        args = [
            value
            for w in new
            for value in (
                w.event, w.checkin_list, w.registration, w.inside, w.add_entries,
                ids[w.first_row] if w.first_row is not None else None, w.at, w.at,
            )
        ]  # fmt: skip
        raw.execute(_sqlite_presence_insert_sql(len(new)), args)
    for w in plan.presence.values():
        if not w.new:
            raw.execute(
                SQLITE_PRESENCE_UPDATE_SQL, (w.inside, w.add_entries, w.at, w.checkin_list, w.registration)
            )
    plan.assign_ids(ids)
    return plan


# --- PostgreSQL ---------------------------------------------------------------------------


async def pg_write(conn: Any, jobs: list[ScanJob], now: dt.datetime) -> Plan:
    """On a pooled asyncpg connection inside a transaction; tokens verified."""
    verdicts = [job.verdict for job in jobs]
    # The device check rides along with the first lock (one round trip fewer); the lock does not
    # guard devices, so reading them before it is granted is fine.
    device_ids = sorted({job.device_id for job in jobs if job.device_id is not None})
    live: set[int] = set()
    for n, event_id in enumerate(sorted({job.info.event_id for job in jobs})):
        if n == 0:
            live = set(await conn.fetchval(PG_LOCK_AND_DEVICES_SQL, ADVISORY_NAMESPACE, event_id, device_ids))
        else:
            await conn.execute("SELECT pg_advisory_xact_lock($1, $2)", ADVISORY_NAMESPACE, event_id)
    nonces = sorted({job.nonce_key for job in jobs})
    prior = {
        row["nonce_key"]: dict(row)
        for row in await conn.fetch(
            f"SELECT {_PRIOR_COLUMNS} FROM luyan_checkin WHERE nonce_key = ANY($1::text[])", nonces
        )
    }
    wanted = sorted(_wanted_states(jobs, verdicts, prior))
    states: dict[tuple[int, int], TicketState] = {}
    if wanted:
        rows = await conn.fetch(PG_STATE_SQL, [w[0] for w in wanted], [w[1] for w in wanted])
        states = {(row["id"], row["list_id"]): state_from_row(row) for row in rows}
    plan = plan_batch(jobs, verdicts, prior, states, live)
    ids: list[int] = []
    if plan.rows:
        columns = list(zip(*(
            (r.event, r.checkin_list, r.registration, r.serial, r.device, r.staff_user, r.device_label,
             r.nonce_key, r.direction, r.code, r.admitted, r.offline, r.conflict, r.scanned_at)
            for r in plan.rows
        ), strict=True))  # fmt: skip
        inserted = await conn.fetch(PG_INSERT_SQL, *[list(c) for c in columns], now)
        by_nonce = {row["nonce_key"]: row["id"] for row in inserted}
        ids = [by_nonce[r.nonce_key] for r in plan.rows]
    new = [w for w in plan.presence.values() if w.new]
    if new:
        await conn.execute(
            PG_PRESENCE_INSERT_SQL,
            [w.event for w in new],
            [w.checkin_list for w in new],
            [w.registration for w in new],
            [w.inside for w in new],
            [w.add_entries for w in new],
            [ids[w.first_row] if w.first_row is not None else None for w in new],
            [w.at for w in new],
            [w.at for w in new],
        )
    changed = [w for w in plan.presence.values() if not w.new]
    if changed:
        await conn.execute(
            PG_PRESENCE_UPDATE_SQL,
            [w.checkin_list for w in changed],
            [w.registration for w in changed],
            [w.inside for w in changed],
            [w.add_entries for w in changed],
            [w.at for w in changed],
        )
    plan.assign_ids(ids)
    return plan
