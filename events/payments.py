"""Paid tickets: hold a seat, send the attendee to Stripe Checkout, and take them back.

1. **Hold** (``hold_seat``): a ticket type with a price never confirms at once. In one
   transaction the pre-read is repeated, checked (``build_plan(paying=True)``), a seat is taken
   with the same conditional update as a free registration (``taken < capacity``) and the
   registration is written as ``awaiting_pay`` with ``offer_expires_at`` = the end of the hold,
   next to its ``TicketPayment`` (``open``). A full ticket type falls back to the waiting list
   exactly as a free one does.
2. **Checkout** (``start_checkout``): a Checkout Session in payment mode for the ticket's price,
   named in the attendee's language, expiring with the hold (Stripe wants at least 30 minutes),
   created with an idempotency key so a retried request never opens two. Its id is recorded;
   asking again returns the same open session.
3. **Settling** is ``events.payment_settlement`` (webhooks, the return from Checkout, the
   sweeper): paid confirms, expired releases, paid too late for a seat is ``refund_due``.

Free ticket types never come here: the hot path only learns a ticket's price from the columns
its single pre-read already returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.auth import CurrentUser
from app.errors import Conflict, DomainError
from app.i18n import N_, localized, use_locale
from app.payments.errors import PaymentsNotConfigured
from app.payments.gateway import StripeGateway, gateway_for
from app.settings import Settings
from events.registration_actions import TAKE_SEAT_SQL, announce
from events.registration_db import Tx, now, owned_registration, transaction
from events.registration_errors import AlreadyRegistered, CapacityExhausted, InvitationUsedUp
from events.registration_hot import INVITATION_USE_SQL, PREREAD_SQL, CodeClash
from events.registration_plan import RegistrationRequest, build_plan, needs_lookup

# How long a seat waits for its payment. Stripe keeps a Checkout Session open for at least 30
# minutes, and the session expires with the hold, so the hold is a little longer than that.
HOLD = dt.timedelta(minutes=35)
STRIPE_MIN_EXPIRY = dt.timedelta(minutes=30, seconds=30)
# A seat held after approval waits longer (the attendee learns of it by mail), but never longer
# than a Checkout Session can stay open (24 hours), so the session always expires with the hold.
MAX_HOLD = dt.timedelta(hours=23)
CODE_ATTEMPTS = 5
PURPOSE = "ticket"  # ``app.payments.handlers.PURPOSE_KEY`` value of ticket payments


class TicketPaymentsNotConfigured(PaymentsNotConfigured):
    status = 409
    message = N_("This ticket has a price, but online payments are not configured: it cannot be booked yet.")


class PaymentNotOpen(Conflict):
    code, message = "payment_not_open", N_("This registration has no payment waiting to be made.")


@dataclass(slots=True)
class Held:
    registration_id: int
    status: str  # awaiting_pay, or waitlisted / pending when no seat could be held
    plan: Any  # registration_hot.Plan
    payment_id: int | None
    hold_expires_at: dt.datetime | None


class Lookup(Exception):
    """The pre-read found no open event: ``events.registration`` explains why."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        super().__init__("lookup")
        self.rows = rows


INSERT_HELD_SQL = (
    'INSERT INTO luyan_registration (event, ticket_type, "user", status, code, attendee_name, '
    "attendee_email, attendee_organisation, answers, invitation_code, offer_expires_at, "
    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12, $11, $11) "
    "RETURNING id"
)
INSERT_PAYMENT_SQL = (
    "INSERT INTO luyan_ticket_payment (registration, stripe_checkout_session_id, "
    "stripe_payment_intent_id, amount_cents, currency, status, hold_expires_at, paid_at, created_at, "
    "updated_at) VALUES ($1, NULL, NULL, $2, $3, 'open', $4, NULL, $5, $5) RETURNING id"
)
PAYMENT_SQL = """
SELECT p.id, p.registration, p.stripe_checkout_session_id, p.stripe_payment_intent_id, p.amount_cents,
       p.currency, p.status, p.hold_expires_at, p.paid_at, p.created_at, p.updated_at,
       r.status AS registration_status, r."user", r.event, r.ticket_type, r.code, r.attendee_email,
       r.attendee_name, e.timezone,
       t.name_en, t.name_zh, e.title_en, e.title_zh, e.organisation, u.locale
FROM luyan_ticket_payment p
JOIN luyan_registration r ON r.id = p.registration
JOIN luyan_ticket_type t ON t.id = r.ticket_type
JOIN luyan_event e ON e.id = r.event
JOIN luyan_user u ON u.id = r."user"
"""


