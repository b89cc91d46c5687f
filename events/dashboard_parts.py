"""Dashboard forms for an event's parts: agenda, ticket types, questions, codes and staff.

Each add form posts here; success redirects back to the event's page (PRG) with a flash,
invalid input re-renders that page with the errors shown in the form's own section.
HTML forms cannot send DELETE, so removals are ``POST …/{id}/delete``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import CurrentUser, current_user
from app.errors import DomainError
from app.forms import convert_form, read_form
from app.i18n import N_, _
from app.templating import set_flash
from events import agenda, invitations, questions, services, staff, tickets
from events.dashboard_pages import DASHBOARD_OPTS, back_to, render_manage
from events.page_helpers import (
    checkboxes,
    local_datetimes,
    parse_options,
    split_lines,
    translated_errors,
)
from events.schemas import (
    AgendaSessionCreate,
    InvitationCodeCreate,
    QuestionCreate,
    StaffAdd,
    TicketTypeCreate,
    TicketTypeUpdate,
)

Prepare = Callable[[dict[str, Any], str], dict[str, Any]]
Action = Callable[[CurrentUser, int, Any], Awaitable[Any]]


async def _submit(
    request: Request,
    event_id: int,
    section: str,
    schema: type[msgspec.Struct],
    prepare: Prepare,
    action: Action,
    done: str,
) -> Template | Redirect:
    """Validate one section's form with its API schema, run ``action``, then PRG."""
    user = current_user(request)
    event = await services.get_organiser_event(user, event_id)  # 404 first, and the time zone
    raw = await read_form(request)
    form, errors = convert_form(prepare(dict(raw), event.timezone), schema)
    if form is None:
        return await render_manage(request, event_id, 422, section, errors, raw)
    try:
        await action(user, event_id, form)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        errors = translated_errors(getattr(exc, "errors", {}) or {"form": exc.message})
        return await render_manage(request, event_id, exc.status, section, errors, raw)
    set_flash(request, _(done))
    return back_to(event_id, section)


async def _remove(
    request: Request, event_id: int, section: str, removal: Awaitable[None], done: str
) -> Redirect:
    try:
        await removal
    except DomainError as exc:
        if exc.status != 409:
            raise
        set_flash(request, exc.detail(), "error")
        return back_to(event_id, section)
    set_flash(request, _(done))
    return back_to(event_id, section)


# -- agenda ----------------------------------------------------------------------------------
def _session_form(data: dict[str, Any], tz: str) -> dict[str, Any]:
    local_datetimes(data, tz, "starts_at", "ends_at")
    data["speakers"] = split_lines(data.get("speakers", ""))
    return data


