"""The waiting list: freed seats are offered to the next person in line, for a limited time.

``promote`` runs after a seat frees up (cancellation, lapsed offer). While the ticket type has a
free seat and someone waits, the first in line (lowest id) becomes ``offered`` with
``offer_expires_at = now + LUYAN_WAITLIST_OFFER_HOURS``; the seat is taken for them with the
same conditional update as a registration, so an offer never oversells. ``expire_offers``
turns lapsed offers into ``expired``, frees their seat and offers it on (and offers any seat
left free while people wait). ``run_sweeper`` calls
it every half minute in every process; conditional updates keep several processes from
expiring or offering the same thing twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from app.db import fast
from app.settings import get_settings
from events.registration_actions import RELEASE_SEAT_SQL, TAKE_SEAT_SQL, announce, mails_for
from events.registration_db import REGISTRATION_SQL, now, transaction
from events.registration_mail import format_moment

log = logging.getLogger("luyan.waitlist")
SWEEP_SECONDS = 30.0

HEAD_SQL = """
SELECT r.id, t.capacity, t.taken, e.status AS event_status
FROM luyan_registration r
JOIN luyan_ticket_type t ON t.id = r.ticket_type
JOIN luyan_event e ON e.id = r.event
WHERE r.ticket_type = $1 AND r.status = 'waitlisted'
ORDER BY r.id
LIMIT 1
"""

LAPSED_SQL = (
    "SELECT id FROM luyan_registration WHERE status = 'offered' AND offer_expires_at < $1 ORDER BY id"
)
# Seats free while people wait: normally promote() runs right after a seat is freed; this
# catches what a crash or a lost race left behind.
STRANDED_SQL = """
SELECT DISTINCT r.ticket_type FROM luyan_registration r
JOIN luyan_ticket_type t ON t.id = r.ticket_type
WHERE r.status = 'waitlisted' AND t.taken < t.capacity
"""


async def promote(ticket_type_id: int) -> list[int]:
    """Offer free seats of a ticket type to the waiting list, first come first served.

    Returns the ids of the registrations offered a seat.
    """
    offered: list[int] = []
    hours = get_settings().waitlist_offer_hours
    for _round in range(10_000):  # bounded: each round offers a seat or stops
        head = await fast().fetchrow(HEAD_SQL, ticket_type_id)
        if head is None or head["taken"] >= head["capacity"] or head["event_status"] == "cancelled":
            break
        row = await fast().fetchrow(REGISTRATION_SQL, head["id"])
        if row is None:
            continue
        expires = now() + dt.timedelta(hours=hours)
        mail = mails_for(row, offer_expires=format_moment(expires, row["timezone"], row["locale"])).get(
            "offered"
        )
        async with transaction() as tx:
            current = await tx.fetchrow(
                "SELECT status FROM luyan_registration WHERE id = $1" + tx.for_update, row["id"]
            )
            if current is None or current["status"] != "waitlisted":
                continue  # someone else moved them meanwhile: look at the queue again
            if await tx.fetchrow(TAKE_SEAT_SQL, ticket_type_id) is None:
                break  # the free seat went to a new registration first
            await tx.execute(
                "UPDATE luyan_registration SET status = 'offered', offer_expires_at = $2, updated_at = $3 "
                "WHERE id = $1",
                row["id"],
                expires,
                now(),
            )
            await tx.queue_mail(
                row["attendee_email"], mail, "registration.offered", row["organisation"], row["event"]
            )
        offered.append(row["id"])
        announce(row, "offered")
    return offered


async def expire_offers() -> int:
    """Lapsed offers become ``expired``; their seats go to the next in line. Returns how many."""
    moment = now()
    expired = 0
    freed: set[int] = set()
    for item in await fast().fetch(LAPSED_SQL, moment):
        row = await fast().fetchrow(REGISTRATION_SQL, item["id"])
        if row is None:
            continue
        if await _expire_one(row, moment):
            expired += 1
            freed.add(row["ticket_type"])
    stranded = {row["ticket_type"] for row in await fast().fetch(STRANDED_SQL)}
    for ticket_type_id in sorted(freed | stranded):
        await promote(ticket_type_id)
    return expired


async def _expire_one(row: dict[str, Any], moment: dt.datetime) -> bool:
    mail = mails_for(row).get("offer_expired")
    async with transaction() as tx:
        done = await tx.fetchrow(
            "UPDATE luyan_registration SET status = 'expired', updated_at = $2 "
            "WHERE id = $1 AND status = 'offered' AND offer_expires_at < $2 RETURNING id",
            row["id"],
            moment,
        )
        if done is None:
            return False  # accepted, cancelled or expired by another process meanwhile
        await tx.execute(RELEASE_SEAT_SQL, row["ticket_type"])
        await tx.queue_mail(
            row["attendee_email"], mail, "registration.expired", row["organisation"], row["event"]
        )
    announce(row, "expired")
    return True


async def run_sweeper(interval: float = SWEEP_SECONDS) -> None:
    """Background task (started by the app's lifespan): expire lapsed offers forever."""
    while True:
        try:
            count = await expire_offers()
            if count:
                log.info("expired %s waiting-list offers", count)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("waiting-list sweep failed; trying again in %s s", interval)
        await asyncio.sleep(interval)
