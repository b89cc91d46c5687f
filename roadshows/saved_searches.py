"""Saved databank searches and their digests.

An investor saves the current search (a name and how often to hear about it); a background
task (``run_digests``, started with the app) mails each saved search's owner the projects
newly listed since the last digest that match it, in the owner's language: one mail per
search with matches, none without.

Several processes may run the task at once: a digest is claimed with a conditional update of
``last_sent_at`` (from the value read to the new one) in the same transaction that queues its
mail, so only one process sends it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

import msgspec

from app.auth import CurrentUser
from app.db import fast
from app.errors import Conflict, NotFound
from app.i18n import N_, localized, use_locale
from app.mail.outbox import OUTBOX_INSERT_SQL, outbox_args, render_mail, wake_sender
from app.settings import get_settings
from roadshows import databank_search
from roadshows.databank_search_schemas import SavedSearchCreate, SavedSearchRead, SearchQuery
from roadshows.tables import SavedSearch

log = logging.getLogger("luyan.saved_searches")

MAX_SAVED_SEARCHES = 50  # per person
DIGEST_EVERY_S = 600.0  # how often the task looks for digests that are due
PERIODS = {"daily": dt.timedelta(days=1), "weekly": dt.timedelta(days=7)}
# A digest is due a little early rather than a whole pass late (passes drift).
EARLY = dt.timedelta(minutes=15)
# Listings published in the last minute may still be committing: the next digest has them.
GRACE = dt.timedelta(minutes=1)
MAIL_ITEMS = 20  # projects listed in one mail (the mail says how many more there are)


class TooManySavedSearches(Conflict):
    code = "too_many_saved_searches"
    message = N_("You have saved %(limit)s searches, the most allowed. Delete one first.")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _decode_query(value: Any) -> SearchQuery:
    if isinstance(value, SearchQuery):
        return value
    if isinstance(value, str | bytes):
        return msgspec.json.decode(value, type=SearchQuery)
    return msgspec.convert(value or {}, SearchQuery)


def saved_read(row: dict[str, Any]) -> SavedSearchRead:
    try:
        query = _decode_query(row["query"])
    except (msgspec.DecodeError, msgspec.ValidationError):  # saved before a vocabulary changed
        query = SearchQuery()
    return SavedSearchRead(
        id=row["id"],
        name=row["name"],
        query=query,
        frequency=row["frequency"],
        last_sent_at=row["last_sent_at"],
        created_at=row["created_at"],
        url=databank_search.search_url(query),
    )


# -- the investor's saved searches -----------------------------------------------------------
async def list_saved(user: CurrentUser) -> list[SavedSearchRead]:
    rows = await SavedSearch.select().where(SavedSearch.user == user.id).order_by(SavedSearch.id)
    return [saved_read(row) for row in rows]


async def create_saved(user: CurrentUser, data: SavedSearchCreate) -> SavedSearchRead:
    if await SavedSearch.count().where(SavedSearch.user == user.id) >= MAX_SAVED_SEARCHES:
        raise TooManySavedSearches(limit=MAX_SAVED_SEARCHES)
    row = SavedSearch(
        user=user.id,
        name=data.name.strip() or data.name,
        query=msgspec.json.encode(data.query).decode(),
        frequency=data.frequency,
        created_at=now(),
    )
    await row.save()
    return saved_read(await _mine(user, row.id))


async def _mine(user: CurrentUser, search_id: int) -> dict[str, Any]:
    """The saved search if it is ``user``'s; 404 alike for missing and someone else's."""
    row = (
        await SavedSearch.select()
        .where((SavedSearch.id == search_id) & (SavedSearch.user == user.id))
        .first()
    )
    if row is None:
        raise NotFound()
    return row


async def get_saved(user: CurrentUser, search_id: int) -> SavedSearchRead:
    return saved_read(await _mine(user, search_id))


async def delete_saved(user: CurrentUser, search_id: int) -> None:
    await _mine(user, search_id)
    await SavedSearch.delete().where((SavedSearch.id == search_id) & (SavedSearch.user == user.id))


# -- digests ---------------------------------------------------------------------------------
DUE_SQL = """
SELECT s.id, s.name, s.query, s.frequency, s.last_sent_at, s.created_at,
       u.email, u.locale, u.display_name, u.is_admin,
       EXISTS (SELECT 1 FROM luyan_institution_member m WHERE m."user" = u.id) AS investor
