"""Ticket payment pages: the attendee's payment (pay, come back from Checkout) and the
organiser's list of an event's payments with the refunds to make.

Forms post back and redirect (PRG) with a flash. "Not yours" answers 404 like "missing".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.auth import CurrentUser, public, requires_organiser
from app.errors import DomainError, NotFound
from app.forms import read_form
from app.i18n import N_, _
from app.payments.gateway import gateway_for
from app.settings import Settings
from app.templating import page, set_flash
from events import payment_refunds, payments
from events.access import organiser_event
from events.payment_schemas import PAYMENT_STATUSES
from events.registration_db import owned_registration
from events.registration_status import status_label

PAGE_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [public]}
ORGANISER_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_organiser]}

PAYMENT_LABELS: dict[str, str] = {
    "open": N_("Awaiting payment"),
    "paid": N_("Paid"),
    "expired": N_("Not paid in time"),
    "refund_due": N_("Refund due"),
    "refunded": N_("Refunded"),
}


def payment_label(status: str) -> str:
    return _(PAYMENT_LABELS.get(status, status))


def money(cents: int, currency: str) -> str:
    return f"{cents / 100:,.2f} {currency}"


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _user(request: Request) -> CurrentUser | None:
    return request.scope.get("user")


def _login(request: Request) -> Redirect:
    return Redirect(f"/login?next={quote(request.url.path)}")


def _registration_url(registration_id: int) -> str:
    return f"/me/registrations/{registration_id}"


async def _own_payment(user: CurrentUser, registration_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    registration = await owned_registration(user, registration_id)
    row = await payments.latest_payment(registration_id)
    if row is None:
        raise NotFound()
    return registration, row


@get("/me/registrations/{registration_id:int}/payment", **PAGE_OPTS)
async def my_payment_page(request: Request, registration_id: FromPath[int]) -> Template | Redirect:
    user = _user(request)
    if user is None:
        return _login(request)
    registration, row = await _own_payment(user, registration_id)
    return await page(
        request,
        "registrations/payment.html",
        registration=registration,
        payment=row,
        payment_label=payment_label,
        status_label=status_label,
        money=money,
        configured=_settings(request).stripe.configured,
    )


@get("/me/registrations/{registration_id:int}/payment/panel", **PAGE_OPTS)
async def my_payment_panel(request: Request, registration_id: FromPath[int]) -> Template:
    """The payment part of the registration page (loaded into it; empty for free tickets)."""
    user = _user(request)
    if user is None:
        raise NotFound()
    await owned_registration(user, registration_id)
    row = await payments.latest_payment(registration_id)
    return await page(
        request,
        "registrations/payment_panel.html",
        payment=row,
        payment_label=payment_label,
        money=money,
    )


@post("/me/registrations/{registration_id:int}/payment", **PAGE_OPTS)
async def my_payment_start(request: Request, registration_id: FromPath[int]) -> Redirect:
    user = _user(request)
    if user is None:
        return _login(request)
    try:
        url = await payments.checkout_for(user, _settings(request), registration_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        set_flash(request, exc.detail(), "error")
        return Redirect(f"{_registration_url(registration_id)}/payment", status_code=303)
    if url:
        return Redirect(url, status_code=303)
    set_flash(request, _("Your payment has been received: your place is confirmed."))
    return Redirect(_registration_url(registration_id), status_code=303)


@get("/me/registrations/{registration_id:int}/payment/return", **PAGE_OPTS)
async def my_payment_return(
    request: Request, registration_id: FromPath[int], session_id: FromQuery[str] = ""
) -> Redirect:
    """Stripe's ``success_url``: settle the session at once, then show the registration."""
    user = _user(request)
    if user is None:
        return _login(request)
    try:
        status = await payments.sync_return(user, _settings(request), registration_id, session_id[:120])
    except DomainError as exc:
        if exc.status == 404:
            raise
        status = None  # Stripe unreachable: the webhook will settle it
    if status == "confirmed":
        set_flash(request, _("Your payment has been received: your place is confirmed."))
    elif status == "awaiting_pay" or status is None:
        set_flash(request, _("We are waiting for the payment provider to confirm your payment."), "info")
    else:
        set_flash(
            request, _("Your payment arrived after your seat was released. It will be refunded."), "error"
        )
    return Redirect(_registration_url(registration_id), status_code=303)


# -- organisers ------------------------------------------------------------------------------------
@get("/dashboard/events/{event_id:int}/payments", **ORGANISER_OPTS)
async def event_payments_page(
    request: Request, event_id: FromPath[int], status: FromQuery[str | None] = None
) -> Template:
    user = _user(request)
    assert user is not None
    event = await organiser_event(user, event_id)
    chosen = status if status in PAYMENT_STATUSES else None
    rows = await payment_refunds.event_payments(user, event_id)
    counts = dict.fromkeys(PAYMENT_STATUSES, 0)
    for row in rows:
        counts[row["status"]] += 1
    return await page(
        request,
        "registrations/payments_dashboard.html",
        event=event,
        items=[row for row in rows if chosen is None or row["status"] == chosen],
        refunds=[row for row in rows if row["status"] == "refund_due"],
        counts=counts,
        chosen=chosen,
        statuses=PAYMENT_STATUSES,
        payment_label=payment_label,
        status_label=status_label,
        money=money,
        configured=_settings(request).stripe.configured,
    )


@post("/dashboard/events/{event_id:int}/payments/{payment_id:int}/refund", **ORGANISER_OPTS)
async def event_payment_refund(
    request: Request, event_id: FromPath[int], payment_id: FromPath[int]
) -> Redirect:
    user = _user(request)
    assert user is not None
    data = await read_form(request)
    through_stripe = str(data.get("through_stripe", "1")) == "1"
    settings = _settings(request)
    gateway = gateway_for(settings.stripe) if settings.stripe.configured else None
    try:
        await payment_refunds.refund(user, event_id, payment_id, gateway, through_stripe)
    except DomainError as exc:
        if exc.status == 404:
            raise
        set_flash(request, exc.detail(), "error")
    else:
        set_flash(
            request,
            _("Refunded through Stripe.") if through_stripe else _("Recorded as refunded."),
        )
    return Redirect(f"/dashboard/events/{event_id}/payments", status_code=303)


ROUTES = [
    my_payment_page,
    my_payment_panel,
    my_payment_start,
    my_payment_return,
    event_payments_page,
    event_payment_refund,
]
