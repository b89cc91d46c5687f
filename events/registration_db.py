"""Shared plumbing of the registration services: raw SQL in Piccolo transactions, look-ups, access.

The rarer changes (cancel, approve, reject, offers) run as Piccolo transactions, which on
SQLite take the process write lock and ``BEGIN IMMEDIATE`` and on PostgreSQL a pooled
connection. ``Tx`` lets them use the same ``$1``-style SQL as the hot path on both databases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from app.auth import CurrentUser
from app.db import engine, fast, is_sqlite
from app.db.fast import to_sqlite_sql
from app.errors import NotFound
from app.mail.outbox import OUTBOX_INSERT_SQL, RenderedMail, outbox_args


class Tx:
    """Raw ``$n`` SQL on the connection of the current Piccolo transaction."""

    def __init__(self, connection: Any, sqlite: bool) -> None:
        self.connection = connection
        self.sqlite = sqlite
        # Row locks: PostgreSQL needs them; SQLite's IMMEDIATE transaction already excludes writers.
        self.for_update = "" if sqlite else " FOR UPDATE"

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        if self.sqlite:
            async with self.connection.execute(to_sqlite_sql(sql), args) as cursor:
                return [dict(row) for row in await cursor.fetchall()]
        return [dict(row) for row in await self.connection.fetch(sql, *args)]

    async def fetchrow(self, sql: str, *args: Any) -> dict[str, Any] | None:
        rows = await self.fetch(sql, *args)
        return rows[0] if rows else None

    async def execute(self, sql: str, *args: Any) -> None:
        if self.sqlite:
            async with self.connection.execute(to_sqlite_sql(sql), args):
                pass
        else:
            await self.connection.execute(sql, *args)

    async def queue_mail(
        self, to: str, mail: RenderedMail, kind: str, organisation_id: int, event_id: int
    ) -> None:
        await self.execute(OUTBOX_INSERT_SQL, *outbox_args(to, mail, kind, organisation_id, event_id))


@asynccontextmanager
async def transaction() -> AsyncIterator[Tx]:
    """A write transaction; an exception inside rolls everything back."""
    async with engine().transaction() as transaction:
        yield Tx(transaction.connection, is_sqlite())


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


REGISTRATION_SQL = """
SELECT r.id, r.event, r.ticket_type, r."user", r.status, r.code, r.attendee_name, r.attendee_email,
       r.attendee_organisation, r.answers, r.offer_expires_at, r.created_at, r.updated_at,
       e.organisation, e.status AS event_status, e.waitlist_enabled, e.title_en, e.title_zh,
       e.venue_en, e.venue_zh, e.city_en, e.city_zh, e.timezone, e.starts_at,
       t.name_en, t.name_zh, t.price_cents, t.currency, u.locale
FROM luyan_registration r
JOIN luyan_event e ON e.id = r.event
JOIN luyan_ticket_type t ON t.id = r.ticket_type
JOIN luyan_user u ON u.id = r."user"
WHERE r.id = $1
"""


async def load(registration_id: int) -> dict[str, Any] | None:
    """A registration with what its mails and access checks need."""
    return await fast().fetchrow(REGISTRATION_SQL, registration_id)


async def is_organiser_of(user: CurrentUser, organisation_id: int) -> bool:
    return user.is_admin or organisation_id in (await user.memberships()).organisations


async def visible_registration(user: CurrentUser, registration_id: int) -> dict[str, Any]:
    """The attendee's own registration, or one of an event the user organises; else 404."""
    row = await load(registration_id)
    if row is None:
        raise NotFound()
    if row["user"] == user.id or await is_organiser_of(user, row["organisation"]):
        return row
    raise NotFound()


async def owned_registration(user: CurrentUser, registration_id: int) -> dict[str, Any]:
    row = await load(registration_id)
    if row is None or row["user"] != user.id:
        raise NotFound()
    return row


async def organised_registration(user: CurrentUser, registration_id: int) -> dict[str, Any]:
    row = await load(registration_id)
    if row is None or not await is_organiser_of(user, row["organisation"]):
        raise NotFound()
    return row
