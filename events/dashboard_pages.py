"""The organiser's dashboard: my events, creating and editing an event, its lifecycle.

Forms post back here and redirect (PRG) with a flash message; invalid input re-renders the
form with field errors (422). Sub-resource forms (agenda, tickets, ...) are in
``events.dashboard_parts``.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from app.accounts.services import organisations_of
from app.accounts.tables import Organisation
from app.auth import CurrentUser, current_user, requires_organiser
from app.errors import DomainError, InvalidInput
from app.forms import convert_form, read_form
from app.i18n import N_, _
from app.templating import page, set_flash
from events import agenda, invitations, questions, services, staff, tickets
from events.access import organiser_event
from events.page_helpers import TEMPLATE_HELPERS, checkboxes, local_datetimes, translated_errors
from events.schemas import KINDS, EventCreate, EventUpdate
from events.services import SlugTaken
from events.timezones import COMMON_TIMEZONES, input_value

# Anonymous visitors are sent to sign in by the app's 401 handler (``app.errors``).
DASHBOARD_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_organiser]}
EVENT_FIELDS = tuple(f for f in EventCreate.__struct_fields__ if f != "organisation_id")
FLASH_BY_STATUS = {
    "published": N_("The event is published."),
    "closed": N_("The event is closed."),
    "cancelled": N_("The event is cancelled."),
}


def back_to(event_id: int, anchor: str = "") -> Redirect:
    return Redirect(f"/dashboard/events/{event_id}" + (f"#{anchor}" if anchor else ""), status_code=303)


async def _organisations(user: CurrentUser) -> list[dict[str, Any]]:
    if user.is_admin:
        return await Organisation.select(
            Organisation.id, Organisation.name_en, Organisation.name_zh
        ).order_by(Organisation.name_en)
    return await organisations_of(user.id)


def _event_form(data: dict[str, Any]) -> tuple[EventCreate | None, dict[str, str]]:
    """The event form as an ``EventCreate`` (the edit form sends every field too)."""
    checkboxes(data, "invitation_only", "waitlist_enabled")
    local_datetimes(data, data.get("timezone"), "starts_at", "ends_at")
    return convert_form(data, EventCreate)


def _service_errors(exc: DomainError) -> dict[str, str]:
    if isinstance(exc, InvalidInput):
        return translated_errors(exc.errors)
    if isinstance(exc, SlugTaken):
        return {"slug": exc.detail()}
    return {"form": exc.detail()}


# -- my events -------------------------------------------------------------------------------
@get("/dashboard", **DASHBOARD_OPTS)
async def dashboard(
    request: Request, page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1
) -> Template:
    result = await services.dashboard_events(current_user(request), page=page_number, per_page=50)
    return await page(request, "dashboard/index.html", result=result, **TEMPLATE_HELPERS)


# -- creating --------------------------------------------------------------------------------
async def _new_form(
    request: Request, status: int, values: dict[str, Any], errors: dict[str, str]
) -> Template:
    organisations = await _organisations(current_user(request))
    return await page(
        request,
        "dashboard/event_new.html",
        status,
        values=values,
        errors=errors,
        organisations=organisations,
        kinds=KINDS,
        timezones=COMMON_TIMEZONES,
        **TEMPLATE_HELPERS,
    )


@get("/dashboard/events/new", **DASHBOARD_OPTS)
async def new_event_page(request: Request) -> Template:
    defaults = {"timezone": "Asia/Shanghai", "waitlist_enabled": "true", "kind": "conference"}
    return await _new_form(request, 200, defaults, {})


@post("/dashboard/events/new", **DASHBOARD_OPTS)
async def new_event_submit(request: Request) -> Template | Redirect:
    raw = await read_form(request)
    form, errors = _event_form(dict(raw))
    if form is None:
        return await _new_form(request, 422, raw, errors)
    try:
        event = await services.create_event(current_user(request), form)
    except (InvalidInput, SlugTaken) as exc:
        return await _new_form(request, exc.status, raw, _service_errors(exc))
    set_flash(request, _("The event was created as a draft. Add tickets, then publish it."))
    return back_to(event.id)


# -- one event -------------------------------------------------------------------------------
def _edit_values(event: Any) -> dict[str, Any]:
    values = {f: getattr(event, f) for f in EVENT_FIELDS}
    values["starts_at"] = input_value(event.starts_at, event.timezone)
    values["ends_at"] = input_value(event.ends_at, event.timezone)
    values["invitation_only"] = "true" if event.invitation_only else ""
    values["waitlist_enabled"] = "true" if event.waitlist_enabled else ""
    return values


async def render_manage(
    request: Request,
    event_id: int,
    status: int = 200,
    section: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    """The event's management page; ``section`` names the form that failed, if any."""
    user = current_user(request)
    event = services.event_read(await organiser_event(user, event_id))
    counts = (await services.registration_counts([event_id]))[event_id]
    return await page(
        request,
        "dashboard/event.html",
        status,
        event=event,
        counts=counts,
        sessions=await agenda.sessions_of(event_id),
        ticket_types=await tickets.ticket_types_of(event_id),
        questions=await questions.questions_of(event_id),
        codes=await invitations.codes_of(event_id),
        staff=await staff.staff_of(event_id),
        section=section,
        errors=errors or {},
        values=values or {},
        edit_values=values if section == "details" else _edit_values(event),
        kinds=KINDS,
        timezones=COMMON_TIMEZONES,
        **TEMPLATE_HELPERS,
    )


