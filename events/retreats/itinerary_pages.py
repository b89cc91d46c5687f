"""Itinerary pages: the organisers' day-by-day programme and the guest's schedule on a phone.

Forms post back and redirect with a flash; invalid activity forms re-render with errors (422).
Sign-up refusals (full, clash, started) come back as a flash on the schedule.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import current_user, requires_login, requires_organiser
from app.db import fast
from app.errors import DomainError, InvalidInput, NotFound
from app.forms import convert_form, read_form
from app.i18n import N_, _
from app.templating import format_datetime, page, set_flash
from events.access import organiser_event
from events.page_helpers import checkboxes, local_datetimes, time_of, translated_errors
from events.retreats import itinerary
from events.retreats.itinerary_schemas import ACTIVITY_KINDS, ActivityCreate, ActivityRead, ActivityUpdate
from events.timezones import input_value, local

ORGANISER_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_organiser]}
GUEST_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_login]}
KIND_LABELS = {
    "lecture": N_("Lecture"),
    "excursion": N_("Excursion"),
    "medical": N_("Medical check-up"),
    "meal": N_("Meal"),
    "other": N_("Other"),
}
STATE_LABELS = {
    "everyone": N_("Everyone attends"),
    "signed_up": N_("Signed up"),
    "open": N_("Places left"),
    "full": N_("Full"),
    "started": N_("Sign-up closed"),
}


def programme_url(event_id: int) -> str:
    return f"/dashboard/events/{event_id}/retreat/itinerary"


def schedule_url(event_id: int) -> str:
    """The guest's personal schedule; the party page links here."""
    return f"/me/retreats/{event_id}/schedule"


def by_day(items: list[Any], tz: str, start: Any = lambda a: a.starts_at) -> list[tuple[str, list[Any]]]:
    """Items grouped by the local day they start on, as ``(day label, items)``."""
    ordered = sorted(items, key=start)
    return [
        (format_datetime(start(group[0]), tz, with_time=False), group)
        for _day, found in groupby(ordered, key=lambda a: local(start(a), tz).date())
        for group in [list(found)]
    ]


def activity_values(a: ActivityRead, tz: str) -> dict[str, Any]:
    return {
        "kind": a.kind,
        "title_en": a.title_en,
        "title_zh": a.title_zh,
        "location_en": a.location_en,
        "location_zh": a.location_zh,
        "starts_at": input_value(a.starts_at, tz),
        "ends_at": input_value(a.ends_at, tz),
        "optional": "true" if a.optional else "",
        "capacity": "" if a.capacity is None else str(a.capacity),
        "vehicle": a.vehicle,
    }


def _labels() -> dict[str, Any]:
    return {
        "kind_labels": {k: _(v) for k, v in KIND_LABELS.items()},
        "kinds": [(k, _(KIND_LABELS[k])) for k in ACTIVITY_KINDS],
        "state_labels": {k: _(v) for k, v in STATE_LABELS.items()},
        "time_of": time_of,
    }


