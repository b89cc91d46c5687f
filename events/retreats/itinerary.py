"""A retreat's day-by-day programme: activities, sign-ups with capacity, personal schedules and
activity check-in lists.

Capacity is enforced by one conditional update (``taken = taken + 1 WHERE taken < capacity``)
in the sign-up's transaction, so concurrent sign-ups can never overfill an activity; the sign-up
row's unique index (activity, registration) makes a repeated sign-up a no-op conflict, rolled
back with its seat.

Check-in lists cannot name people (their rules are ticket types and days), so an activity's
list admits every confirmed ticket of the event on the activity's local day; the organiser's
sign-up list shows who is expected. Restricting a list to the signed-up registrations would take
a ``registration_ids`` rule on ``CheckinList`` (a JSON column, empty meaning everyone), carried
into ``ListInfo`` and checked in ``checkin.scan_rules.decide`` next to the ticket-type rule
(``WRONG_LIST``), with the sign-up and cancel services keeping it in step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from app.auth import CurrentUser
from app.db import fast
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from checkin import lists
from checkin.schemas import CheckinListCreate
from checkin.tables import CheckinList
from events.access import organiser_event
from events.registration_db import now, transaction
from events.retreats.care import my_party
from events.retreats.itinerary_schemas import (
    ActivityCreate,
    ActivityRead,
    ActivityUpdate,
    MySchedule,
    PersonItem,
    PersonSchedule,
    SignupRead,
)
from events.tables import Activity, ActivitySignup
from events.timezones import local, to_utc


class ActivityFull(Conflict):
    code, message = "activity_full", N_("This activity is full.")


class AlreadySignedUp(Conflict):
    code, message = "already_signed_up", N_("This person is already signed up for this activity.")


class NotOptional(Conflict):
    code, message = "activity_not_optional", N_("Everyone attends this activity: there is no sign-up.")


class ActivityStarted(Conflict):
    code, message = "activity_started", N_("This activity has already started.")


class ScheduleClash(Conflict):
    code, message = "schedule_clash", N_("This person is signed up for another activity at that time.")


class CapacityBelowTaken(Conflict):
    code, message = "capacity_below_signups", N_("More people are signed up than this capacity allows.")


class HasCheckinList(Conflict):
    code, message = "activity_has_checkin_list", N_("This activity already has a check-in list.")


def activity_read(row: dict[str, Any]) -> ActivityRead:
    capacity = row["capacity"]
    return ActivityRead(
        id=row["id"],
        event_id=row["event"],
        kind=row["kind"],
        title_en=row["title_en"],
        title_zh=row["title_zh"],
        location_en=row["location_en"],
        location_zh=row["location_zh"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        optional=bool(row["optional"]),
        capacity=capacity,
        taken=row["taken"],
        free=None if capacity is None else max(capacity - row["taken"], 0),
        vehicle=row["vehicle"],
        checkin_list_id=row["checkin_list"],
    )


async def activities_of(event_id: int) -> list[ActivityRead]:
    """No access check: the event's programme in time order."""
    rows = await Activity.select().where(Activity.event == event_id).order_by(Activity.starts_at, Activity.id)
    return [activity_read(r) for r in rows]


async def _activity(event_id: int, activity_id: int) -> dict[str, Any]:
    row = await Activity.select().where((Activity.id == activity_id) & (Activity.event == event_id)).first()
    if row is None:
        raise NotFound()
    return row


def _checked_times(event: dict[str, Any], starts: dt.datetime, ends: dt.datetime) -> tuple[dt.datetime, ...]:
    tz = event["timezone"] or "Asia/Shanghai"
    starts, ends = to_utc(starts, tz), to_utc(ends, tz)
    if ends <= starts:
        raise InvalidInput({"ends_at": N_("The end must come after the start.")})
    first, last = local(event["starts_at"], tz).date(), local(event["ends_at"], tz).date()
    if not first <= local(starts, tz).date() <= last or local(ends, tz).date() > last:
        raise InvalidInput({"starts_at": N_("Activities take place within the event's dates.")})
    return starts, ends


async def list_activities(user: CurrentUser, event_id: int) -> list[ActivityRead]:
    await organiser_event(user, event_id)
    return await activities_of(event_id)


async def create_activity(user: CurrentUser, event_id: int, data: ActivityCreate) -> ActivityRead:
    event = await organiser_event(user, event_id)
    starts, ends = _checked_times(event, data.starts_at, data.ends_at)
    values = msgspec.structs.asdict(data) | {"starts_at": starts, "ends_at": ends}
    if not data.optional:
        values["capacity"] = None  # everyone attends: no sign-ups to count
    row = Activity(event=event_id, **values)
    await row.save()
    return activity_read(await _activity(event_id, row.id))


