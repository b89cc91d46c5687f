"""Time zones of events: validation, naive local times to UTC, and values for HTML inputs.

Events happen in a place: organisers type local times, attendees read local times, the
database keeps UTC. A datetime without an offset is read in the event's own time zone.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from app.errors import InvalidInput
from app.i18n import N_

# The listing's date filters are whole days here (the platform serves Chinese talent offices).
LISTING_TZ = "Asia/Shanghai"

# Offered first in the organiser's form; any IANA name is accepted.
COMMON_TIMEZONES: tuple[str, ...] = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "UTC",
)


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_timezone(name: str, field: str = "timezone") -> str:
    """``name`` if it is an IANA time zone, else a 422 on ``field``."""
    if name not in _known_zones():
        raise InvalidInput({field: N_("Choose a time zone such as Asia/Shanghai.")})
    return name


def to_utc(value: dt.datetime, tz: str) -> dt.datetime:
    """Aware datetimes keep their instant; naive ones are local times in ``tz``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(dt.UTC)


def local(value: dt.datetime, tz: str) -> dt.datetime:
    return value.astimezone(ZoneInfo(tz))


def local_day_bounds(value: dt.datetime, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """UTC start of the local day containing ``value`` and UTC start of the next day."""
    day = local(value, tz).date()
    start = dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(tz))
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=ZoneInfo(tz))
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def input_value(value: dt.datetime | None, tz: str) -> str:
    """The value of an ``<input type="datetime-local">`` showing ``value`` in ``tz``."""
    if value is None:
        return ""
    return local(value, tz).strftime("%Y-%m-%dT%H:%M")


def from_input(value: str, tz: str) -> str:
    """A ``datetime-local`` string (``2026-05-01T09:00``) as ISO 8601 with the zone's offset.

    Unparseable input is returned unchanged so the schema reports it on the right field.
    """
    value = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(value)
        zone = ZoneInfo(tz) if tz in _known_zones() else ZoneInfo(LISTING_TZ)
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.isoformat()
