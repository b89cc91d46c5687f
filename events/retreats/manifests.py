"""A retreat's manifests for one day: hotel (who sleeps where that night), buses (pick-ups and
excursion vehicles) and restaurant (meals and how many eat, with dietary needs only for readers
holding the care permission). Each is a table of text in the reader's language, shown as a
printable page or downloaded as CSV (BOM first, so that Excel reads Chinese correctly)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

from app.auth import CurrentUser
from app.errors import Forbidden, InvalidInput
from app.i18n import N_, _, localized
from events.access import organiser_event
from events.exports import CSV_BOM, FORMULA_STARTS
from events.retreats.lodging_schemas import Manifest
from events.retreats.room_assignment import Party, event_parties
from events.retreats.rooms import event_days, event_rooms
from events.retreats.transport import pickups_from
from events.tables import Activity, ActivitySignup, Registration, RoomNight

KINDS = ("hotel", "buses", "restaurant")


def check_day(event: dict[str, Any], day: str) -> str:
    try:
        dt.date.fromisoformat(day)
    except ValueError as exc:
        raise InvalidInput({"day": N_("Use dates such as 2026-05-01.")}) from exc
    return day


def _present(party: Party, day: str) -> bool:
    """On the premises that day: from the arrival day to the departure day."""
    if not party.nights:
        return False
    last_day = (dt.date.fromisoformat(party.nights[-1]) + dt.timedelta(days=1)).isoformat()
    return party.nights[0] <= day <= last_day


async def hotel_manifest(event: dict[str, Any], day: str) -> Manifest:
    """Who sleeps in which room on the night starting ``day``."""
    rooms = {r["id"]: r for r in await event_rooms(event["id"])}
    parties = {p.guest_registration_id: p for p in await event_parties(event)}
    nights = await RoomNight.select(RoomNight.room, RoomNight.guest_registration).where(
        (RoomNight.room.room_type.hotel.event == event["id"]) & (RoomNight.night == day)
    )
    order = list(rooms)
    rows = []
    for row in sorted(nights, key=lambda r: order.index(r["room"])):
        room, party = rooms[row["room"]], parties.get(row["guest_registration"])
        rows.append(
            [
                localized(room["hotel_en"], room["hotel_zh"]),
                room["number"],
                localized(room["type_en"], room["type_zh"]),
                party.name if party else "",
                "; ".join(party.members) if party else "",
                str(party.size if party else 0),
            ]
        )
    headers = [_("Hotel"), _("Room number"), _("Room type"), _("Party"), _("Party members"), _("People")]
    return Manifest("hotel", day, headers, rows)


async def _activities(event: dict[str, Any], day: str, kind: str | None = None) -> list[dict[str, Any]]:
    zone = ZoneInfo(event.get("timezone") or "Asia/Shanghai")
    start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), tzinfo=zone).astimezone(dt.UTC)
    query = Activity.select().where(
        (Activity.event == event["id"])
        & (Activity.starts_at >= start)
        & (Activity.starts_at < start + dt.timedelta(days=1))
    )
    if kind is not None:
        query = query.where(Activity.kind == kind)
    return sorted(await query, key=lambda a: (a["starts_at"], a["id"]))


async def _attendees(activities: list[dict[str, Any]], present: list[int]) -> dict[int, list[int]]:
    """Registration ids per activity: its sign-ups, or everyone present for a mandatory one."""
    optional = [a["id"] for a in activities if a["optional"]]
    signups = (
        await ActivitySignup.select(ActivitySignup.activity, ActivitySignup.registration).where(
            ActivitySignup.activity.is_in(optional)
        )
        if optional
        else []
    )
    result: dict[int, list[int]] = {a["id"]: [] if a["optional"] else list(present) for a in activities}
    for s in signups:
        result[s["activity"]].append(s["registration"])
    return {k: sorted(v) for k, v in result.items()}


async def _names(event_id: int) -> dict[int, str]:
    rows = await Registration.select(Registration.id, Registration.attendee_name).where(
        Registration.event == event_id
    )
    return {r["id"]: r["attendee_name"] for r in rows}


def _time(value: dt.datetime, event: dict[str, Any]) -> str:
    return value.astimezone(ZoneInfo(event.get("timezone") or "Asia/Shanghai")).strftime("%H:%M")


async def buses_manifest(event: dict[str, Any], day: str) -> Manifest:
    """Every vehicle of the day: pick-ups and drop-offs by party, excursions by person."""
    parties = await event_parties(event)
    pickups = pickups_from(parties, day, event.get("timezone", ""))
    rows: list[list[str]] = []
    for group in pickups.groups:
        trip = (
            _("Pick-up at %(station)s") if group.direction == "arrival" else _("Drop-off at %(station)s")
        ) % {"station": group.station}
        for r in group.rows:
            name = r.name + (f" ({r.number})" if r.number else "")
            rows.append([group.vehicle or _("Not assigned"), r.time, trip, name, str(r.size)])
    activities = [a for a in await _activities(event, day) if a["vehicle"]]
    present = [m for p in parties if _present(p, day) for m in p.member_ids]
    attendees = await _attendees(activities, present)
    names = await _names(event["id"])
    for activity in activities:
        title = localized(activity["title_en"], activity["title_zh"])
        for registration_id in attendees[activity["id"]]:
            rows.append(
                [
                    activity["vehicle"],
                    _time(activity["starts_at"], event),
                    title,
                    names.get(registration_id, ""),
                    "1",
                ]
            )
    rows.sort(key=lambda r: (r[0], r[1]))
    headers = [_("Vehicle"), _("Time"), _("Trip"), _("Name"), _("People")]
    return Manifest("buses", day, headers, rows)


async def restaurant_manifest(user: CurrentUser, event: dict[str, Any], day: str) -> Manifest:
    """Meals of the day with how many eat; dietary needs only with the care permission."""
    from events.retreats.care import care_for

    meals = await _activities(event, day, "meal")
    parties = await event_parties(event)
    present = [m for p in parties if _present(p, day) for m in p.member_ids]
    attendees = await _attendees(meals, present)
    everyone = sorted({r for ids in attendees.values() for r in ids})
    care: dict[int, Any] | None = None
    notice = ""
    if everyone:
        try:
            care = await care_for(user, event["id"], everyone, f"restaurant manifest {day}")
        except Forbidden:
            notice = _("Dietary needs are care data: only organisers with the care permission see them.")
    headers = [_("Time"), _("Meal"), _("Location"), _("People")]
    if care is not None:
        headers.append(_("Dietary needs"))
    rows = []
    for meal in meals:
        ids = attendees[meal["id"]]
        row = [
            _time(meal["starts_at"], event),
            localized(meal["title_en"], meal["title_zh"]),
            localized(meal["location_en"], meal["location_zh"]),
            str(len(ids)),
        ]
        if care is not None:
            needs = [f"{care[r].name}: {care[r].dietary}" for r in ids if r in care and care[r].dietary]
            row.append("; ".join(needs))
        rows.append(row)
    return Manifest("restaurant", day, headers, rows, notice=notice, care_shown=care is not None)


async def manifest(user: CurrentUser, event_id: int, kind: str, day: str) -> Manifest:
    event = await organiser_event(user, event_id)
    day = check_day(event, day)
    if kind == "hotel":
        return await hotel_manifest(event, day)
    if kind == "buses":
        return await buses_manifest(event, day)
    if kind == "restaurant":
        return await restaurant_manifest(user, event, day)
    raise InvalidInput({"kind": N_("Choose one of the offered values.")})


def default_day(event: dict[str, Any]) -> str:
    return event_days(event)[0]


def _defused(cell: str) -> str:
    """Spreadsheets run cells starting with these as formulas: keep them text."""
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell


def manifest_csv(data: Manifest) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(data.headers)
    writer.writerows([_defused(c) for c in row] for row in data.rows)
    return (CSV_BOM + buffer.getvalue()).encode("utf-8")
