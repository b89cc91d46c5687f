"""The subscriptions API (tag ``subscriptions``): plans, Checkout, the billing portal, seats,
complimentary access, and the Stripe webhook.

Institution operations are guarded by sign-in, then by ``roadshows.subscriptions.member_role``:
people outside the institution get 404, exactly as for an institution that does not exist;
members who are not its admins get 403 ``not_institution_admin`` for admin operations.
"""

from __future__ import annotations

from litestar import Request, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from app.auth import current_user, public, requires_admin, requires_login
from app.i18n import current_locale
from app.payments.gateway import StripeGateway, gateway_for
from app.settings import Settings
from roadshows import seats, subscriptions, webhooks
from roadshows.subscription_schemas import (
    CheckoutCreate,
    CheckoutStarted,
    ComplimentaryCreate,
    InstitutionAccessRead,
    PlansRead,
    PortalStarted,
    SeatAssign,
    SeatRead,
    SubscriptionRead,
    WebhookReceived,
)

TAGS = ["subscriptions"]
INSTITUTION = "/api/v1/institutions/{institution_id:int}"


def app_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def gateway(request: Request) -> StripeGateway:
    return gateway_for(app_settings(request).stripe)


@get(
    "/api/v1/subscriptions/plans",
    guards=[public],
    tags=TAGS,
    summary="The databank's plans, and whether online payment is configured",
    description="`configured` is false until Stripe keys and prices are set: then Checkout answers 503.",
)
async def get_plans(request: Request) -> PlansRead:
    return subscriptions.plans(app_settings(request).stripe)


@get(
    f"{INSTITUTION}/subscription",
    guards=[requires_login],
    tags=TAGS,
    summary="An institution's databank access: subscriptions, seats and who holds them (members)",
    description="Admins also get the member list (who may be given a seat).",
)
async def get_institution_access(request: Request, institution_id: FromPath[int]) -> InstitutionAccessRead:
    return await subscriptions.overview(current_user(request), institution_id)


@post(
    f"{INSTITUTION}/subscription/checkout",
    guards=[requires_login],
    tags=TAGS,
    status_code=HTTP_201_CREATED,
    summary="Start Stripe Checkout for a subscription (institution admins)",
    description=(
        "Creates (or reuses) the institution's Stripe customer and a Checkout Session in "
        "subscription mode; send the person to `url`. The subscription becomes live when Stripe "
        "confirms the payment (webhooks). Errors: 503 `payments_not_configured`, 409 "
        "`plan_not_available`, `already_subscribed`; 403 `not_institution_admin`; 503 "
        "`payment_provider_unavailable`."
    ),
)
async def start_checkout(
    request: Request, institution_id: FromPath[int], data: JSONBody[CheckoutCreate]
) -> CheckoutStarted:
    return await subscriptions.start_checkout(
        current_user(request),
        institution_id,
        data.plan,
        data.seats,
        gateway=gateway(request),
        base_url=app_settings(request).public_base_url,
        locale=current_locale.get(),
    )


@post(
    f"{INSTITUTION}/subscription/portal",
    guards=[requires_login],
    tags=TAGS,
    status_code=HTTP_201_CREATED,
    summary="Open the Stripe customer portal (institution admins)",
    description="Invoices, payment method, seats and cancelling. Errors: 409 `no_billing_account`.",
)
async def open_portal(request: Request, institution_id: FromPath[int]) -> PortalStarted:
    return await subscriptions.open_portal(
        current_user(request),
        institution_id,
        gateway=gateway(request),
        base_url=app_settings(request).public_base_url,
    )


@get(
    f"{INSTITUTION}/seats",
    guards=[requires_login],
    tags=TAGS,
    summary="Who holds the institution's databank seats (members)",
)
async def list_seats(request: Request, institution_id: FromPath[int]) -> list[SeatRead]:
    return await seats.list_seats(current_user(request), institution_id)


@post(
    f"{INSTITUTION}/seats",
    guards=[requires_login],
    tags=TAGS,
    status_code=HTTP_200_OK,
    summary="Give a member a seat (institution admins)",
    description="Idempotent. Errors: 409 `no_free_seat`; 404 `not_a_member`.",
)
async def assign_seat(
    request: Request, institution_id: FromPath[int], data: JSONBody[SeatAssign]
) -> SeatRead:
    return await seats.assign_seat(current_user(request), institution_id, data.user_id)


@delete(
    f"{INSTITUTION}/seats/{{user_id:int}}",
    guards=[requires_login],
    tags=TAGS,
    status_code=HTTP_204_NO_CONTENT,
    summary="Free a member's seat (institution admins)",
)
async def remove_seat(request: Request, institution_id: FromPath[int], user_id: FromPath[int]) -> None:
    await seats.remove_seat(current_user(request), institution_id, user_id)


@post(
    f"{INSTITUTION}/complimentary",
    guards=[requires_admin],
    tags=TAGS,
    status_code=HTTP_201_CREATED,
    summary="Grant complimentary access: N seats until a date (platform admins)",
    description="No payment involved; access ends at the end of `until` (UTC).",
)
async def grant_complimentary(
    request: Request, institution_id: FromPath[int], data: JSONBody[ComplimentaryCreate]
) -> SubscriptionRead:
    return await subscriptions.grant_complimentary(
        current_user(request), institution_id, data.seats, data.until, data.note
    )


@post(
    "/api/v1/subscriptions/{subscription_id:int}/revoke",
    guards=[requires_admin],
    tags=TAGS,
    status_code=HTTP_200_OK,
    summary="Revoke complimentary access at once (platform admins)",
    description="Only complimentary grants; Stripe subscriptions are cancelled in Stripe.",
)
async def revoke_complimentary(request: Request, subscription_id: FromPath[int]) -> SubscriptionRead:
    return await subscriptions.revoke_complimentary(current_user(request), subscription_id)


@post(
    "/api/v1/stripe/webhook",
    guards=[public],
    tags=TAGS,
    status_code=HTTP_200_OK,
    summary="Stripe webhook endpoint (signed by Stripe)",
    description=(
        "Authenticated by the `Stripe-Signature` header alone (400 `invalid_signature` for a "
        "wrong or stale signature or an altered body). Each event is applied once; the object "
        "is re-read from Stripe; 503 asks Stripe to retry later."
    ),
    opt={"exclude_from_csrf": True},
)
async def stripe_webhook(request: Request) -> WebhookReceived:
    payload = await request.body()
    return await webhooks.receive(gateway(request), payload, request.headers.get("stripe-signature"))


ROUTES = [
    get_plans,
    get_institution_access,
    start_checkout,
    open_portal,
    list_seats,
    assign_seat,
    remove_seat,
    grant_complimentary,
    revoke_complimentary,
    stripe_webhook,
]