async def update_activity(
    user: CurrentUser, event_id: int, activity_id: int, data: ActivityUpdate
) -> ActivityRead:
    event = await organiser_event(user, event_id)
    current = await _activity(event_id, activity_id)
    changes = {f: v for f in data.__struct_fields__ if (v := getattr(data, f)) is not msgspec.UNSET}
    if "starts_at" in changes or "ends_at" in changes:
        changes["starts_at"], changes["ends_at"] = _checked_times(
            event, changes.get("starts_at", current["starts_at"]), changes.get("ends_at", current["ends_at"])
        )
    if changes.get("optional") is False:
        changes["capacity"] = None
    async with transaction() as tx:
        if changes.get("capacity") is not None:
            # Conditional: a sign-up landing meanwhile cannot slip past the new capacity.
            ok = await tx.fetchrow(
                "UPDATE luyan_activity SET capacity = $1 WHERE id = $2 AND taken <= $1 RETURNING id",
                changes.pop("capacity"),
                activity_id,
            )
            if ok is None:
                raise CapacityBelowTaken()
        if changes:
            columns = list(changes)
            sets = ", ".join(f"{name} = ${i + 2}" for i, name in enumerate(columns))
            await tx.execute(
                f"UPDATE luyan_activity SET {sets} WHERE id = $1", activity_id, *(changes[c] for c in columns)
            )
    return activity_read(await _activity(event_id, activity_id))


async def delete_activity(user: CurrentUser, event_id: int, activity_id: int) -> None:
    """Its sign-ups go with it (cascade); its check-in list stays, as the door's record."""
    await organiser_event(user, event_id)
    await _activity(event_id, activity_id)
    await Activity.delete().where((Activity.id == activity_id) & (Activity.event == event_id))


async def signups_of(user: CurrentUser, event_id: int, activity_id: int) -> list[SignupRead]:
    """Who is signed up (organisers): names only, no care data."""
    await organiser_event(user, event_id)
    await _activity(event_id, activity_id)
    rows = await fast().fetch(
        "SELECT s.activity, s.registration, r.attendee_name, s.created_at FROM luyan_activity_signup s "
        "JOIN luyan_registration r ON r.id = s.registration WHERE s.activity = $1 ORDER BY s.created_at, s.id",
        activity_id,
    )
    return [SignupRead(r["activity"], r["registration"], r["attendee_name"], r["created_at"]) for r in rows]


async def signup_names(event_id: int) -> dict[int, list[str]]:
    """Names signed up for each activity of the event (no access check; for organisers' pages)."""
    rows = await fast().fetch(
        "SELECT s.activity, r.attendee_name FROM luyan_activity_signup s "
        "JOIN luyan_activity a ON a.id = s.activity JOIN luyan_registration r ON r.id = s.registration "
        "WHERE a.event = $1 ORDER BY s.created_at, s.id",
        event_id,
    )
    names: dict[int, list[str]] = {}
    for row in rows:
        names.setdefault(row["activity"], []).append(row["attendee_name"])
    return names


# -- sign-ups ----------------------------------------------------------------------------------
async def _party_member(user: CurrentUser, event_id: int, registration_id: int) -> dict[str, Any]:
    person = next((p for p in await my_party(user, event_id) if p["id"] == registration_id), None)
    if person is None:
        raise NotFound()
    if person["status"] != "confirmed":
        raise Conflict(N_("Only confirmed guests and companions can sign up."))
    return person


async def sign_up(user: CurrentUser, event_id: int, activity_id: int, registration_id: int) -> None:
    """Sign up a person of my party; race-safe against capacity and repeated sign-ups."""
    await _party_member(user, event_id, registration_id)
    activity = await _activity(event_id, activity_id)
    if not activity["optional"]:
        raise NotOptional()
    if activity["starts_at"] <= now():
        raise ActivityStarted()
    async with transaction() as tx:
        clash = await tx.fetchrow(
            "SELECT a.id FROM luyan_activity_signup s JOIN luyan_activity a ON a.id = s.activity "
            "WHERE s.registration = $1 AND a.id <> $2 AND a.starts_at < $3 AND a.ends_at > $4",
            registration_id, activity_id, activity["ends_at"], activity["starts_at"],
        )  # fmt: skip
        if clash is not None:
            raise ScheduleClash()
        seat = await tx.fetchrow(
            "UPDATE luyan_activity SET taken = taken + 1 "
            "WHERE id = $1 AND (capacity IS NULL OR taken < capacity) RETURNING taken",
            activity_id,
        )
        if seat is None:
            raise ActivityFull()
        added = await tx.fetchrow(
            "INSERT INTO luyan_activity_signup (activity, registration, created_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (activity, registration) DO NOTHING RETURNING id",
            activity_id, registration_id, now(),
        )  # fmt: skip
        if added is None:
            raise AlreadySignedUp()  # rolls the seat back with the transaction
        await _door_follows_signups(tx, activity)
    _door_changed(activity)


