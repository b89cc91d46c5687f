"""Response shapes of the check-in dashboard API and of the live arrivals websocket."""

from __future__ import annotations

import datetime as dt

import msgspec


class ListStats(msgspec.Struct):
    id: int
    name_en: str
    name_zh: str
    gate: str
    allow_reentry: bool
    allow_exit: bool
    expected: int  # confirmed registrations whose ticket type this list admits
    checked_in: int  # distinct registrations admitted on this list at least once
    inside: int | None  # inside now (lists with exit scans only; else null)


class CheckinCounts(msgspec.Struct):
    event_id: int
    expected: int  # confirmed registrations of the event
    checked_in: int  # distinct registrations admitted on any list
    inside: int | None  # distinct registrations inside on a list with exit scans; null without such lists
    lists: list[ListStats]


class ArrivalSeries(msgspec.Struct):
    """Admitted entry scans per minute, one count per minute from ``start`` (inclusive) to
    ``end`` (exclusive). Minutes are UTC minute boundaries; show them in ``timezone``."""

    start: dt.datetime
    end: dt.datetime
    step_seconds: int
    counts: list[int]
    total: int


class CheckinStats(msgspec.Struct):
    event_id: int
    timezone: str
    expected: int
    checked_in: int
    inside: int | None
    lists: list[ListStats]
    arrivals: ArrivalSeries
    generated_at: dt.datetime


class ConflictAdmission(msgspec.Struct):
    scan_id: int
    at: dt.datetime  # when the device scanned (its own clock for offline scans)
    device: str  # the device's or staff member's name
    offline: bool
    conflict: bool  # this admission is the one that clashed with an earlier one


class ConflictRead(msgspec.Struct):
    """A ticket admitted more than once on a list that does not allow re-entry."""

    list_id: int
    list_name_en: str
    list_name_zh: str
    registration_id: int
    registration_code: str
    attendee_name: str
    admissions: list[ConflictAdmission]
