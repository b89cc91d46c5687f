"""Check-in figures for the organiser's dashboard: who is in, who is expected, arrivals per
minute, and the conflicts report.

* **Checked in** on a list = a ``CheckinPresence`` row exists (the scan path creates it on the
  first admission); for the event = distinct registrations with a presence row on any list.
* **Inside now** only means something where people scan out: lists with ``allow_exit``.
* **Expected** = confirmed registrations (per list: of the ticket types it admits).
* **Arrivals** = admitted entry scans, counted per UTC minute by ``scanned_at`` (when the door
  let them in, also for offline scans synced later). Every time zone in use is a whole number of
  minutes off UTC, so UTC minutes are the local minutes too; the browser labels them in the
  event's zone. Grouping happens in SQL (one row per minute), with one expression per dialect.

Reads use the fast path: a few short queries, no connection held.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from app.auth import CurrentUser
from app.db import fast, is_sqlite
from app.errors import InvalidInput
from app.i18n import N_
from checkin.stats_schemas import (
    ArrivalSeries,
    CheckinCounts,
    CheckinStats,
    ConflictAdmission,
    ConflictRead,
    ListStats,
)
from checkin.tokens import event_days
from events.access import staff_event

MINUTE = 60
DEFAULT_HOURS = 3
MAX_HOURS = 72
MAX_CONFLICT_ROWS = 2000

LISTS_SQL = """
SELECT id, name_en, name_zh, gate, allow_reentry, allow_exit, ticket_type_ids
FROM luyan_checkin_list WHERE event = $1 ORDER BY position, id
"""
PER_LIST_SQL = """
SELECT checkin_list AS list_id, count(*) AS checked_in,
       sum(CASE WHEN inside THEN 1 ELSE 0 END) AS inside
FROM luyan_checkin_presence WHERE event = $1 GROUP BY checkin_list
"""
EVENT_SQL = """
SELECT count(DISTINCT p.registration) AS checked_in,
       count(DISTINCT CASE WHEN p.inside AND l.allow_exit THEN p.registration END) AS inside
FROM luyan_checkin_presence p JOIN luyan_checkin_list l ON l.id = p.checkin_list
WHERE p.event = $1
"""
CONFIRMED_SQL = """
SELECT ticket_type, count(*) AS n FROM luyan_registration
WHERE event = $1 AND status = 'confirmed' GROUP BY ticket_type
"""
_ARRIVALS_WHERE = "FROM luyan_checkin WHERE event = $1 AND admitted AND direction = 'entry'"
ARRIVALS_SQLITE = f"""
SELECT CAST(strftime('%s', scanned_at) AS INTEGER) / 60 AS minute, count(*) AS n
{_ARRIVALS_WHERE}
  AND CAST(strftime('%s', scanned_at) AS INTEGER) >= $2 AND CAST(strftime('%s', scanned_at) AS INTEGER) < $3
GROUP BY minute
"""
ARRIVALS_POSTGRES = f"""
SELECT floor(extract(epoch FROM scanned_at) / 60)::bigint AS minute, count(*) AS n
{_ARRIVALS_WHERE} AND scanned_at >= $2 AND scanned_at < $3
GROUP BY 1
"""
CONFLICTS_SQL = f"""
SELECT c.id, c.checkin_list, c.registration, c.scanned_at, c.device_label, c.offline, c.conflict,
       l.name_en, l.name_zh, r.code, r.attendee_name
FROM luyan_checkin c
JOIN luyan_checkin_list l ON l.id = c.checkin_list
JOIN luyan_registration r ON r.id = c.registration
WHERE c.event = $1 AND c.admitted AND c.direction = 'entry'
  AND EXISTS (SELECT 1 FROM luyan_checkin x WHERE x.event = $1 AND x.conflict
              AND x.checkin_list = c.checkin_list AND x.registration = c.registration)
ORDER BY c.checkin_list, c.registration, c.scanned_at, c.id
LIMIT {MAX_CONFLICT_ROWS}
"""


# -- time windows ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Window:
    """Whole UTC minutes from ``start`` (inclusive) to ``end`` (exclusive)."""

    start: dt.datetime
    end: dt.datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds()) // MINUTE

    @property
    def first_minute(self) -> int:
        """The start as a minute number since the Unix epoch."""
        return int(self.start.timestamp()) // MINUTE


def _floor_minute(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(second=0, microsecond=0)


def last_hours(hours: int = DEFAULT_HOURS, now: dt.datetime | None = None) -> Window:
    """The last ``hours`` hours up to and including the current minute."""
    end = _floor_minute(now or dt.datetime.now(dt.UTC)) + dt.timedelta(minutes=1)
    return Window(end - dt.timedelta(hours=hours), end)


def local_day(day: dt.date, timezone: str) -> Window:
    """A calendar day in the event's zone (23 or 25 hours on days the clocks change)."""
    tz = ZoneInfo(timezone)
    start = dt.datetime.combine(day, dt.time(), tz).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz).astimezone(dt.UTC)
    return Window(start, end)