FROM luyan_saved_search s JOIN luyan_user u ON u.id = s."user"
WHERE s.frequency <> 'never' AND u.is_active
ORDER BY s.id
"""


def is_due(row: dict[str, Any], moment: dt.datetime) -> bool:
    period = PERIODS.get(row["frequency"])
    if period is None:
        return False
    anchor = databank_search.as_datetime(row["last_sent_at"] or row["created_at"])
    return anchor <= moment - period + EARLY


def _claim_sql(dialect: str) -> str:
    same = "IS" if dialect == "sqlite" else "IS NOT DISTINCT FROM"
    return f"UPDATE luyan_saved_search SET last_sent_at = $1 WHERE id = $2 AND last_sent_at {same} $3"


async def _claim(search_id: int, old: Any, new: dt.datetime, mail: tuple[Any, ...] | None) -> bool:
    """Move ``last_sent_at`` from ``old`` to ``new`` and queue ``mail`` (outbox arguments), in one
    transaction; False when another process moved it first (then nothing is queued)."""
    db = fast()
    sql = _claim_sql(db.dialect)
    if db.dialect == "sqlite":

        def run(conn: Any) -> bool:
            if conn.execute(sql, new, search_id, old) != 1:
                return False
            if mail is not None:
                conn.execute(OUTBOX_INSERT_SQL, *mail)
            return True

        return await db.write(run)

    async def run_pg(conn: Any) -> bool:
        if await conn.execute(sql, new, search_id, old) != "UPDATE 1":
            return False
        if mail is not None:
            await conn.execute(OUTBOX_INSERT_SQL, *mail)
        return True

    return await db.write(run_pg)


def _digest_mail(row: dict[str, Any], query: SearchQuery, page: Any) -> tuple[Any, ...]:
    base = get_settings().public_base_url
    items = [
        {
            "name": localized(t.name_en, t.name_zh),
            "facts": " · ".join(x for x in (t.sector_label, t.stage_label, t.region) if x),
            "link": f"{base}{t.url}",
        }
        for t in page.items
    ]
    mail = render_mail(
        "saved_search_digest",
        row["locale"],
        name=row["display_name"],
        search_name=row["name"],
        items=items,
        total=page.total,
        more=max(0, page.total - len(items)),
        search_link=f"{base}{databank_search.search_url(query)}",
        manage_link=f"{base}/databank/saved-searches",
    )
    return outbox_args(row["email"], mail, "databank.saved_search_digest")


async def send_digest(row: dict[str, Any], moment: dt.datetime) -> bool:
    """Mail one saved search's digest if it has new matches; True when a mail was queued."""
    try:
        query = _decode_query(row["query"])
    except (msgspec.DecodeError, msgspec.ValidationError):
        log.warning("saved search %s has a query that no longer validates; skipped", row["id"])
        return False
    viewer = databank_search.INVESTOR if row["is_admin"] or row["investor"] else databank_search.PUBLIC
    since = databank_search.as_datetime(row["last_sent_at"] or row["created_at"])
    until = moment - GRACE
    newest = msgspec.structs.replace(query, sort="newest")
    with use_locale(row["locale"]):
        page = await databank_search.search(
            newest, viewer, per_page=MAIL_ITEMS, listed_after=since, listed_until=until
        )
        mail = _digest_mail(row, query, page) if page.total else None
    claimed = await _claim(row["id"], row["last_sent_at"], until, mail)
    if claimed and mail is not None:
        wake_sender()
        return True
    return False


async def send_due_digests(moment: dt.datetime | None = None) -> int:
    """One pass: mail every digest that is due; returns how many mails were queued."""
    moment = moment or now()
    sent = 0
    for row in await fast().fetch(DUE_SQL):
        if is_due(row, moment):
            sent += await send_digest(row, moment)
    return sent


async def run_digests(interval: float = DIGEST_EVERY_S) -> None:
    """Background task (started by the app's lifespan): send due digests forever."""
    while True:
        try:
            sent = await send_due_digests()
            if sent:
                log.info("queued %s saved-search digests", sent)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("saved-search digests failed; trying again in %s s", interval)
        await asyncio.sleep(interval)


async def send_due_digests_once() -> int:
    """One pass outside the server (``luyan send-digests``): opens the PostgreSQL pool the fast
    path needs for the pass and closes it after (SQLite opens its connections itself)."""
    from app import db

    if db.is_sqlite():
        return await send_due_digests()
    await db.start()
    try:
        return await send_due_digests()
    finally:
        await db.stop()
