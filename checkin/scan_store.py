"""Writing batches of scans in one transaction: what both databases share, and PostgreSQL.

Both writers read what the batch needs (recorded nonces, live devices, ticket states), let
``scan_plan.plan_batch`` decide, and write the scans and presence changes it returns.

Tokens are recognised, not verified: the server issued every genuine token and stored it in
``luyan_ticket_token``, so the state read looks each scanned token up by its exact text in the
same statement that reads the ticket's state. A token not found there is ``unknown``, whatever
it is (garbage, forged, tampered); a found one states claims the server itself wrote. The
signature is for offline scanners, which have no database (``tokens.verify_token``).

* SQLite: ``checkin.scan_store_sqlite.sqlite_write`` runs on the fast path's writer thread inside
  ``BEGIN IMMEDIATE`` under the process write lock, so batches never overlap.
* PostgreSQL: ``pg_write`` takes a transaction-level advisory lock per event first, so batches
  of different processes for the same event run one after another; each step is one statement
  over arrays (``unnest``), a handful of round trips per batch whatever its size. The unique
  indexes on nonces and on (list, registration) presence stay as the last line of defence.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from checkin.scan_plan import Plan, Verdict, plan_batch
from checkin.scan_rules import UNKNOWN, WRONG_EVENT, ScanJob, TicketState

ADVISORY_NAMESPACE = 0x4C594353  # "LYCS": check-in scans; the second key is the event id

STATE_COLUMNS = """
       r.id, r.event, r.status, r.ticket_type, r.code, r.attendee_name, r.attendee_organisation,
       (SELECT t.serial FROM luyan_ticket_token t
         WHERE t.registration = r.id AND t.revoked_at IS NULL) AS live_serial,
       p.id AS presence_id, p.inside, p.first_at, fc.device_label AS first_device"""
STATE_JOINS = """
LEFT JOIN luyan_checkin_presence p ON p.registration = r.id AND p.checkin_list = {list}
LEFT JOIN luyan_checkin fc ON fc.id = p.first_checkin"""

# The batch's read, one statement: the scans already recorded under its nonces (``prior``:
# retries), and the state of every ticket it names: by the token scanned (only tokens found in
# ``luyan_ticket_token``, with the serial they were issued with) or by registration id (manual
# check-ins, and the first scans of retried nonces). Rows of either kind share one column list.
_NO_PRIOR = (
    "CAST(NULL AS TEXT) AS nonce_key, CAST(NULL AS INTEGER) AS prior_id, CAST(NULL AS TEXT) AS prior_code, "
    "CAST(NULL AS BOOLEAN) AS prior_admitted, CAST(NULL AS BOOLEAN) AS prior_conflict, "
    "CAST(NULL AS INTEGER) AS prior_registration, CAST(NULL AS INTEGER) AS prior_list"
)
PRIOR_CTE = (
    "prior AS (SELECT id, code, admitted, conflict, registration, checkin_list, nonce_key "
    "FROM luyan_checkin WHERE nonce_key {match})"
)
BY_REGISTRATION_CTE = (
    "by_registration(reg, lst) AS (SELECT reg, lst FROM {source} "
    "UNION SELECT registration, checkin_list FROM prior WHERE registration IS NOT NULL)"
)
_BY_TOKEN = (
    f"SELECT {_NO_PRIOR}, s.tok, issued.serial AS token_serial, s.lst AS list_id, {STATE_COLUMNS} "
    "FROM {source} JOIN luyan_ticket_token issued ON issued.token = s.tok "
    "JOIN luyan_registration r ON r.id = issued.registration" + STATE_JOINS.format(list="s.lst")
)
_BY_REGISTRATION = (
    f"SELECT {_NO_PRIOR}, NULL, NULL, s.lst, {STATE_COLUMNS} "
    "FROM by_registration AS s JOIN luyan_registration r ON r.id = s.reg" + STATE_JOINS.format(list="s.lst")
)
_PRIOR_ROWS = (
    "SELECT nonce_key, id, code, admitted, conflict, registration, checkin_list"
    + ", NULL" * 15
    + " FROM prior"
)
# One ticket by its token, for the test-only control path (``checkin.scan_control``).
TOKEN_STATE_SQL = _BY_TOKEN.replace(
    "{source}", "(SELECT CAST($1 AS TEXT) AS tok, CAST($2 AS INTEGER) AS lst) AS s"
)
PG_READ_SQL = (
    f"WITH {PRIOR_CTE.format(match='= ANY($1::text[])')}, "
    f"{BY_REGISTRATION_CTE.format(source='unnest($4::int[], $5::int[]) AS u(reg, lst)')} "
    + _BY_TOKEN.replace("{source}", "unnest($2::text[], $3::int[]) AS s(tok, lst)")
    + f" UNION ALL {_BY_REGISTRATION} UNION ALL {_PRIOR_ROWS}"
)
CHECKIN_COLUMNS = (
    "event, checkin_list, registration, serial, device, staff_user, device_label, nonce_key, "
    "direction, code, admitted, offline, conflict, scanned_at, created_at"
)
PRESENCE_COLUMNS = "event, checkin_list, registration, inside, entries, first_checkin, first_at, last_at"
PG_LOCK_AND_DEVICES_SQL = """
SELECT ARRAY(SELECT id FROM luyan_scanner_device WHERE revoked_at IS NULL AND id = ANY($3::int[]))
  FROM (SELECT pg_advisory_xact_lock($1, $2)) AS locked
