"""Group commit for registrations on PostgreSQL: one statement registers a whole batch.

Under a burst, one statement per registration makes every seat-taker queue on the ticket
type's row lock, each holding its pooled connection through the queue and its commit, and each
wait costs a turn of a busy event loop. So registrations without an invitation code queue here,
and one task takes everything queued for the same ticket type since its last turn:

1. one pre-read of the event, ticket type and questions (``PREREAD_SQL``) and one look-up of
   which of these people already hold a live registration;
2. the checks and mails of ``build_plan`` for each person, in arrival order;
3. ONE statement (``BATCH_SQL``): lock the ticket row (``FOR UPDATE``), grant
   ``LEAST(seats wanted, capacity - taken)`` seats, ``taken = taken + granted`` under that lock
   (the conditional update, for k seats at once: it can never pass ``capacity``), insert every
   registration (the first ``granted`` who want a seat confirmed, in arrival order, the others
   waitlisted or pending) and every mail.

If that statement fails (another process registered one of these people a moment ago, or a
public code clashed) nothing of it was written, and each registration of the batch goes the
one-statement way of ``registration_hot.write_pg`` instead, which reports per person.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import Any

from app.db import fast
from app.db.group_commit import GroupCommit, PerLoop, settle
from events import registration_hot as hot
from events.registration_batch import Lookup, Written
from events.registration_errors import AlreadyRegistered, CapacityExhausted
from events.registration_plan import RegistrationRequest, build_plan, needs_lookup, new_code_for

log = logging.getLogger("luyan.registrations")
MAX_BATCH = 200
CODE_ATTEMPTS = 5

LIVE_SQL = (
    'SELECT "user" FROM luyan_registration WHERE event = $1 AND "user" = ANY($2::int[]) '
    "AND status NOT IN ('cancelled', 'rejected', 'expired')"
)

BATCH_SQL = """
WITH input AS (
    SELECT * FROM unnest($4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                         $10::bool[], $11::text[], $12::text[], $13::text[], $14::text[],
                         $15::text[], $16::text[], $17::text[], $20::text[], $21::text[])
        WITH ORDINALITY AS x(user_id, code, name, email, org, answers, want_seat, fallback,
                             c_subject, c_text, c_html, o_subject, o_text, o_html,
                             c_attachments, o_attachments, n)
), locked AS MATERIALIZED (
    -- Only when someone wants a seat: queuing-only batches leave the ticket row alone.
    SELECT taken, capacity FROM luyan_ticket_type WHERE id = $1 AND $19::boolean FOR UPDATE
), granted AS MATERIALIZED (
    SELECT COALESCE((
        SELECT LEAST((SELECT count(*) FROM input WHERE want_seat), GREATEST(capacity - taken, 0))
        FROM locked), 0) AS k
), seat AS (
    UPDATE luyan_ticket_type t SET taken = t.taken + g.k
    FROM granted g WHERE t.id = $1 AND g.k > 0
    RETURNING t.id
), decided AS (
    SELECT i.*, CASE
        WHEN i.want_seat AND row_number() OVER (PARTITION BY i.want_seat ORDER BY i.n)
             <= (SELECT k FROM granted) THEN 'confirmed'
        ELSE i.fallback END AS status
    FROM input i
), reg AS (
    INSERT INTO luyan_registration (event, ticket_type, "user", status, code, attendee_name,
        attendee_email, attendee_organisation, answers, invitation_code, offer_expires_at,
        created_at, updated_at)
    SELECT $2::int, $1::int, d.user_id, d.status, d.code, d.name, d.email, d.org, d.answers::json,
        NULL, NULL, $3::timestamptz, $3::timestamptz
    FROM decided d WHERE d.status IS NOT NULL ORDER BY d.n
    RETURNING id, code, status
), mail AS (
    INSERT INTO luyan_outbox_message (to_address, subject, body_text, body_html, kind, status,
        attempts, last_error, organisation_id, event_id, created_at, next_attempt_at, sent_at,
        attachments)
    SELECT d.email,
        CASE WHEN r.status = 'confirmed' THEN d.c_subject ELSE d.o_subject END,
        CASE WHEN r.status = 'confirmed' THEN d.c_text ELSE d.o_text END,
        CASE WHEN r.status = 'confirmed' THEN d.c_html ELSE d.o_html END,
        'registration.' || r.status, 'queued', 0, '', $18::int, $2::int,
        $3::timestamptz, $3::timestamptz, NULL,
        (CASE WHEN r.status = 'confirmed' THEN d.c_attachments ELSE d.o_attachments END)::json
    FROM reg r JOIN decided d ON d.code = r.code
)
SELECT id, code, status FROM reg
"""


def _batch_args(plans: list[hot.Plan]) -> tuple[Any, ...]:
    pairs = [plan.mail_pair() for plan in plans]
    first = plans[0]
    return (
        first.ticket_type_id,
        first.event_id,
        first.now,
        [p.user_id for p in plans],
        [p.code for p in plans],
        [p.name for p in plans],
        [p.email for p in plans],
        [p.organisation for p in plans],
        [p.answers_json for p in plans],
        [p.want_seat for p in plans],
        [p.fallback for p in plans],
        [c.subject for c, _ in pairs],
        [c.text for c, _ in pairs],
        [c.html for c, _ in pairs],
        [o.subject for _, o in pairs],
        [o.text for _, o in pairs],
        [o.html for _, o in pairs],
        first.organisation_id,
        any(p.want_seat for p in plans),
        [c.attachments_json for c, _ in pairs],
        [o.attachments_json for _, o in pairs],
    )


async def _one_by_one(conn: Any, plans: list[hot.Plan]) -> list[Written | Exception]:
    """The fallback: each registration as its own statement, so each gets its own answer."""
    outcomes: list[Written | Exception] = []
    for plan in plans:
        for _attempt in range(CODE_ATTEMPTS):
            try:
                registration_id, status = await hot.write_pg(conn, plan)
                outcomes.append(Written(plan, registration_id, status))
                break
            except hot.CodeClash:
                new_code_for(plan)
            except Exception as exc:
                outcomes.append(exc)
                break
        else:  # pragma: no cover - 31^8 codes
            outcomes.append(RuntimeError("could not draw an unused registration code"))
    return outcomes


async def _write_plans(conn: Any, plans: list[hot.Plan]) -> list[Written | Exception]:
    import asyncpg

    try:
        rows = await conn.fetch(BATCH_SQL, *_batch_args(plans))
    except asyncpg.UniqueViolationError:
        log.info("batch of %s registrations hit a unique index; writing them one by one", len(plans))
        return await _one_by_one(conn, plans)
    by_code = {row["code"]: row for row in rows}
    outcomes: list[Written | Exception] = []
    for plan in plans:
        row = by_code.get(plan.code)
        outcomes.append(Written(plan, row["id"], row["status"]) if row else CapacityExhausted())
    return outcomes


async def _run_group(conn: Any, requests: list[RegistrationRequest]) -> list[Written | Lookup | Exception]:
    """Requests for one ticket type of one event, in arrival order."""
    first = requests[0]
    outcomes: list[Written | Lookup | Exception | None] = [None] * len(requests)
    # User id 0 matches nobody: the live registrations come from LIVE_SQL for everyone at once.
    head = await conn.fetch(hot.PREREAD_SQL, first.event_id, first.ticket_type_id, 0, None)
    rows = [dict(r) for r in head]
    if needs_lookup(rows):
        return [Lookup(rows) for _ in requests]
    users = list({r.user.id for r in requests})
    taken_by = {row["user"] for row in await conn.fetch(LIVE_SQL, first.event_id, users)}
    plans: list[hot.Plan] = []
    slots: list[int] = []
    for index, request in enumerate(requests):
        try:
            if request.user.id in taken_by:
                raise AlreadyRegistered()
            plan = build_plan(request, rows)
        except Exception as exc:
            outcomes[index] = exc
            continue
        taken_by.add(request.user.id)  # a second click in the same batch is a duplicate
        plans.append(plan)
        slots.append(index)
    if plans:
        for index, outcome in zip(slots, await _write_plans(conn, plans), strict=True):
            outcomes[index] = outcome
    return [o if o is not None else RuntimeError("registration lost in batch") for o in outcomes]


async def _drain(group: GroupCommit[RegistrationRequest]) -> None:
    # One connection for as long as people keep queuing: giving it back between batches
    # would put the next batch behind every other request waiting for the pool.
    # The outer loop matters: people may queue while the connection is being handed back
    # (an await), after the inner loop saw an empty queue; nobody would serve them.
    while group.queue:
        async with fast().pool.acquire() as conn:  # type: ignore[union-attr]
            while group.queue:
                await _settle(conn, group.take())


async def _settle(conn: Any, batch: list[tuple[RegistrationRequest, asyncio.Future[Any]]]) -> None:
    """Write one batch, group by group (one ticket type each), and answer every waiter."""
    groups: dict[tuple[int, int], list[tuple[RegistrationRequest, asyncio.Future[Any]]]] = defaultdict(list)
    for item in batch:
        groups[(item[0].event_id, item[0].ticket_type_id)].append(item)
    for items in groups.values():
        try:
            outcomes: list[Any] = await _run_group(conn, [request for request, _ in items])
        except Exception as exc:  # nothing of this group was written
            outcomes = [exc] * len(items)
        settle(items, outcomes)


_groups: PerLoop[RegistrationRequest] = PerLoop(_drain, MAX_BATCH)


async def register(request: RegistrationRequest) -> Written | Lookup:
    """Queue ``request`` (no invitation code) for the next batch statement of its ticket type."""
    return await _groups.get().submit(request)