# -- organisers --------------------------------------------------------------------------------
async def _programme(
    request: Request,
    event_id: int,
    status: int = 200,
    section: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    user = current_user(request)
    event = await organiser_event(user, event_id)
    tz = event["timezone"] or "Asia/Shanghai"
    activities = await itinerary.activities_of(event_id)
    return await page(
        request,
        "retreats/itinerary/organiser.html",
        status,
        event=event,
        tz=tz,
        days=by_day(activities, tz),
        signups=await itinerary.signup_names(event_id),
        activity_values=activity_values,
        section=section,
        errors=errors or {},
        values=values or {"optional": "true"},
        **_labels(),
    )


@get("/dashboard/events/{event_id:int}/retreat/itinerary", **ORGANISER_OPTS)
async def programme_page(request: Request, event_id: FromPath[int]) -> Template:
    return await _programme(request, event_id)


def _activity_form(raw: dict[str, Any], tz: str) -> tuple[ActivityCreate | None, dict[str, str]]:
    data = dict(raw)
    checkboxes(data, "optional")
    local_datetimes(data, tz, "starts_at", "ends_at")
    return convert_form(data, ActivityCreate)


async def _save(request: Request, event_id: int, activity_id: int | None) -> Template | Redirect:
    user = current_user(request)
    event = await organiser_event(user, event_id)
    section = "add" if activity_id is None else f"activity-{activity_id}"
    raw = await read_form(request)
    form, errors = _activity_form(raw, event["timezone"] or "Asia/Shanghai")
    if form is None:
        return await _programme(request, event_id, 422, section, errors, raw)
    try:
        if activity_id is None:
            saved = await itinerary.create_activity(user, event_id, form)
        else:  # the edit form shows every field, so it replaces them all
            update = ActivityUpdate(**msgspec.structs.asdict(form))
            saved = await itinerary.update_activity(user, event_id, activity_id, update)
    except InvalidInput as exc:
        return await _programme(request, event_id, 422, section, translated_errors(exc.errors), raw)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return await _programme(request, event_id, exc.status, section, {"form": exc.detail()}, raw)
    set_flash(request, _("The activity was added.") if activity_id is None else _("The activity was saved."))
    return Redirect(programme_url(event_id) + f"#activity-{saved.id}", status_code=303)


@post("/dashboard/events/{event_id:int}/retreat/itinerary/activities", **ORGANISER_OPTS)
async def add_activity(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    return await _save(request, event_id, None)


@post("/dashboard/events/{event_id:int}/retreat/itinerary/activities/{activity_id:int}", **ORGANISER_OPTS)
async def edit_activity(
    request: Request, event_id: FromPath[int], activity_id: FromPath[int]
) -> Template | Redirect:
    return await _save(request, event_id, activity_id)


@post(
    "/dashboard/events/{event_id:int}/retreat/itinerary/activities/{activity_id:int}/delete", **ORGANISER_OPTS
)
async def remove_activity(request: Request, event_id: FromPath[int], activity_id: FromPath[int]) -> Redirect:
    await itinerary.delete_activity(current_user(request), event_id, activity_id)
    set_flash(request, _("The activity was deleted."))
    return Redirect(programme_url(event_id), status_code=303)


@post(
    "/dashboard/events/{event_id:int}/retreat/itinerary/activities/{activity_id:int}/checkin-list",
    **ORGANISER_OPTS,
)
async def add_checkin_list(request: Request, event_id: FromPath[int], activity_id: FromPath[int]) -> Redirect:
    try:
        await itinerary.create_checkin_list(current_user(request), event_id, activity_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        set_flash(request, exc.detail(), "error")
    else:
        set_flash(request, _("The check-in list was created; pair scanners with it on the check-in page."))
    return Redirect(programme_url(event_id) + f"#activity-{activity_id}", status_code=303)


# -- the guest ---------------------------------------------------------------------------------
@get("/me/retreats/{event_id:int}/schedule", **GUEST_OPTS)
async def schedule_page(request: Request, event_id: FromPath[int]) -> Template:
    schedule = await itinerary.my_schedule(current_user(request), event_id)  # 404 without a place
    event = await fast().fetchrow("SELECT id, title_en, title_zh FROM luyan_event WHERE id = $1", event_id)
    if event is None:
        raise NotFound()
    return await page(
        request,
        "retreats/itinerary/schedule.html",
        event=event,
        tz=schedule.timezone,
        people=[
            (p, by_day(p.items, schedule.timezone, lambda i: i.activity.starts_at)) for p in schedule.people
        ],
        now=dt.datetime.now(dt.UTC),
        **_labels(),
    )


async def _signup_action(request: Request, event_id: int, activity_id: int, cancel: bool) -> Redirect:
    raw = await read_form(request)
    try:
        registration_id = int(str(raw.get("registration_id", "")))
    except ValueError:
        raise NotFound() from None
    action = itinerary.cancel_signup if cancel else itinerary.sign_up
    try:
        await action(current_user(request), event_id, activity_id, registration_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        set_flash(request, exc.detail(), "error")
    else:
        set_flash(request, _("The sign-up was cancelled.") if cancel else _("Signed up: see you there."))
    return Redirect(schedule_url(event_id) + f"#person-{registration_id}", status_code=303)


@post("/me/retreats/{event_id:int}/schedule/{activity_id:int}/signup", **GUEST_OPTS)
async def signup_page(request: Request, event_id: FromPath[int], activity_id: FromPath[int]) -> Redirect:
    return await _signup_action(request, event_id, activity_id, cancel=False)


@post("/me/retreats/{event_id:int}/schedule/{activity_id:int}/cancel", **GUEST_OPTS)
async def cancel_page(request: Request, event_id: FromPath[int], activity_id: FromPath[int]) -> Redirect:
    return await _signup_action(request, event_id, activity_id, cancel=True)


ROUTES = [
    programme_page,
    add_activity,
    edit_activity,
    remove_activity,
    add_checkin_list,
    schedule_page,
    signup_page,
    cancel_page,
]