"""
# The batch's whole write in one statement (one round trip): the scans, the first admissions'
# presence rows (pointing at their scan, found by nonce) and the changed presence rows.
PG_WRITE_SQL = f"""
WITH recorded AS (
  INSERT INTO luyan_checkin ({CHECKIN_COLUMNS})
  SELECT x.*, $15::timestamptz FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[],
      $7::text[], $8::text[], $9::text[], $10::text[], $11::bool[], $12::bool[], $13::bool[],
      $14::timestamptz[]) AS x
  RETURNING id, nonce_key
), entered AS (
  INSERT INTO luyan_checkin_presence ({PRESENCE_COLUMNS})
  SELECT n.event, n.lst, n.reg, n.inside, n.added, recorded.id, n.at, n.at
    FROM unnest($16::int[], $17::int[], $18::int[], $19::bool[], $20::int[], $21::text[], $22::timestamptz[])
         AS n(event, lst, reg, inside, added, first_nonce, at)
    LEFT JOIN recorded ON recorded.nonce_key = n.first_nonce
), moved AS (
  UPDATE luyan_checkin_presence p
     SET inside = x.inside, entries = p.entries + x.added, last_at = GREATEST(p.last_at, x.at)
    FROM unnest($23::int[], $24::int[], $25::bool[], $26::int[], $27::timestamptz[]) AS x(lst, reg, inside, added, at)
   WHERE p.checkin_list = x.lst AND p.registration = x.reg
)
SELECT id, nonce_key FROM recorded
"""


def recognise(job: ScanJob, issued: dict[str, tuple[int, int]]) -> Verdict | None:
    """The job's token after the look-up: its claims, or the code that ends the scan (``None``:
    no token). ``issued``: the batch's tokens found in ``luyan_ticket_token``, with the
    (registration, serial) they were issued for."""
    if job.token is None:
        return None
    claims = job.claims
    if claims is None or issued.get(job.token) != (claims.registration_id, claims.serial):
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


def wanted(jobs: list[ScanJob]) -> tuple[list[str], list[tuple[str, int]], list[tuple[int, int]]]:
    """What the batch's read looks up: its nonce keys, the (token, list) pairs of well-formed
    tokens and the (registration, list) pairs of manual check-ins."""
    nonces = {job.nonce_key for job in jobs}
    tokens = {(job.token, job.info.id) for job in jobs if job.token is not None and job.claims is not None}
    registrations = {
        (job.registration_id, job.info.id)
        for job in jobs
        if job.token is None and job.registration_id is not None
    }
    return sorted(nonces), sorted(tokens), sorted(registrations)


def _read(
    jobs: list[ScanJob], rows: list[Any]
) -> tuple[dict[str, dict[str, Any]], list[Verdict | None], dict[tuple[int, int], TicketState]]:
    """(prior scans by nonce key, each job's verdict, ticket states by (registration, list))."""
    prior: dict[str, dict[str, Any]] = {}
    issued: dict[str, tuple[int, int]] = {}
    states: dict[tuple[int, int], TicketState] = {}
    for row in rows:
        if row["nonce_key"] is not None:
            prior[row["nonce_key"]] = {
                "id": row["prior_id"],
                "code": row["prior_code"],
                "admitted": row["prior_admitted"],
                "conflict": row["prior_conflict"],
                "registration": row["prior_registration"],
                "checkin_list": row["prior_list"],
            }
            continue
        if row["tok"] is not None:
            issued[row["tok"]] = (row["id"], row["token_serial"])
        states[(row["id"], row["list_id"])] = state_from_row(row)
    return prior, [recognise(job, issued) for job in jobs], states


# --- PostgreSQL ---------------------------------------------------------------------------


async def pg_write(conn: Any, jobs: list[ScanJob], now: dt.datetime) -> Plan:
    """On a pooled asyncpg connection inside a transaction."""
    # The device check rides along with the first lock (one round trip fewer); the lock does not
    # guard devices, so reading them before it is granted is fine.
    device_ids = sorted({job.device_id for job in jobs if job.device_id is not None})
    live: set[int] = set()
    for n, event_id in enumerate(sorted({job.info.event_id for job in jobs})):
        if n == 0:
            live = set(await conn.fetchval(PG_LOCK_AND_DEVICES_SQL, ADVISORY_NAMESPACE, event_id, device_ids))
        else:
            await conn.execute("SELECT pg_advisory_xact_lock($1, $2)", ADVISORY_NAMESPACE, event_id)
    nonces, tokens, registrations = wanted(jobs)
    rows = await conn.fetch(
        PG_READ_SQL,
        nonces,
        [t[0] for t in tokens],
        [t[1] for t in tokens],
        [r[0] for r in registrations],
        [r[1] for r in registrations],
    )
    prior, verdicts, states = _read(jobs, rows)
    plan = plan_batch(jobs, verdicts, prior, states, live)
    ids: list[int] = []
    if plan.rows:  # every presence change comes with a scan row
        columns = list(zip(*(
            (r.event, r.checkin_list, r.registration, r.serial, r.device, r.staff_user, r.device_label,
             r.nonce_key, r.direction, r.code, r.admitted, r.offline, r.conflict, r.scanned_at)
            for r in plan.rows
        ), strict=True))  # fmt: skip
        new = [w for w in plan.presence.values() if w.new]
        changed = [w for w in plan.presence.values() if not w.new]
        inserted = await conn.fetch(
            PG_WRITE_SQL,
            *[list(c) for c in columns],
            now,
            [w.event for w in new],
            [w.checkin_list for w in new],
            [w.registration for w in new],
            [w.inside for w in new],
            [w.add_entries for w in new],
            [plan.rows[w.first_row].nonce_key if w.first_row is not None else None for w in new],
            [w.at for w in new],
            [w.checkin_list for w in changed],
            [w.registration for w in changed],
            [w.inside for w in changed],
            [w.add_entries for w in changed],
            [w.at for w in changed],
        )
        by_nonce = {row["nonce_key"]: row["id"] for row in inserted}
        ids = [by_nonce[r.nonce_key] for r in plan.rows]
    plan.assign_ids(ids)
    return plan
