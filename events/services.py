"""Events: creation, editing, the status lifecycle, the public listing and the dashboard.

Sub-resources live next door (``agenda``, ``tickets``, ``questions``, ``invitations``,
``staff``). Every organiser operation starts with ``events.access.organiser_event`` so an event
of another organisation answers 404 like a missing one.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from app.accounts.tables import Organisation
from app.auth import CurrentUser
from app.errors import Conflict, InvalidInput
from app.i18n import N_
from app.signals import emit
from events.access import organiser_event, organiser_organisation_ids, public_event
from events.schemas import (
    DashboardEvent,
    DashboardPage,
    EventCreate,
    EventPage,
    EventRead,
    EventSummary,
    EventUpdate,
    RegistrationCounts,
)
from events.tables import AgendaSession, Event, Registration
from events.timezones import LISTING_TZ, check_timezone, local_day_bounds, to_utc

# Where each status may go next. Closed and cancelled are final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("published", "cancelled"),
    "published": ("closed", "cancelled"),
    "closed": (),
    "cancelled": (),
}
PUBLIC_STATUSES = ("published", "closed")
MAX_PER_PAGE = 100


class InvalidTransition(Conflict):
    code, message = "invalid_transition", N_("The event cannot move to this status from its current one.")


class SlugTaken(Conflict):
    code, message = "slug_taken", N_("Another event already uses this web address.")


class EventCancelled(Conflict):
    code, message = "event_cancelled", N_("This event is cancelled and can no longer be changed.")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- reading ---------------------------------------------------------------------------------
_SUMMARY_FIELDS = tuple(f for f in EventSummary.__struct_fields__ if f != "organisation_id")
_READ_FIELDS = tuple(
    f for f in EventRead.__struct_fields__ if f not in ("organisation_id", "allowed_transitions")
)


def event_summary(row: dict[str, Any]) -> EventSummary:
    return EventSummary(organisation_id=row["organisation"], **{f: row[f] for f in _SUMMARY_FIELDS})


def event_read(row: dict[str, Any]) -> EventRead:
    values = {f: row[f] for f in _READ_FIELDS}
    values["invitation_only"] = bool(values["invitation_only"])
    values["waitlist_enabled"] = bool(values["waitlist_enabled"])
    return EventRead(
        organisation_id=row["organisation"],
        allowed_transitions=list(TRANSITIONS[row["status"]]),  # type: ignore[arg-type]
        **values,
    )


async def get_public_event(event_id: int, viewer: CurrentUser | None) -> EventRead:
    """Published/closed events for everyone; drafts and cancelled ones for their organisers."""
    return event_read(await public_event(event_id, viewer))


async def get_organiser_event(user: CurrentUser, event_id: int) -> EventRead:
    return event_read(await organiser_event(user, event_id))


async def editable_event(user: CurrentUser, event_id: int) -> dict[str, Any]:
    """The organiser's event row, refusing changes once it is cancelled."""
    row = await organiser_event(user, event_id)
    if row["status"] == "cancelled":
        raise EventCancelled()
    return row


# -- creating and editing --------------------------------------------------------------------
def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80].strip("-")
    return slug if len(slug) >= 2 else "event"


async def _free_slug(title: str) -> str:
    base = slugify(title)
    for candidate in [base, *(f"{base}-{n}" for n in range(2, 6))]:
        if not await Event.exists().where(Event.slug == candidate):
            return candidate
    return f"{base}-{secrets.token_hex(3)}"


async def _check_slug(slug: str, event_id: int | None = None) -> None:
    query = Event.exists().where(Event.slug == slug)
    if event_id is not None:
        query = query.where(Event.id != event_id)
    if await query:
        raise SlugTaken(extra={"field": "slug"})