@post("/dashboard/events/{event_id:int}/sessions", **DASHBOARD_OPTS)
async def add_session(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    return await _submit(
        request, event_id, "agenda", AgendaSessionCreate, _session_form, agenda.create_session,
        N_("The session was added to the agenda."),
    )  # fmt: skip


@post("/dashboard/events/{event_id:int}/sessions/{session_id:int}/delete", **DASHBOARD_OPTS)
async def remove_session(request: Request, event_id: FromPath[int], session_id: FromPath[int]) -> Redirect:
    removal = agenda.delete_session(current_user(request), event_id, session_id)
    return await _remove(request, event_id, "agenda", removal, N_("The session was removed."))


# -- ticket types ----------------------------------------------------------------------------
def _ticket_form(data: dict[str, Any], tz: str) -> dict[str, Any]:
    checkboxes(data, "requires_approval")
    local_datetimes(data, tz, "sales_start", "sales_end")
    return data


@post("/dashboard/events/{event_id:int}/ticket-types", **DASHBOARD_OPTS)
async def add_ticket_type(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    return await _submit(
        request, event_id, "tickets", TicketTypeCreate, _ticket_form, tickets.create_ticket_type,
        N_("The ticket type was added."),
    )  # fmt: skip


@post("/dashboard/events/{event_id:int}/ticket-types/{ticket_type_id:int}", **DASHBOARD_OPTS)
async def edit_ticket_type(
    request: Request, event_id: FromPath[int], ticket_type_id: FromPath[int]
) -> Template | Redirect:
    async def save(user: CurrentUser, event_id: int, form: TicketTypeCreate) -> Any:
        # The edit form shows every field, so it replaces them all (an empty date clears it).
        update = TicketTypeUpdate(**msgspec.structs.asdict(form))
        return await tickets.update_ticket_type(user, event_id, ticket_type_id, update)

    return await _submit(
        request, event_id, f"ticket-{ticket_type_id}", TicketTypeCreate, _ticket_form, save,
        N_("The ticket type was saved."),
    )  # fmt: skip


@post("/dashboard/events/{event_id:int}/ticket-types/{ticket_type_id:int}/delete", **DASHBOARD_OPTS)
async def remove_ticket_type(
    request: Request, event_id: FromPath[int], ticket_type_id: FromPath[int]
) -> Redirect:
    removal = tickets.delete_ticket_type(current_user(request), event_id, ticket_type_id)
    return await _remove(request, event_id, "tickets", removal, N_("The ticket type was removed."))


# -- questions -------------------------------------------------------------------------------
def _question_form(data: dict[str, Any], _tz: str) -> dict[str, Any]:
    checkboxes(data, "required", "care")
    data["options"] = parse_options(data.get("options", "")) if data.get("kind") != "text" else []
    return data


@post("/dashboard/events/{event_id:int}/questions", **DASHBOARD_OPTS)
async def add_question(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    return await _submit(
        request, event_id, "questions", QuestionCreate, _question_form, questions.create_question,
        N_("The question was added to the registration form."),
    )  # fmt: skip


@post("/dashboard/events/{event_id:int}/questions/{question_id:int}/delete", **DASHBOARD_OPTS)
async def remove_question(request: Request, event_id: FromPath[int], question_id: FromPath[int]) -> Redirect:
    removal = questions.delete_question(current_user(request), event_id, question_id)
    return await _remove(request, event_id, "questions", removal, N_("The question was removed."))


# -- invitation codes ------------------------------------------------------------------------
@post("/dashboard/events/{event_id:int}/invitation-codes", **DASHBOARD_OPTS)
async def add_codes(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    return await _submit(
        request, event_id, "codes", InvitationCodeCreate, lambda data, _tz: data, invitations.create_codes,
        N_("The invitation codes are ready."),
    )  # fmt: skip


@post("/dashboard/events/{event_id:int}/invitation-codes/{code_id:int}/delete", **DASHBOARD_OPTS)
async def remove_code(request: Request, event_id: FromPath[int], code_id: FromPath[int]) -> Redirect:
    removal = invitations.delete_code(current_user(request), event_id, code_id)
    return await _remove(request, event_id, "codes", removal, N_("The invitation code was deleted."))


# -- staff -----------------------------------------------------------------------------------
@post("/dashboard/events/{event_id:int}/staff", **DASHBOARD_OPTS)
async def add_staff(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    return await _submit(
        request, event_id, "staff", StaffAdd, lambda data, _tz: data, staff.add_staff,
        N_("They can now check people in at this event."),
    )  # fmt: skip


@post("/dashboard/events/{event_id:int}/staff/{staff_id:int}/delete", **DASHBOARD_OPTS)
async def remove_staff(request: Request, event_id: FromPath[int], staff_id: FromPath[int]) -> Redirect:
    removal = staff.remove_staff(current_user(request), event_id, staff_id)
    return await _remove(request, event_id, "staff", removal, N_("They no longer work at this event."))


ROUTES = [
    add_session,
    remove_session,
    add_ticket_type,
    edit_ticket_type,
    remove_ticket_type,
    add_question,
    remove_question,
    add_codes,
    remove_code,
    add_staff,
    remove_staff,
]