async def cancel_signup(user: CurrentUser, event_id: int, activity_id: int, registration_id: int) -> None:
    if registration_id not in {p["id"] for p in await my_party(user, event_id)}:
        raise NotFound()
    activity = await _activity(event_id, activity_id)
    if activity["starts_at"] <= now():
        raise ActivityStarted()
    async with transaction() as tx:
        gone = await tx.fetchrow(
            "DELETE FROM luyan_activity_signup WHERE activity = $1 AND registration = $2 RETURNING id",
            activity_id,
            registration_id,
        )
        if gone is None:
            raise NotFound()
        await tx.execute(
            "UPDATE luyan_activity SET taken = taken - 1 WHERE id = $1 AND taken > 0", activity_id
        )
        await _door_follows_signups(tx, activity)
    _door_changed(activity)


async def _door_follows_signups(tx: Any, activity: dict[str, Any]) -> None:
    """An optional activity's check-in list admits exactly the people signed up.

    Runs after this transaction updated the activity's row, which on PostgreSQL holds that row
    until commit: concurrent sign-ups queue there, so each reads the others' committed sign-ups.
    """
    if activity["checkin_list"] is None or not activity["optional"]:
        return
    rows = await tx.fetch(
        "SELECT registration FROM luyan_activity_signup WHERE activity = $1", activity["id"]
    )
    await lists.restrict_to(tx, activity["checkin_list"], [r["registration"] for r in rows])


def _door_changed(activity: dict[str, Any]) -> None:
    if activity["checkin_list"] is not None:
        lists.list_changed(activity["checkin_list"])


def _state(activity: ActivityRead, signed: bool, at: dt.datetime) -> str:
    if not activity.optional:
        return "everyone"
    if signed:
        return "signed_up"
    if activity.starts_at <= at:
        return "started"
    return "full" if activity.free == 0 else "open"


async def my_schedule(user: CurrentUser, event_id: int) -> MySchedule:
    """Each person of my party: every activity with their state (attending, signed up, open, full)."""
    party = await my_party(user, event_id)
    if not party:
        raise NotFound()
    event = await fast().fetchrow("SELECT id, timezone FROM luyan_event WHERE id = $1", event_id)
    programme = await activities_of(event_id)
    ids = [p["id"] for p in party]
    signed = {
        (r["activity"], r["registration"])
        for r in await ActivitySignup.select(ActivitySignup.activity, ActivitySignup.registration).where(
            ActivitySignup.registration.is_in(ids)
        )
    }
    at = now()
    people = [
        PersonSchedule(
            registration_id=p["id"],
            name=p["attendee_name"],
            role=p["role"],
            items=[
                PersonItem(
                    a, signed_up=(a.id, p["id"]) in signed, state=_state(a, (a.id, p["id"]) in signed, at)
                )
                for a in programme
            ],
        )
        for p in party
    ]
    return MySchedule(
        event_id=event_id, timezone=event["timezone"] if event else "Asia/Shanghai", people=people
    )


# -- check-in ----------------------------------------------------------------------------------
async def create_checkin_list(user: CurrentUser, event_id: int, activity_id: int) -> ActivityRead:
    """A check-in list for the activity, on its local day, through the check-in service."""
    event = await organiser_event(user, event_id)
    activity = await _activity(event_id, activity_id)
    if activity["checkin_list"] is not None and await CheckinList.exists().where(
        CheckinList.id == activity["checkin_list"]
    ):
        raise HasCheckinList()
    day = local(activity["starts_at"], event["timezone"] or "Asia/Shanghai").date()
    created = await lists.create_list(
        user,
        event_id,
        CheckinListCreate(
            name_en=activity["title_en"][:120],
            name_zh=activity["title_zh"][:120],
            gate=(activity["location_en"] or activity["location_zh"])[:120],
            days=[day],
        ),
    )
    await Activity.update({Activity.checkin_list: created.id}).where(Activity.id == activity_id)
    if activity["optional"]:  # the door admits the people signed up, and follows later sign-ups
        async with transaction() as tx:
            await tx.execute("UPDATE luyan_activity SET taken = taken WHERE id = $1", activity_id)  # lock
            await _door_follows_signups(tx, {**activity, "checkin_list": created.id})
        lists.list_changed(created.id)
    return activity_read(await _activity(event_id, activity_id))