def _check_span(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at < starts_at:
        raise InvalidInput({"ends_at": N_("The end must not be before the start.")})


async def _check_organisation(user: CurrentUser, organisation_id: int) -> None:
    allowed = (
        await Organisation.exists().where(Organisation.id == organisation_id)
        if user.is_admin
        else organisation_id in (await user.memberships()).organisations
    )
    if not allowed:
        raise InvalidInput({"organisation_id": N_("Choose one of your organisations.")})


def _is_unique_violation(exc: Exception) -> bool:
    return "unique" in str(exc).lower()


async def create_event(user: CurrentUser, data: EventCreate) -> EventRead:
    await _check_organisation(user, data.organisation_id)
    tz = check_timezone(data.timezone)
    starts_at, ends_at = to_utc(data.starts_at, tz), to_utc(data.ends_at, tz)
    _check_span(starts_at, ends_at)
    if data.slug:
        await _check_slug(data.slug)
    values = msgspec.structs.asdict(data)
    del values["organisation_id"]
    values.update(organisation=data.organisation_id, starts_at=starts_at, ends_at=ends_at, status="draft")
    for attempt in range(3):
        if data.slug:
            values["slug"] = data.slug
        elif attempt == 0:
            values["slug"] = await _free_slug(data.title_en)
        else:  # a concurrent creation took the free slug first
            values["slug"] = f"{slugify(data.title_en)}-{secrets.token_hex(3)}"
        row = Event(**values)
        try:
            await row.save()
        except Exception as exc:
            if not _is_unique_violation(exc):
                raise
            if data.slug:
                raise SlugTaken(extra={"field": "slug"}) from exc
            continue
        return await get_organiser_event(user, row.id)
    raise SlugTaken(extra={"field": "slug"})


async def update_event(user: CurrentUser, event_id: int, data: EventUpdate) -> EventRead:
    row = await editable_event(user, event_id)
    changes = {f: value for f in data.__struct_fields__ if (value := getattr(data, f)) is not msgspec.UNSET}
    tz = check_timezone(changes.get("timezone", row["timezone"]))
    for key in ("starts_at", "ends_at"):
        if key in changes:
            changes[key] = to_utc(changes[key], tz)
    starts_at = changes.get("starts_at", row["starts_at"])
    ends_at = changes.get("ends_at", row["ends_at"])
    _check_span(starts_at, ends_at)
    if "starts_at" in changes or "ends_at" in changes or "timezone" in changes:
        await _check_agenda_fits(event_id, starts_at, ends_at, tz)
    if "slug" in changes:
        await _check_slug(changes["slug"], event_id)
    if changes:
        values = {Event._meta.get_column_by_name(k): v for k, v in changes.items()}
        values[Event.updated_at] = now()
        try:
            await Event.update(values).where(Event.id == event_id)
        except Exception as exc:
            if _is_unique_violation(exc):
                raise SlugTaken(extra={"field": "slug"}) from exc
            raise
    return await get_organiser_event(user, event_id)


async def _check_agenda_fits(event_id: int, starts_at: dt.datetime, ends_at: dt.datetime, tz: str) -> None:
    first_day, _ = local_day_bounds(starts_at, tz)
    _, last_day_end = local_day_bounds(ends_at, tz)
    outside = await AgendaSession.exists().where(
        (AgendaSession.event == event_id)
        & ((AgendaSession.starts_at < first_day) | (AgendaSession.ends_at > last_day_end))
    )
    if outside:
        raise InvalidInput({"starts_at": N_("Some agenda sessions fall outside these dates.")})


# -- lifecycle -------------------------------------------------------------------------------
async def transition(user: CurrentUser, event_id: int, target: str) -> EventRead:
    """Move an event along draft -> published -> closed, or to cancelled (409 otherwise)."""
    row = await organiser_event(user, event_id)
    current = row["status"]
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(extra={"event_status": current, "allowed": list(TRANSITIONS[current])})
    stamp = now()
    values: dict[Any, Any] = {Event.status: target, Event.updated_at: stamp}
    if target == "published":
        values[Event.published_at] = stamp
    # Conditional on the status we checked: of two concurrent moves only one wins.
    moved = (
        await Event.update(values)
        .where((Event.id == event_id) & (Event.status == current))
        .returning(Event.id)
    )
    if not moved:
        fresh = await organiser_event(user, event_id)
        allowed = list(TRANSITIONS[fresh["status"]])
        raise InvalidTransition(extra={"event_status": fresh["status"], "allowed": allowed})
    emit(f"event.{target}", event_id=event_id, organisation_id=row["organisation"])
    return await get_organiser_event(user, event_id)


# -- listings --------------------------------------------------------------------------------
def _contains(column: Any, text: str) -> Any:
    """Case-insensitive substring match (SQLite's LIKE already ignores ASCII case)."""
    pattern = "%" + re.sub(r"[%_\\]", "", text) + "%"
    return column.ilike(pattern) if Event._meta.db.engine_type == "postgres" else column.like(pattern)


def _page_bounds(page: int, per_page: int) -> tuple[int, int]:
    return max(page, 1), min(max(per_page, 1), MAX_PER_PAGE)


async def list_public_events(
    *,
    kind: str | None = None,
    city: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> EventPage:
    """Published and closed events, soonest first. Dates are whole days in ``LISTING_TZ``."""
    page, per_page = _page_bounds(page, per_page)
    where: list[Any] = [Event.status.is_in(list(PUBLIC_STATUSES))]
    if kind:
        where.append(Event.kind == kind)
    if city and city.strip():
        where.append(_contains(Event.city_en, city.strip()) | _contains(Event.city_zh, city.strip()))
    if date_from:
        where.append(Event.ends_at >= to_utc(dt.datetime.combine(date_from, dt.time()), LISTING_TZ))
    if date_to:
        day_after = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
        where.append(Event.starts_at < to_utc(day_after, LISTING_TZ))
    if q and q.strip():
        where.append(_contains(Event.title_en, q.strip()) | _contains(Event.title_zh, q.strip()))
    total = await Event.count().where(*where)
    rows = (
        await Event.select()
        .where(*where)
        .order_by(Event.starts_at, Event.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return EventPage(items=[event_summary(r) for r in rows], total=total, page=page, per_page=per_page)


async def registration_counts(event_ids: list[int]) -> dict[int, RegistrationCounts]:
    """Confirmed/waitlisted/pending/offered per event in one grouped query."""
    counts = {event_id: RegistrationCounts() for event_id in event_ids}
    if not event_ids:
        return counts
    rows = (
        await Registration.select(Registration.event, Registration.status, Count(alias="n"))
        .where(
            Registration.event.is_in(event_ids)
            & Registration.status.is_in(["confirmed", "waitlisted", "pending", "offered"])
        )
        .group_by(Registration.event, Registration.status)
    )
    for row in rows:
        setattr(counts[row["event"]], row["status"], row["n"])
    return counts


async def dashboard_events(user: CurrentUser, page: int = 1, per_page: int = 50) -> DashboardPage:
    """Every event of my organisations, drafts included, newest start first."""
    page, per_page = _page_bounds(page, per_page)
    org_ids = await organiser_organisation_ids(user)
    if not org_ids:
        return DashboardPage(items=[], total=0, page=page, per_page=per_page)
    where = Event.organisation.is_in(org_ids)
    total = await Event.count().where(where)
    rows = (
        await Event.select()
        .where(where)
        .order_by(Event.starts_at, ascending=False)
        .order_by(Event.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    counts = await registration_counts([r["id"] for r in rows])
    items = [DashboardEvent(**msgspec.structs.asdict(event_summary(r)), counts=counts[r["id"]]) for r in rows]
    return DashboardPage(items=items, total=total, page=page, per_page=per_page)
