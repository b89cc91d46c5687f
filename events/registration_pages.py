"""Registration as HTML pages: the form, my registrations, and the organiser's table.

Forms post back to the server and redirect (PRG) with a flash; htmx only enhances the
organiser's approve/reject buttons (a row swaps in place). Anonymous visitors are sent to the
login page and brought back.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.auth import CurrentUser, public
from app.errors import DomainError, InvalidInput, NotFound
from app.forms import read_form
from app.i18n import _
from app.templating import page, set_flash
from events import registration as service
from events.access import organiser_event, public_event
from events.payment_pages import payment_label
from events.payment_refunds import payment_states
from events.registration_answers import answers_from_form, options_of, validate_answers
from events.registration_db import load, owned_registration
from events.registration_page_data import live_registration, ticket_choices
from events.registration_queries import (
    Filters,
    event_questions,
    event_registrations,
    event_ticket_types,
    my_registrations,
    registration_read,
    status_counts,
)
from events.registration_schemas import STATUSES
from events.registration_status import outcome_message, status_label

PAGE_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [public]}
PER_PAGE = 50


def _login_redirect(request: Request) -> Redirect:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"/login?next={quote(target)}")


def _user(request: Request) -> CurrentUser | None:
    return request.scope.get("user")


def _form_errors(exc: InvalidInput) -> dict[str, str]:
    """Service field names to form field names (``answers.7`` is the form's ``q_7``)."""
    return {key.replace("answers.", "q_"): _(message) for key, message in exc.errors.items()}


def _questions_for_template(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "options": options_of(row)} for row in rows]


# -- the registration form ---------------------------------------------------------------------
async def _form_page(
    request: Request,
    user: CurrentUser,
    event_id: int,
    status_code: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
) -> Template:
    event = await public_event(event_id, user)
    return await page(
        request,
        "registrations/register.html",
        status_code,
        event=event,
        tickets=ticket_choices(await event_ticket_types(event_id), event),
        questions=_questions_for_template(await event_questions(event_id)),
        existing=await live_registration(event_id, user.id),
        status_label=status_label,
        values=values or {"attendee_name": user.display_name},
        errors=errors or {},
        error=error,
    )


