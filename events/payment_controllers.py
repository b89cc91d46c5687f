"""Ticket payments API: an attendee's payment and where to pay it; an event's payments and refunds."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK

from app.auth import current_user, requires_login, requires_organiser
from app.payments.gateway import gateway_for
from app.settings import Settings
from events import payment_refunds, payments
from events.payment_schemas import (
    PAYMENT_STATUSES,
    CheckoutStarted,
    PaymentStatus,
    RefundCreate,
    TicketPaymentRead,
    payment_read,
)

TAGS = ["registrations"]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


@get(
    "/api/v1/registrations/{registration_id:int}/payment",
    guards=[requires_login],
    tags=TAGS,
    summary="The payment of a registration",
    description="The latest ticket payment of your own registration (or one of your event's). 404 otherwise.",
)
async def get_registration_payment(request: Request, registration_id: FromPath[int]) -> TicketPaymentRead:
    row = await payment_refunds.registration_payment(current_user(request), registration_id)
    return payment_read(row)


@post(
    "/api/v1/registrations/{registration_id:int}/payment/checkout",
    guards=[requires_login],
    tags=TAGS,
    status_code=HTTP_200_OK,
    summary="Pay for a held seat",
    description=(
        "For your own registration in `awaiting_pay`: the Stripe Checkout URL to pay on (the open "
        "session again if there is one). `checkout_url` is null when the payment has just "
        "completed. Errors: 409 `payment_not_open`, `payments_not_configured`; 503 "
        "`payment_provider_unavailable`."
    ),
)
async def start_registration_checkout(request: Request, registration_id: FromPath[int]) -> CheckoutStarted:
    user = current_user(request)
    url = await payments.checkout_for(user, _settings(request), registration_id)
    row = await payment_refunds.registration_payment(user, registration_id)
    return CheckoutStarted(registration_id=registration_id, checkout_url=url, payment=payment_read(row))


@get(
    "/api/v1/events/{event_id:int}/registrations/payments",
    guards=[requires_organiser],
    tags=TAGS,
    summary="An event's ticket payments",
    description="Newest first. `status=refund_due` lists the payments that need a refund.",
)
async def list_event_payments(
    request: Request, event_id: FromPath[int], status: FromQuery[PaymentStatus | None] = None
) -> list[TicketPaymentRead]:
    rows = await payment_refunds.event_payments(
        current_user(request), event_id, status if status in PAYMENT_STATUSES else None
    )
    return [payment_read(row) for row in rows]


@post(
    "/api/v1/events/{event_id:int}/registrations/payments/{payment_id:int}/refund",
    guards=[requires_organiser],
    tags=TAGS,
    status_code=HTTP_200_OK,
    summary="Refund a ticket payment",
    description=(
        "Only for a payment in `refund_due`: refunds it through Stripe (`through_stripe`, the "
        "default) or records a refund made elsewhere. Errors: 409 `no_refund_due`, "
        "`refund_not_possible_at_stripe`, `payments_not_configured`."
    ),
)
async def refund_event_payment(
    request: Request, event_id: FromPath[int], payment_id: FromPath[int], data: JSONBody[RefundCreate]
) -> TicketPaymentRead:
    settings = _settings(request)
    gateway = gateway_for(settings.stripe) if settings.stripe.configured else None
    row = await payment_refunds.refund(
        current_user(request), event_id, payment_id, gateway, data.through_stripe
    )
    return payment_read(row)


ROUTES = [get_registration_payment, start_registration_checkout, list_event_payments, refund_event_payment]
