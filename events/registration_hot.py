"""The registration hot path's SQL and per-registration writes, on each database.

A registration reads everything it needs in one query (``PREREAD_SQL``: event, ticket type,
the person's live registration, the invitation code, whether anyone waits, the questions; the
look-ups use the indexes ``luyan_registration_one_live``, ``luyan_invitation_code_unique`` and
``luyan_registration_queue``, so they stay cheap however many people registered), is checked in
Python with its possible mails rendered (``registration_plan``), then written. When the pre-read
already shows the ticket type full, or people waiting for it, the write does not try for a seat
at all: the newcomer joins the end of the queue (a freed seat belongs to the first in line, see
``events.waitlist``) and, under a burst, most requests never touch the contended ticket row.

Writing one registration:

* SQLite (``sqlite_write``, inside a ``BEGIN IMMEDIATE`` transaction on the fast path's writer
  thread): count the invitation use, take a seat with the conditional update
  ``taken = taken + 1 WHERE id = $1 AND taken < capacity``, insert the registration and its
  mail. Writers are serialised, so the conditional update alone decides who gets the last seat.
  ``registration_batch`` runs many of these in one transaction, a savepoint each.
* PostgreSQL (``write_pg``): one statement (``PG_REGISTER_SQL``) whose data-modifying CTE takes
  the seat with the same conditional update, inserts the registration with the status that
  follows and queues the matching mail; atomic on its own, so one round trip. With an
  invitation code, its use is counted first in the same transaction (``pg_write``). Concurrent
  seat updates queue on the ticket row's lock and re-check ``taken < capacity`` on the row they
  then see. Bursts without codes go through ``registration_pg_batch`` instead (one statement
  for a whole batch); this is its fallback.

Either way the partial unique index ``luyan_registration_one_live`` turns a second live
registration of the same person into a rollback of the whole thing, seat included.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Any

from app.db import fast
from app.db.fast import SQLiteConn
from app.mail.outbox import OUTBOX_INSERT_SQL, RenderedMail, outbox_args
from events.registration_errors import AlreadyRegistered, CapacityExhausted, InvitationUsedUp
from events.registration_mail import MailSet

PREREAD_SQL = """
SELECT e.id AS event_id, t.id AS ticket_id, e.organisation, e.status AS event_status, e.invitation_only,
       e.waitlist_enabled, e.title_en, e.title_zh, e.venue_en, e.venue_zh, e.city_en, e.city_zh,
       e.timezone, e.starts_at, e.ends_at,
       t.name_en, t.name_zh, t.capacity, t.taken, t.requires_approval, t.sales_start, t.sales_end,
       t.price_cents, t.currency,
       (SELECT r.id FROM luyan_registration r
         WHERE r.event = e.id AND r."user" = $3
           AND r.status NOT IN ('cancelled', 'rejected', 'expired')) AS existing_id,
       (SELECT i.id FROM luyan_invitation_code i
         WHERE i.event = e.id AND i.code = CAST($4 AS TEXT)) AS invitation_id,
       EXISTS (SELECT 1 FROM luyan_registration w
               WHERE w.ticket_type = t.id AND w.status = 'waitlisted') AS queue_waiting,
       q.id AS q_id, q.kind AS q_kind, q.label_en AS q_label_en, q.label_zh AS q_label_zh,
       q.required AS q_required, q.options AS q_options