@get("/events/{event_id:int}/register", **PAGE_OPTS)
async def register_page(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    user = _user(request)
    if user is None:
        return _login_redirect(request)
    return await _form_page(request, user, event_id)


@post("/events/{event_id:int}/register", **PAGE_OPTS)
async def register_submit(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    user = _user(request)
    if user is None:
        return _login_redirect(request)
    data = await read_form(request)
    questions = await event_questions(event_id)
    try:
        ticket_type_id = int(str(data.get("ticket_type_id", "")).strip())
    except ValueError:  # report the answers' problems too, not one field per round trip
        errors = {"ticket_type_id": _("Choose a ticket type.")}
        try:
            validate_answers(questions, answers_from_form(data, questions))
        except InvalidInput as exc:
            errors.update(_form_errors(exc))
        return await _form_page(request, user, event_id, 422, data, errors)
    try:
        done = await service.register(
            user,
            event_id,
            ticket_type_id,
            str(data.get("attendee_name", "")),
            str(data.get("attendee_organisation", ""))[:200],
            answers_from_form(data, questions),
            str(data.get("invitation_code", "")) or None,
            settings=request.app.state.settings,
        )
    except InvalidInput as exc:
        message = exc.detail() if exc.code != "invalid_input" else None  # invitation problems
        return await _form_page(request, user, event_id, 422, data, _form_errors(exc), message)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return await _form_page(request, user, event_id, exc.status, data, {}, exc.detail())
    set_flash(request, outcome_message(done.status), "success" if done.status == "confirmed" else "info")
    if done.checkout_url:  # a priced ticket: on to Stripe Checkout to pay for the held seat
        return Redirect(done.checkout_url, status_code=303)
    return Redirect(f"/me/registrations/{done.id}", status_code=303)


# -- my registrations ----------------------------------------------------------------------------
@get("/me/registrations", **PAGE_OPTS)
async def my_registrations_page(request: Request) -> Template | Redirect:
    user = _user(request)
    if user is None:
        return _login_redirect(request)
    return await page(
        request,
        "registrations/mine.html",
        registrations=await my_registrations(user.id),
        status_label=status_label,
    )


@get("/me/registrations/{registration_id:int}", **PAGE_OPTS)
async def my_registration_page(request: Request, registration_id: FromPath[int]) -> Template | Redirect:
    user = _user(request)
    if user is None:
        return _login_redirect(request)
    row = await owned_registration(user, registration_id)
    questions = _questions_for_template(await event_questions(row["event"]))
    return await page(
        request,
        "registrations/detail.html",
        row=row,
        registration=registration_read(row),
        questions=questions,
        status_label=status_label,
        message=outcome_message(row["status"]),
    )


async def _my_action(request: Request, registration_id: int, action: Any, done: str) -> Redirect:
    user = _user(request)
    if user is None:
        return _login_redirect(request)
    try:
        await action(user, registration_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        set_flash(request, exc.detail(), "error")
    else:
        set_flash(request, done)
    return Redirect(f"/me/registrations/{registration_id}", status_code=303)


@post("/me/registrations/{registration_id:int}/cancel", **PAGE_OPTS)
async def my_cancel(request: Request, registration_id: FromPath[int]) -> Redirect:
    return await _my_action(request, registration_id, service.cancel, _("Your registration is cancelled."))


@post("/me/registrations/{registration_id:int}/accept-offer", **PAGE_OPTS)
async def my_accept_offer(request: Request, registration_id: FromPath[int]) -> Redirect:
    done = await _my_action(
        request, registration_id, service.accept_offer, _("You accepted the seat: your place is confirmed.")
    )
    row = await load(registration_id) if _user(request) is not None else None
    if row is not None and row["status"] == "awaiting_pay":  # a priced ticket: on to paying for it
        set_flash(request, outcome_message("awaiting_pay"), "info")
        return Redirect(f"/me/registrations/{registration_id}/payment", status_code=303)
    return done


# -- the organiser's table -----------------------------------------------------------------------
@get("/dashboard/events/{event_id:int}/registrations", **PAGE_OPTS)
async def organiser_registrations_page(
    request: Request,
    event_id: FromPath[int],
    q: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    ticket_type_id: FromQuery[str | None] = None,
    page_number: FromQuery[int] = 1,
) -> Template | Redirect:
    user = _user(request)
    if user is None:
        return _login_redirect(request)
    event = await organiser_event(user, event_id)
    ticket_filter = int(ticket_type_id) if ticket_type_id and ticket_type_id.isdigit() else None
    filters = Filters(q or None, status if status in STATUSES else None, ticket_filter)
    number = max(page_number, 1)
    items, total = await event_registrations(event_id, filters, PER_PAGE, (number - 1) * PER_PAGE)
    query = {
        k: v
        for k, v in {"q": filters.q, "status": filters.status, "ticket_type_id": ticket_filter}.items()
        if v
    }
    return await page(
        request,
        "registrations/organiser.html",
        event=event,
        items=items,
        total=total,
        counts=await status_counts(event_id),
        tickets={t["id"]: t for t in await event_ticket_types(event_id)},
        filters=filters,
        status_label=status_label,
        statuses=STATUSES,
        page_number=number,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        query=urlencode(query),
        payment_states=await payment_states([item.id for item in items]),
        payment_label=payment_label,
    )


async def _organiser_action(
    request: Request, event_id: int, registration_id: int, action: Any, done: str
) -> Template | Redirect:
    user = _user(request)
    if user is None:
        return _login_redirect(request)
    event = await organiser_event(user, event_id)
    current = await load(registration_id)
    if current is None or current["event"] != event_id:
        raise NotFound()
    error: str | None = None
    row: dict[str, Any] | None = None
    try:
        row = await action(user, registration_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        error = exc.detail()
    if request.headers.get("hx-request"):
        row = row or await load(registration_id) or current
        tickets = {t["id"]: t for t in await event_ticket_types(event_id)}
        return Template(
            "registrations/_row.html",
            context={
                "item": registration_read(row),
                "event": event,
                "tickets": tickets,
                "status_label": status_label,
                "notice": error or done,
            },
        )
    set_flash(request, error or done, "error" if error else "success")
    back = request.headers.get("referer") or ""
    target = f"/dashboard/events/{event_id}/registrations"
    return Redirect(
        back if back.startswith(str(request.base_url).rstrip("/") + target) else target, status_code=303
    )


@post("/dashboard/events/{event_id:int}/registrations/{registration_id:int}/approve", **PAGE_OPTS)
async def organiser_approve(
    request: Request, event_id: FromPath[int], registration_id: FromPath[int]
) -> Template | Redirect:
    return await _organiser_action(
        request, event_id, registration_id, service.approve, _("Registration approved.")
    )


@post("/dashboard/events/{event_id:int}/registrations/{registration_id:int}/reject", **PAGE_OPTS)
async def organiser_reject(
    request: Request, event_id: FromPath[int], registration_id: FromPath[int]
) -> Template | Redirect:
    return await _organiser_action(
        request, event_id, registration_id, service.reject, _("Registration rejected.")
    )


@post("/dashboard/events/{event_id:int}/registrations/{registration_id:int}/cancel", **PAGE_OPTS)
async def organiser_cancel(
    request: Request, event_id: FromPath[int], registration_id: FromPath[int]
) -> Template | Redirect:
    return await _organiser_action(
        request, event_id, registration_id, service.cancel, _("Registration cancelled.")
    )


ROUTES = [
    register_page,
    register_submit,
    my_registrations_page,
    my_registration_page,
    my_cancel,
    my_accept_offer,
    organiser_registrations_page,
    organiser_approve,
    organiser_reject,
    organiser_cancel,
]