def _is_code_clash(exc: Exception) -> bool:
    text = str(exc)
    return "registration.code" in text or "registration_code" in text


def _is_unique_violation(exc: Exception) -> bool:
    return "unique" in str(exc).lower() or "duplicate key" in str(exc).lower()


def require_configured(settings: Settings) -> StripeGateway:
    if not settings.stripe.configured:
        raise TicketPaymentsNotConfigured()
    return gateway_for(settings.stripe)


async def hold_seat(request: RegistrationRequest) -> Held:
    """Register for a priced ticket: a held seat (``awaiting_pay``) or the fallback status."""
    for _attempt in range(CODE_ATTEMPTS):
        try:
            held = await _hold_once(request)
        except CodeClash:
            continue
        announce(
            {
                "id": held.registration_id,
                "event": request.event_id,
                "ticket_type": request.ticket_type_id,
                "user": request.user.id,
            },
            held.status,
        )
        return held
    raise RuntimeError("could not draw an unused registration code")  # pragma: no cover


async def _hold_once(request: RegistrationRequest) -> Held:
    try:
        async with transaction() as tx:
            rows = await tx.fetch(PREREAD_SQL, *request.preread_args)
            if needs_lookup(rows):
                raise Lookup(rows)
            plan = build_plan(request, rows, prerender=False, paying=True)
            invitation = plan.invitation_id
            if invitation is not None and not await tx.fetchrow(
                INVITATION_USE_SQL + " RETURNING id", invitation
            ):
                raise InvitationUsedUp()
            seat = plan.want_seat and await tx.fetchrow(TAKE_SEAT_SQL, plan.ticket_type_id) is not None
            head = rows[0]
            if not seat:  # full (or lost the last seat meanwhile): the waiting list, as for free tickets
                status = plan.fallback
                if status is None:
                    raise CapacityExhausted()
                found = await tx.fetchrow(INSERT_HELD_SQL, *plan.insert_args(status), None)
                assert found is not None
                await tx.queue_mail(
                    plan.email,
                    plan.mails.get(status),
                    f"registration.{status}",
                    plan.organisation_id,
                    plan.event_id,
                )
                return Held(found["id"], status, plan, None, None)
            hold = plan.now + HOLD
            found = await tx.fetchrow(INSERT_HELD_SQL, *plan.insert_args("awaiting_pay"), hold)
            assert found is not None
            payment = await tx.fetchrow(
                INSERT_PAYMENT_SQL, found["id"], head["price_cents"], head["currency"], hold, plan.now
            )
            assert payment is not None
            return Held(found["id"], "awaiting_pay", plan, payment["id"], hold)
    except (Lookup, CodeClash, DomainError):
        raise
    except Exception as exc:
        if not _is_unique_violation(exc):
            raise
        if _is_code_clash(exc):
            raise CodeClash() from exc
        raise AlreadyRegistered() from exc


async def open_payment(tx: Tx, row: dict[str, Any], until: dt.datetime) -> int:
    """A payment for a seat already held (approval, waiting-list offer), inside the caller's
    transaction; the Checkout Session is opened when the attendee goes to pay."""
    found = await tx.fetchrow(
        INSERT_PAYMENT_SQL, row["id"], row["price_cents"], row["currency"], until, now()
    )
    assert found is not None
    return int(found["id"])


async def payment_row(where: str, *args: Any) -> dict[str, Any] | None:
    from app.db import fast

    return await fast().fetchrow(PAYMENT_SQL + where, *args)


async def latest_payment(registration_id: int) -> dict[str, Any] | None:
    return await payment_row("WHERE p.registration = $1 ORDER BY p.id DESC LIMIT 1", registration_id)