def window_for(event: Mapping[str, Any], hours: int | None = None, day: dt.date | None = None) -> Window:
    """``day`` (one of the event's local days) wins over ``hours``; the default is the last hours."""
    if day is not None:
        if day not in event_days(event["starts_at"], event["ends_at"], event["timezone"]):
            raise InvalidInput({"day": N_("Days must fall within the event's dates.")})
        return local_day(day, event["timezone"])
    if hours is not None and not 1 <= hours <= MAX_HOURS:
        raise InvalidInput({"hours": N_("Choose from 1 to 72 hours.")})
    return last_hours(hours or DEFAULT_HOURS)


# -- queries -----------------------------------------------------------------------------------
def _ids(value: Any) -> list[int]:
    """JSON columns come back as text from raw queries."""
    return list(json.loads(value) if isinstance(value, str) else value or [])


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def counts(event_id: int) -> CheckinCounts:
    """Checked in / inside now / expected, per list and for the event (four short reads)."""
    db = fast()
    lists = await db.fetch(LISTS_SQL, event_id)
    per_list = {r["list_id"]: r for r in await db.fetch(PER_LIST_SQL, event_id)}
    totals = await db.fetchrow(EVENT_SQL, event_id) or {"checked_in": 0, "inside": 0}
    confirmed = {r["ticket_type"]: int(r["n"]) for r in await db.fetch(CONFIRMED_SQL, event_id)}
    expected_all = sum(confirmed.values())
    rows = []
    for row in lists:
        types = _ids(row["ticket_type_ids"])
        found = per_list.get(row["id"])
        allow_exit = bool(row["allow_exit"])
        rows.append(
            ListStats(
                id=row["id"],
                name_en=row["name_en"],
                name_zh=row["name_zh"],
                gate=row["gate"],
                allow_reentry=bool(row["allow_reentry"]),
                allow_exit=allow_exit,
                expected=sum(confirmed.get(t, 0) for t in types) if types else expected_all,
                checked_in=int(found["checked_in"]) if found else 0,
                inside=(int(found["inside"] or 0) if found else 0) if allow_exit else None,
            )
        )
    any_exit = any(r.allow_exit for r in rows)
    return CheckinCounts(
        event_id=event_id,
        expected=expected_all,
        checked_in=int(totals["checked_in"] or 0),
        inside=int(totals["inside"] or 0) if any_exit else None,
        lists=rows,
    )


async def arrivals(event_id: int, window: Window) -> ArrivalSeries:
    """Admitted entry scans per minute of ``window``, zeros included."""
    start_s, end_s = int(window.start.timestamp()), int(window.end.timestamp())
    if is_sqlite():
        rows = await fast().fetch(ARRIVALS_SQLITE, event_id, start_s, end_s)
    else:
        rows = await fast().fetch(ARRIVALS_POSTGRES, event_id, window.start, window.end)
    series = [0] * window.minutes
    first = window.first_minute
    for row in rows:
        offset = int(row["minute"]) - first
        if 0 <= offset < len(series):
            series[offset] += int(row["n"])
    return ArrivalSeries(
        start=window.start, end=window.end, step_seconds=MINUTE, counts=series, total=sum(series)
    )


async def event_stats(event: Mapping[str, Any], window: Window) -> CheckinStats:
    figures = await counts(event["id"])
    return CheckinStats(
        event_id=event["id"],
        timezone=event["timezone"],
        expected=figures.expected,
        checked_in=figures.checked_in,
        inside=figures.inside,
        lists=figures.lists,
        arrivals=await arrivals(event["id"], window),
        generated_at=dt.datetime.now(dt.UTC),
    )


async def conflicts(event_id: int) -> list[ConflictRead]:
    """Tickets admitted more than once on one list: every admission of each such ticket there,
    oldest first, the clashing ones marked ``conflict`` (recorded by the offline sync)."""
    report: dict[tuple[int, int], ConflictRead] = {}
    for row in await fast().fetch(CONFLICTS_SQL, event_id):
        key = (row["checkin_list"], row["registration"])
        item = report.get(key)
        if item is None:
            item = report[key] = ConflictRead(
                list_id=row["checkin_list"],
                list_name_en=row["name_en"],
                list_name_zh=row["name_zh"],
                registration_id=row["registration"],
                registration_code=row["code"],
                attendee_name=row["attendee_name"],
                admissions=[],
            )
        item.admissions.append(
            ConflictAdmission(
                scan_id=row["id"],
                at=_aware(row["scanned_at"]),
                device=row["device_label"],
                offline=bool(row["offline"]),
                conflict=bool(row["conflict"]),
            )
        )
    return list(report.values())


# -- with access checks ------------------------------------------------------------------------
async def stats_for(
    user: CurrentUser, event_id: int, hours: int | None = None, day: dt.date | None = None
) -> CheckinStats:
    """For the event's organisers and its check-in staff (anyone else: 404)."""
    event = await staff_event(user, event_id)
    return await event_stats(event, window_for(event, hours, day))


async def conflicts_for(user: CurrentUser, event_id: int) -> list[ConflictRead]:
    await staff_event(user, event_id)
    return await conflicts(event_id)