FROM luyan_ticket_type t
JOIN luyan_event e ON e.id = t.event
LEFT JOIN luyan_question q ON q.event = e.id
WHERE t.id = $2 AND e.id = $1
ORDER BY q.position, q.id
"""

INVITATION_USE_SQL = "UPDATE luyan_invitation_code SET used = used + 1 WHERE id = $1 AND used < max_uses"
TAKE_SEAT_SQL = "UPDATE luyan_ticket_type SET taken = taken + 1 WHERE id = $1 AND taken < capacity"

INSERT_SQL = (
    'INSERT INTO luyan_registration (event, ticket_type, "user", status, code, attendee_name, '
    "attendee_email, attendee_organisation, answers, invitation_code, offer_expires_at, "
    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, $11) "
    "RETURNING id"
)

PG_REGISTER_SQL = """
WITH seat AS (
    UPDATE luyan_ticket_type SET taken = taken + 1
    WHERE id = $1 AND taken < capacity AND $2::boolean
    RETURNING id
), reg AS (
    INSERT INTO luyan_registration (event, ticket_type, "user", status, code, attendee_name,
        attendee_email, attendee_organisation, answers, invitation_code, offer_expires_at,
        created_at, updated_at)
    SELECT $3::int, $1::int, $4::int, s.status, $5::text, $6::text, $7::text, $8::text, $9::json,
        $10::int, NULL, $11::timestamptz, $11::timestamptz
    FROM (SELECT CASE WHEN EXISTS (SELECT 1 FROM seat) THEN 'confirmed' ELSE $12::text END
          AS status) AS s
    WHERE s.status IS NOT NULL
    RETURNING id, status
), mail AS (
    INSERT INTO luyan_outbox_message (to_address, subject, body_text, body_html, kind, status,
        attempts, last_error, organisation_id, event_id, created_at, next_attempt_at, sent_at,
        attachments)
    SELECT $7::text,
        CASE WHEN reg.status = 'confirmed' THEN $13::text ELSE $14::text END,
        CASE WHEN reg.status = 'confirmed' THEN $15::text ELSE $16::text END,
        CASE WHEN reg.status = 'confirmed' THEN $17::text ELSE $18::text END,
        'registration.' || reg.status, 'queued', 0, '', $19::int, $3::int,
        $11::timestamptz, $11::timestamptz, NULL,
        CASE WHEN reg.status = 'confirmed' THEN $20::json ELSE $21::json END
    FROM reg
)
SELECT id, status FROM reg
"""


class CodeClash(Exception):
    """The random public code already exists: draw another and try again."""


@dataclass(slots=True)
class Plan:
    """Everything the write needs, checked and rendered before the transaction starts."""

    event_id: int
    organisation_id: int
    ticket_type_id: int
    user_id: int
    email: str
    name: str
    organisation: str
    answers_json: str
    invitation_id: int | None
    want_seat: bool  # False: needs approval, or the pre-read saw it full or a queue waiting
    fallback: str | None  # status without a seat: pending, waitlisted, or None (refuse)
    code: str
    now: dt.datetime
    mails: MailSet

    def insert_args(self, status: str) -> tuple[Any, ...]:
        return (
            self.event_id,
            self.ticket_type_id,
            self.user_id,
            status,
            self.code,
            self.name,
            self.email,
            self.organisation,
            self.answers_json,
            self.invitation_id,
            self.now,
        )

    def prerender(self) -> None:
        """Render every mail the write may need now, so the transaction never renders."""
        if self.want_seat:
            self.mails.get("confirmed")
        if self.fallback:
            self.mails.get(self.fallback)

    def mail_pair(self) -> tuple[RenderedMail, RenderedMail]:
        """(mail if a seat is taken, mail otherwise); the same mail twice when only one can apply."""
        confirmed = self.mails.get("confirmed") if self.want_seat else None
        other = self.mails.get(self.fallback) if self.fallback else confirmed
        confirmed = confirmed or other
        assert confirmed is not None and other is not None
        return confirmed, other

    def outbox(self, status: str) -> tuple[Any, ...]:
        mail = self.mails.get(status)
        return outbox_args(self.email, mail, f"registration.{status}", self.organisation_id, self.event_id)


# -- SQLite ----------------------------------------------------------------------------------
def _sqlite_insert(conn: SQLiteConn, plan: Plan, status: str) -> int:
    try:
        rows = conn.fetch(INSERT_SQL, *plan.insert_args(status))
    except sqlite3.IntegrityError as exc:
        if "luyan_registration.code" in str(exc):
            raise CodeClash() from exc
        raise AlreadyRegistered() from exc
    conn.execute(OUTBOX_INSERT_SQL, *plan.outbox(status))
    return rows[0]["id"]


def sqlite_write(conn: SQLiteConn, plan: Plan) -> tuple[int, str]:
    """Runs inside ``BEGIN IMMEDIATE`` on the writer thread; any exception rolls back."""
    if plan.invitation_id is not None and not conn.execute(INVITATION_USE_SQL, plan.invitation_id):
        raise InvitationUsedUp()
    status = plan.fallback
    if plan.want_seat and conn.execute(TAKE_SEAT_SQL, plan.ticket_type_id):
        status = "confirmed"
    if status is None:
        raise CapacityExhausted()
    return _sqlite_insert(conn, plan, status), status


# -- PostgreSQL ------------------------------------------------------------------------------
def _pg_args(plan: Plan) -> tuple[Any, ...]:
    confirmed, other = plan.mail_pair()
    return (
        plan.ticket_type_id,
        plan.want_seat,
        plan.event_id,
        plan.user_id,
        plan.code,
        plan.name,
        plan.email,
        plan.organisation,
        plan.answers_json,
        plan.invitation_id,
        plan.now,
        plan.fallback,
        confirmed.subject,
        other.subject,
        confirmed.text,
        other.text,
        confirmed.html,
        other.html,
        plan.organisation_id,
        confirmed.attachments_json,
        other.attachments_json,
    )


async def _pg_statement(conn: Any, plan: Plan) -> tuple[int, str]:
    import asyncpg

    try:
        row = await conn.fetchrow(PG_REGISTER_SQL, *_pg_args(plan))
    except asyncpg.UniqueViolationError as exc:
        if "code" in (exc.constraint_name or ""):
            raise CodeClash() from exc
        raise AlreadyRegistered() from exc
    if row is None:
        raise CapacityExhausted()
    return row["id"], row["status"]


async def pg_write(conn: Any, plan: Plan) -> tuple[int, str]:
    """Runs in a transaction: count the invitation use, then the registration statement."""
    if plan.invitation_id is not None:
        used = await conn.fetchval(INVITATION_USE_SQL + " RETURNING id", plan.invitation_id)
        if used is None:
            raise InvitationUsedUp()
    return await _pg_statement(conn, plan)


async def write_pg(conn: Any, plan: Plan) -> tuple[int, str]:
    """On a connection the caller holds: the one statement, or a transaction with the code use."""
    if plan.invitation_id is None:
        return await _pg_statement(conn, plan)  # one atomic statement, one round trip
    async with conn.transaction():
        return await pg_write(conn, plan)


# -- the control run's naive path ------------------------------------------------------------
def _sqlite_naive(conn: SQLiteConn, plan: Plan, status: str, new_taken: int | None) -> int:
    if new_taken is not None:
        conn.execute("UPDATE luyan_ticket_type SET taken = $2 WHERE id = $1", plan.ticket_type_id, new_taken)
    return _sqlite_insert(conn, plan, status)


async def _pg_naive(conn: Any, plan: Plan, status: str, new_taken: int | None) -> int:
    if new_taken is not None:
        await conn.execute(
            "UPDATE luyan_ticket_type SET taken = $2 WHERE id = $1", plan.ticket_type_id, new_taken
        )
    row_id = await conn.fetchval(INSERT_SQL, *plan.insert_args(status))
    await conn.execute(OUTBOX_INSERT_SQL, *plan.outbox(status))
    return row_id


async def write_unguarded(plan: Plan) -> tuple[int, str]:
    """Test-only (``LUYAN_UNGUARDED_REGISTRATION``): read ``taken``, yield, then write blindly.

    This is the classic lost update the guarded path prevents; the concurrency test's control
    run uses it to show that its burst really does race.
    """
    path = fast()
    row = await path.fetchrow(
        "SELECT taken, capacity FROM luyan_ticket_type WHERE id = $1", plan.ticket_type_id
    )
    assert row is not None
    await asyncio.sleep(0)
    seat = plan.want_seat and row["taken"] < row["capacity"]
    status = "confirmed" if seat else plan.fallback
    if status is None:
        raise CapacityExhausted()
    new_taken = row["taken"] + 1 if seat else None
    if path.dialect == "sqlite":
        return await path.write(_sqlite_naive, plan, status, new_taken), status
    return await path.write(_pg_naive, plan, status, new_taken), status