@get("/dashboard/events/{event_id:int}", **DASHBOARD_OPTS)
async def manage_event(request: Request, event_id: FromPath[int]) -> Template:
    return await render_manage(request, event_id)


@post("/dashboard/events/{event_id:int}", **DASHBOARD_OPTS)
async def edit_event(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)
    event = await organiser_event(user, event_id)
    raw = await read_form(request)
    form, errors = _event_form({**raw, "organisation_id": event["organisation"]})
    if form is None:
        return await render_manage(request, event_id, 422, "details", errors, raw)
    values = {f: getattr(form, f) for f in EVENT_FIELDS if f != "slug" or form.slug}
    try:
        await services.update_event(user, event_id, EventUpdate(**values))
    except (InvalidInput, SlugTaken, services.EventCancelled) as exc:
        return await render_manage(request, event_id, exc.status, "details", _service_errors(exc), raw)
    set_flash(request, _("Your changes are saved."))
    return back_to(event_id)


async def _move(request: Request, event_id: int, target: str) -> Redirect:
    try:
        await services.transition(current_user(request), event_id, target)
    except services.InvalidTransition as exc:
        set_flash(request, exc.detail(), "error")
        return back_to(event_id)
    set_flash(request, _(FLASH_BY_STATUS[target]))
    return back_to(event_id)


@post("/dashboard/events/{event_id:int}/publish", **DASHBOARD_OPTS)
async def publish_event(request: Request, event_id: FromPath[int]) -> Redirect:
    return await _move(request, event_id, "published")


@post("/dashboard/events/{event_id:int}/close", **DASHBOARD_OPTS)
async def close_event(request: Request, event_id: FromPath[int]) -> Redirect:
    return await _move(request, event_id, "closed")


@post("/dashboard/events/{event_id:int}/cancel", **DASHBOARD_OPTS)
async def cancel_event(request: Request, event_id: FromPath[int]) -> Redirect:
    return await _move(request, event_id, "cancelled")


def _routes() -> list:
    from events.dashboard_parts import ROUTES as PARTS

    return [
        dashboard,
        new_event_page,
        new_event_submit,
        manage_event,
        edit_event,
        publish_event,
        close_event,
        cancel_event,
        *PARTS,
    ]


ROUTES = _routes()
