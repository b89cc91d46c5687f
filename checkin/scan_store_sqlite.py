"""Writing a batch of scans on SQLite: few statements, each answering in one row.

``sqlite_write`` runs on the fast path's writer thread inside ``BEGIN IMMEDIATE`` under the
process write lock (``app.db.fast``), so batches never overlap and nothing else writes to the
file meanwhile (other processes wait on the lock too).

Why one row per statement: Python's ``sqlite3`` lets go of the GIL around every step of a
statement, that is once per row fetched or returned, and each time the busy event loop thread
takes it and the writer has to win it back: two thread switches. Fetching a batch's state as
rows, or its new scan ids through ``RETURNING``, costs several switches per scan, more than the
SQL itself. So the batch's read returns its four parts as JSON in a single row, and the new scan
ids are counted from the table's largest id read in that same statement: in a rowid table
SQLite gives each new row the largest rowid plus one, and under the write lock nobody else
inserts in between (checked against ``lastrowid``; a look-up by nonce covers any surprise).
Values inside the JSON carry no declared column type, so Piccolo's per-column converters (one
Python call per integer) do not run either.
"""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from typing import Any

import msgspec

from checkin.scan_plan import Plan, plan_batch
from checkin.scan_rules import ScanJob, TicketState
from checkin.scan_store import (
    BY_REGISTRATION_CTE,
    CHECKIN_COLUMNS,
    PRESENCE_COLUMNS,
    PRIOR_CTE,
    STATE_COLUMNS,
    STATE_JOINS,
    recognise,
    wanted,
)

PRESENCE_UPDATE_SQL = (
    "UPDATE luyan_checkin_presence SET inside = ?, entries = entries + ?, last_at = ? "
    "WHERE checkin_list = ? AND registration = ?"
)
_TICKET_FIELDS = (
    "tok, token_serial, list_id, id, event, status, ticket_type, code, attendee_name, "
    "attendee_organisation, live_serial, presence_id, inside, first_at, first_device"
)
_PRIOR_FIELDS = "nonce_key, id, code, admitted, conflict, registration, checkin_list"
_decode = msgspec.json.Decoder(list[list[Any]]).decode
_decode_ids = msgspec.json.Decoder(list[int]).decode


def _timestamptz(text: str | None) -> dt.datetime | None:
    """A stored TIMESTAMPTZ as Piccolo reads it (its registered converter)."""
    return None if text is None else sqlite3.converters["TIMESTAMPTZ"](text.encode())


@functools.lru_cache(maxsize=256)
def read_sql(nonces: int, tokens: int, registrations: int, devices: int) -> str:
    """One row of four columns: the scans recorded under the batch's nonces (retries), the state
    of every ticket it names (by token, or by registration for manual check-ins and for the
    first scans of retried nonces), the live devices among its scanners, and the largest scan id.
    Parameters: the nonce keys, the (token, list) pairs, the (registration, list) pairs, the
    device ids."""

    def pairs(count: int) -> str:
        return f"VALUES {', '.join(['(?, ?)'] * count)}" if count else "SELECT NULL, NULL WHERE 0"

    def marks(count: int) -> str:
        return ", ".join("?" * count)

    return f"""
WITH {PRIOR_CTE.format(match=f"IN ({marks(nonces)})")},
st(tok, lst) AS ({pairs(tokens)}), sr(reg, lst) AS ({pairs(registrations)}),
{BY_REGISTRATION_CTE.format(source="sr")},
tickets AS (
  SELECT s.tok AS tok, issued.serial AS token_serial, s.lst AS list_id, {STATE_COLUMNS}
    FROM st AS s JOIN luyan_ticket_token issued ON issued.token = s.tok
    JOIN luyan_registration r ON r.id = issued.registration {STATE_JOINS.format(list="s.lst")}
  UNION ALL
  SELECT NULL, NULL, s.lst, {STATE_COLUMNS}
    FROM by_registration AS s JOIN luyan_registration r ON r.id = s.reg {STATE_JOINS.format(list="s.lst")}
)
SELECT (SELECT json_group_array(json_array({_PRIOR_FIELDS})) FROM prior),
       (SELECT json_group_array(json_array({_TICKET_FIELDS})) FROM tickets),
       (SELECT json_group_array(id) FROM luyan_scanner_device
         WHERE revoked_at IS NULL AND id IN ({marks(devices)})),
       (SELECT coalesce(max(id), 0) FROM luyan_checkin)
"""


