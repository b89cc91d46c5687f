"""The organiser's check-in page of an event: live figures and arrivals, check-in lists,
scanner devices and the conflicts report.

Forms post back here and redirect (PRG) with a flash; invalid input re-renders the page with
the errors in the form's own section (422). Device forms are in ``checkin.dashboard_devices``.
Everything works without JavaScript; ``arrivals.js`` makes the figures and the chart live.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from app.auth import current_user, requires_organiser
from app.errors import DomainError, InvalidInput
from app.forms import convert_form, read_form
from app.i18n import N_, _
from app.templating import page, set_flash
from checkin import devices, lists, stats
from checkin.live import ARRIVALS_PATH
from checkin.schemas import CheckinListCreate, CheckinListRead, CheckinListUpdate
from checkin.tokens import event_days
from events import agenda, tickets
from events.access import organiser_event
from events.page_helpers import checkboxes, translated_errors

PAGE_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_organiser]}
MULTI_FIELDS = ("ticket_type_ids", "days", "list_ids")
DEVICE_STATUS_LABELS = {
    "awaiting_pairing": N_("Waiting to be paired"),
    "paired": N_("Paired"),
    "revoked": N_("Revoked"),
}


def checkin_url(event_id: int, anchor: str = "") -> str:
    return f"/dashboard/events/{event_id}/checkin" + (f"#{anchor}" if anchor else "")


def back_to(event_id: int, anchor: str = "") -> Redirect:
    return Redirect(checkin_url(event_id, anchor), status_code=303)


def form_values(raw: dict[str, Any]) -> dict[str, Any]:
    """Submitted values for re-display: multi-choice fields always as lists of strings."""
    values = dict(raw)
    for name in MULTI_FIELDS:
        value = values.get(name)
        values[name] = [str(v) for v in value] if isinstance(value, list) else ([value] if value else [])
    return values


def list_values(row: CheckinListRead) -> dict[str, Any]:
    """A list as form values (its edit form shows every field)."""
    return {
        "name_en": row.name_en,
        "name_zh": row.name_zh,
        "gate": row.gate,
        "agenda_session_id": "" if row.agenda_session_id is None else str(row.agenda_session_id),
        "ticket_type_ids": [str(t) for t in row.ticket_type_ids],
        "days": [d.isoformat() for d in row.days],
        "allow_reentry": "true" if row.allow_reentry else "",
        "allow_exit": "true" if row.allow_exit else "",
        "position": str(row.position),
    }


def _live_config(event: dict[str, Any], figures: Any, day: dt.date | None) -> dict[str, Any]:
    """What ``arrivals.js`` needs, embedded in the page as JSON (strings already translated)."""
    path = ARRIVALS_PATH.replace("{event_id:int}", str(event["id"]))
    return {
        "socket": path + (f"?day={day.isoformat()}" if day else ""),
        "timezone": event["timezone"],
        "follow": day is None,  # the last hours move with the clock; a chosen day stays put
        "stats": msgspec.to_builtins(figures),
        "strings": {
            "live": _("Live"),
            "connecting": _("Connecting…"),
            "offline": _("Reconnecting…"),
            "arrivals": _("Arrivals per minute"),
        },
    }


async def render_checkin(
    request: Request,
    event_id: int,
    status: int = 200,
    section: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    day: dt.date | None = None,
) -> Template:
    """The whole page; ``section`` names the form that failed, if any."""
    user = current_user(request)
    event = await organiser_event(user, event_id)
    days = event_days(event["starts_at"], event["ends_at"], event["timezone"])
    if day not in days:
        day = None
    figures = await stats.event_stats(event, stats.window_for(event, day=day))
    check_lists = await lists.list_lists(user, event_id)
    return await page(
        request,
        "checkin/dashboard_checkin.html",
        status,
        event=event,
        stats=figures,
        live_config=_live_config(event, figures, day),
        day=day,
        days=days,
        lists=check_lists,
        list_names={r.id: r for r in check_lists},
        list_values=list_values,
        ticket_types=await tickets.ticket_types_of(event_id),
        sessions=await agenda.sessions_of(event_id),
        devices=await devices.list_devices(user, event_id),
        device_status_labels=DEVICE_STATUS_LABELS,
        conflicts=await stats.conflicts(event_id),
        section=section,
        errors=errors or {},
        values=form_values(values or {}),
    )


@get("/dashboard/events/{event_id:int}/checkin", **PAGE_OPTS)
async def checkin_page(
    request: Request,
    event_id: FromPath[int],
    day: Annotated[dt.date | None, QueryParameter(required=False)] = None,
) -> Template:
    return await render_checkin(request, event_id, day=day)


# -- check-in lists ----------------------------------------------------------------------------
def _list_form(raw: dict[str, Any]) -> tuple[CheckinListCreate | None, dict[str, str]]:
    data = dict(raw)
    checkboxes(data, "allow_reentry", "allow_exit")
    return convert_form(data, CheckinListCreate)


async def _save_list(request: Request, event_id: int, list_id: int | None) -> Template | Redirect:
    user = current_user(request)
    await organiser_event(user, event_id)  # 404 before reading anything
    section = "lists" if list_id is None else f"list-{list_id}"
    raw = await read_form(request)
    form, errors = _list_form(raw)
    if form is None:
        return await render_checkin(request, event_id, 422, section, errors, raw)
    try:
        if list_id is None:
            await lists.create_list(user, event_id, form)
        else:
            # The edit form shows every field, so it replaces them all (no box ticked: none).
            update = CheckinListUpdate(**msgspec.structs.asdict(form))
            await lists.update_list(user, event_id, list_id, update)
    except InvalidInput as exc:
        return await render_checkin(request, event_id, 422, section, translated_errors(exc.errors), raw)
    set_flash(
        request, _("The check-in list was added.") if list_id is None else _("The check-in list was saved.")
    )
    return back_to(event_id, "lists")


@post("/dashboard/events/{event_id:int}/checkin/lists", **PAGE_OPTS)
async def add_list(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    return await _save_list(request, event_id, None)


@post("/dashboard/events/{event_id:int}/checkin/lists/{list_id:int}", **PAGE_OPTS)
async def edit_list(request: Request, event_id: FromPath[int], list_id: FromPath[int]) -> Template | Redirect:
    return await _save_list(request, event_id, list_id)


@post("/dashboard/events/{event_id:int}/checkin/lists/{list_id:int}/delete", **PAGE_OPTS)
async def remove_list(request: Request, event_id: FromPath[int], list_id: FromPath[int]) -> Redirect:
    try:
        await lists.delete_list(current_user(request), event_id, list_id)
    except DomainError as exc:
        if exc.status != 409:  # e.g. scans recorded on it, if the service refuses
            raise
        set_flash(request, exc.detail(), "error")
        return back_to(event_id, "lists")
    set_flash(request, _("The check-in list was deleted."))
    return back_to(event_id, "lists")


ROUTES = [checkin_page, add_list, edit_list, remove_list]