async def start_checkout(settings: Settings, payment_id: int) -> str | None:
    """The Checkout URL of an open ticket payment: the recorded session, or a new one.

    ``None`` when the session turned out to be paid already (it is then settled here).
    """
    from events import payment_settlement as settlement

    gateway = require_configured(settings)
    row = await payment_row("WHERE p.id = $1", payment_id)
    if row is None or row["status"] != "open" or row["registration_status"] != "awaiting_pay":
        raise PaymentNotOpen()
    if row["stripe_checkout_session_id"]:
        checkout = await gateway.retrieve_checkout_session(row["stripe_checkout_session_id"])
        if checkout.status == "open" and checkout.url:
            return checkout.url
        await settlement.apply_checkout(checkout, payment_id)
        if checkout.status == "complete":
            return None
        raise PaymentNotOpen()
    expires = max(row["hold_expires_at"], now() + STRIPE_MIN_EXPIRY)
    if expires != row["hold_expires_at"]:
        await _extend_hold(row, expires)
    base = settings.public_base_url.rstrip("/")
    registration_id = row["registration"]
    with use_locale(row["locale"] or "en"):
        name = f"{localized(row['name_en'], row['name_zh'])} · {localized(row['title_en'], row['title_zh'])}"
    metadata = {
        "purpose": PURPOSE,
        "ticket_payment_id": str(payment_id),
        "registration_id": str(registration_id),
        "event_id": str(row["event"]),
    }
    checkout = await gateway.create_payment_checkout(
        name=name[:250],
        amount=row["amount_cents"],
        currency=row["currency"],
        customer_email=row["attendee_email"],
        client_reference_id=str(registration_id),
        metadata=metadata,
        expires_at=int(expires.timestamp()),
        success_url=f"{base}/me/registrations/{registration_id}/payment/return?session_id={{CHECKOUT_SESSION_ID}}",
        cancel_url=f"{base}/me/registrations/{registration_id}",
        idempotency_key=f"luyan-ticket-payment-{payment_id}-{int(expires.timestamp())}",
        locale="zh" if (row["locale"] or "").startswith("zh") else "en",
    )
    async with transaction() as tx:
        await tx.execute(
            "UPDATE luyan_ticket_payment SET stripe_checkout_session_id = $2, updated_at = $3 "
            "WHERE id = $1 AND stripe_checkout_session_id IS NULL",
            payment_id,
            checkout.id,
            now(),
        )
    return checkout.url


async def _extend_hold(row: dict[str, Any], expires: dt.datetime) -> None:
    """Before the first session only: Stripe needs 30 minutes, so a late first try holds longer."""
    async with transaction() as tx:
        await tx.execute(
            "UPDATE luyan_ticket_payment SET hold_expires_at = $2, updated_at = $3 "
            "WHERE id = $1 AND status = 'open' AND stripe_checkout_session_id IS NULL",
            row["id"],
            expires,
            now(),
        )
        await tx.execute(
            "UPDATE luyan_registration SET offer_expires_at = $2 WHERE id = $1 AND status = 'awaiting_pay'",
            row["registration"],
            expires,
        )


async def checkout_for(user: CurrentUser, settings: Settings, registration_id: int) -> str | None:
    """The attendee's own registration awaiting payment: where to pay (someone else's: 404)."""
    await owned_registration(user, registration_id)
    row = await latest_payment(registration_id)
    if row is None:
        raise PaymentNotOpen()
    return await start_checkout(settings, row["id"])


async def sync_return(
    user: CurrentUser, settings: Settings, registration_id: int, session_id: str
) -> str | None:
    """Back from Checkout: read the session from Stripe and settle it now, so the page is right
    even before the webhook arrives. Only a session recorded on the user's own registration is
    read (anything else: 404). Returns the registration's status afterwards."""
    from app.errors import NotFound
    from events import payment_settlement as settlement

    await owned_registration(user, registration_id)
    row = await payment_row(
        "WHERE p.registration = $1 AND p.stripe_checkout_session_id = $2", registration_id, session_id
    )
    if row is None or not settings.stripe.configured:
        raise NotFound()
    checkout = await gateway_for(settings.stripe).retrieve_checkout_session(session_id)
    await settlement.apply_checkout(checkout, row["id"])
    after = await payment_row("WHERE p.id = $1", row["id"])
    return after["registration_status"] if after else None