@functools.lru_cache(maxsize=256)
def _insert_sql(rows: int) -> str:
    values = ", ".join(["(" + ", ".join("?" * 15) + ")"] * rows)
    return f"INSERT INTO luyan_checkin ({CHECKIN_COLUMNS}) VALUES {values}"


@functools.lru_cache(maxsize=256)
def _presence_insert_sql(rows: int) -> str:
    values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?)"] * rows)
    return f"INSERT INTO luyan_checkin_presence ({PRESENCE_COLUMNS}) VALUES {values}"


def _unpack(
    jobs: list[ScanJob], prior_json: str, tickets_json: str
) -> tuple[dict[str, dict[str, Any]], list[Any], dict[tuple[int, int], TicketState]]:
    """(prior scans by nonce key, each job's verdict, ticket states by (registration, list))."""
    prior = {
        nonce_key: {
            "id": scan_id,
            "code": code,
            "admitted": bool(admitted),
            "conflict": bool(conflict),
            "registration": registration,
            "checkin_list": checkin_list,
        }
        for nonce_key, scan_id, code, admitted, conflict, registration, checkin_list in _decode(prior_json)
    }
    issued: dict[str, tuple[int, int]] = {}
    states: dict[tuple[int, int], TicketState] = {}
    for (
        tok, token_serial, list_id, reg_id, event, status, ticket_type, code, name, organisation,
        live_serial, presence_id, inside, first_at, first_device,
    ) in _decode(tickets_json):  # fmt: skip
        if tok is not None:
            issued[tok] = (reg_id, token_serial)
        states[(reg_id, list_id)] = TicketState(
            registration_id=reg_id,
            event_id=event,
            status=status,
            ticket_type_id=ticket_type,
            code=code,
            name=name,
            organisation=organisation,
            live_serial=live_serial,
            present=presence_id is not None,
            inside=bool(inside),
            first_at=_timestamptz(first_at),
            first_device=first_device or "",
        )
    return prior, [recognise(job, issued) for job in jobs], states


def sqlite_write(conn: Any, jobs: list[ScanJob], now: dt.datetime) -> Plan:
    """On the writer thread, inside the fast path's IMMEDIATE transaction."""
    raw: sqlite3.Connection = conn.raw
    nonces, tokens, registrations = wanted(jobs)
    device_ids = sorted({job.device_id for job in jobs if job.device_id is not None})
    args = [*nonces, *(value for pair in (*tokens, *registrations) for value in pair), *device_ids]
    sql = read_sql(len(nonces), len(tokens), len(registrations), len(device_ids))
    prior_json, tickets_json, devices_json, last_id = raw.execute(sql, args).fetchone()
    prior, verdicts, states = _unpack(jobs, prior_json, tickets_json)
    plan = plan_batch(jobs, verdicts, prior, states, set(_decode_ids(devices_json)))
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
        inserted = raw.execute(_insert_sql(len(plan.rows)), args)
        ids = list(range(last_id + 1, last_id + len(plan.rows) + 1))
        if inserted.lastrowid != ids[-1]:  # not the usual rowid algorithm: ask
            by_nonce = dict(
                raw.execute(
                    f"SELECT nonce_key, id FROM luyan_checkin WHERE nonce_key IN ({', '.join('?' * len(ids))})",
                    [r.nonce_key for r in plan.rows],
                ).fetchall()
            )
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
        raw.execute(_presence_insert_sql(len(new)), args)
    for w in plan.presence.values():
        if not w.new:
            raw.execute(PRESENCE_UPDATE_SQL, (w.inside, w.add_entries, w.at, w.checkin_list, w.registration))
    plan.assign_ids(ids)
    return plan
