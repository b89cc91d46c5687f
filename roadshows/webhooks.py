"""Stripe webhooks: verified, applied once, read back from Stripe, and only ever moving forward.

1. **Verify** the ``Stripe-Signature`` header with the SDK (a wrong secret, an altered body or a
   timestamp older than five minutes answers 400 and changes nothing).
2. **Claim** the event id: a row in ``StripeWebhookEvent`` (unique ``stripe_event_id``). Of five
   simultaneous deliveries one inserts it; the others hit the unique index and are answered
   ``duplicate``. A claim left unfinished (the process died mid-way) may be taken over after
   ``STALE_CLAIM``; a failed Stripe read releases the claim and answers 503 so Stripe retries.
3. **Re-read** the object the event names (Checkout Session, invoice, subscription) from Stripe:
   the event is only a trigger, its payload may be stale or out of order.
   Checkout Sessions of another mode (``payment``: paid tickets) and PaymentIntents go to the
   handler their domain registered in ``app.payments.handlers``, which applies them idempotently.
4. **Apply forward only**, in one transaction with the event's ``processed_at``: a cancelled
   subscription is final (a late ``customer.subscription.updated`` cannot resurrect it), and an
   event older than the newest one applied to the row (``stripe_updated``) changes nothing.

The institution's admins get a mail when the subscription becomes live, when a payment fails,
and when it is cancelled. Access itself is read from the rows on every request
(``roadshows.entitlements``), so ``past_due`` or ``canceled`` takes access away at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from app.accounts.tables import InstitutionMember
from app.auth import CurrentUser
from app.db import is_sqlite
from app.errors import NotFound
from app.mail.outbox import enqueue, render_mail
from app.payments.errors import PaymentObjectMissing
from app.payments.gateway import CheckoutSnapshot, StripeGateway, SubscriptionSnapshot, WebhookEvent
from app.payments.handlers import checkout_handler, payment_intent_handler
from app.settings import get_settings
from roadshows.subscription_schemas import WebhookReceived
from roadshows.subscriptions import (
    PLAN_NAMES,
    TERMINAL_STATUSES,
    institution_row,
    is_live,
    member_role,
    now,
    plan_for_price,
)
from roadshows.tables import InstitutionSubscription, StripeWebhookEvent

log = logging.getLogger("luyan.webhooks")
STALE_CLAIM = dt.timedelta(minutes=5)
SUBSCRIPTION_EVENTS = ("customer.subscription.updated", "customer.subscription.deleted")
INVOICE_EVENTS = ("invoice.paid", "invoice.payment_failed")
# Delayed payment methods complete a session unpaid and settle later: re-read all the same.
ASYNC_CHECKOUT_EVENTS = (
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
)
PAYMENT_INTENT_EVENTS = (
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
)
HANDLED_EVENTS = (
    "checkout.session.completed",
    "checkout.session.expired",
    *ASYNC_CHECKOUT_EVENTS,
    *INVOICE_EVENTS,
    *SUBSCRIPTION_EVENTS,
    *PAYMENT_INTENT_EVENTS,
)


def _is_unique_violation(exc: Exception) -> bool:
    return "unique" in str(exc).lower()


# -- claiming an event -----------------------------------------------------------------------------
async def _claim(event: WebhookEvent) -> bool:
    """True if this delivery is the one that applies ``event`` (race-safe by the unique index)."""
    try:
        await StripeWebhookEvent.insert(
            StripeWebhookEvent(stripe_event_id=event.id, type=event.type[:60], received_at=now())
        )
        return True
    except Exception as exc:
        if not _is_unique_violation(exc):
            raise
    taken = (
        await StripeWebhookEvent.update({StripeWebhookEvent.received_at: now()})
        .where(
            (StripeWebhookEvent.stripe_event_id == event.id)
            & StripeWebhookEvent.processed_at.is_null()
            & (StripeWebhookEvent.received_at < now() - STALE_CLAIM)
        )
        .returning(StripeWebhookEvent.id)
    )
    return bool(taken)


async def _release(event_id: str) -> None:
    await StripeWebhookEvent.delete().where(
        (StripeWebhookEvent.stripe_event_id == event_id) & StripeWebhookEvent.processed_at.is_null()
    )


async def _mark_processed(event_id: str | None, outcome: str) -> None:
    if event_id is not None:
        await StripeWebhookEvent.update(
            {StripeWebhookEvent.processed_at: now(), StripeWebhookEvent.outcome: outcome[:200]}
        ).where(StripeWebhookEvent.stripe_event_id == event_id)


# -- receiving -----------------------------------------------------------------------------------
async def receive(gateway: StripeGateway, payload: bytes, signature: str | None) -> WebhookReceived:
    event = gateway.verify_event(payload, signature)
    if not await _claim(event):
        return WebhookReceived(received=True, duplicate=True, outcome="duplicate")
    try:
        outcome = await _dispatch(gateway, event)
    except PaymentObjectMissing:
        # An object Stripe does not know (deleted, or from another account or mode): retrying
        # would not help, so the event is acknowledged.
        outcome = "ignored: object not found in Stripe"
        await _mark_processed(event.id, outcome)
    except BaseException:
        await _release(event.id)  # Stripe unreachable, or a crash: let Stripe deliver it again
        raise
    log.info("stripe event %s (%s): %s", event.id, event.type, outcome)
    return WebhookReceived(received=True, duplicate=False, outcome=outcome)


async def _dispatch(gateway: StripeGateway, event: WebhookEvent) -> str:
    """Re-read the object the event names, then apply it (marking the event processed)."""
    object_id = event.object_id
    if event.type not in HANDLED_EVENTS or not object_id:
        async with StripeWebhookEvent._meta.db.transaction():
            await _mark_processed(event.id, "ignored: not handled")
        return "ignored: not handled"
    checkout: CheckoutSnapshot | None = None
    if event.type in PAYMENT_INTENT_EVENTS:
        return await _hand_over_intent(gateway, event, object_id)
    if event.type.startswith("checkout.session."):
        checkout = await gateway.retrieve_checkout_session(object_id)
        handler = checkout_handler(checkout.mode)
        if handler is not None and checkout.mode != "subscription":
            return await _handed_over(event, await handler(gateway, checkout, event))
    if event.type == "checkout.session.expired":
        assert checkout is not None
        return await expire_checkout(checkout, event.id)
    if event.type in ASYNC_CHECKOUT_EVENTS:
        async with StripeWebhookEvent._meta.db.transaction():
            await _mark_processed(event.id, "ignored: not handled")
        return "ignored: not handled"
    if event.type == "checkout.session.completed":
        assert checkout is not None
        subscription_id = checkout.subscription
    elif event.type in INVOICE_EVENTS:
        subscription_id = (await gateway.retrieve_invoice(object_id)).subscription
    else:
        subscription_id = object_id
    if not subscription_id:
        async with StripeWebhookEvent._meta.db.transaction():
            await _mark_processed(event.id, "ignored: no subscription")
        return "ignored: no subscription"
    sub = await gateway.retrieve_subscription(subscription_id)
    return await apply_subscription(
        gateway,
        sub,
        event_id=event.id,
        event_created=event.created,
        checkout=checkout,
        payment_failed=event.type == "invoice.payment_failed",
    )


async def _handed_over(event: WebhookEvent, outcome: str) -> str:
    """A registered handler applied the object (idempotently); record the event as processed."""
    await _mark_processed(event.id, outcome)
    return outcome


async def _hand_over_intent(gateway: StripeGateway, event: WebhookEvent, intent_id: str) -> str:
    intent = await gateway.retrieve_payment_intent(intent_id)
    handler = payment_intent_handler(intent)
    if handler is None:
        return await _handed_over(event, "ignored: no handler for this payment")
    return await _handed_over(event, await handler(gateway, intent, event))


async def expire_checkout(checkout: CheckoutSnapshot, event_id: str) -> str:
    """A Checkout Session nobody paid: its ``incomplete`` row becomes ``incomplete_expired``."""
    async with InstitutionSubscription._meta.db.transaction():
        if checkout.status != "expired":
            outcome = f"ignored: checkout is {checkout.status}"
        else:
            expired = (
                await InstitutionSubscription.update(
                    {
                        InstitutionSubscription.status: "incomplete_expired",
                        InstitutionSubscription.updated_at: now(),
                    }
                )
                .where(
                    (InstitutionSubscription.stripe_checkout_session_id == checkout.id)
                    & (InstitutionSubscription.status == "incomplete")
                    & InstitutionSubscription.stripe_subscription_id.is_null()
                )
                .returning(InstitutionSubscription.id)
            )
            outcome = "incomplete -> incomplete_expired" if expired else "ignored: nothing to expire"
        await _mark_processed(event_id, outcome)
    return outcome


# -- applying a subscription's state -----------------------------------------------------------------
async def _find_row(sub: SubscriptionSnapshot, checkout: CheckoutSnapshot | None) -> dict[str, Any] | None:
    """The row this Stripe subscription belongs to, locked for the transaction (PostgreSQL)."""
    found = await InstitutionSubscription.select(InstitutionSubscription.id).where(
        InstitutionSubscription.stripe_subscription_id == sub.id
    )
    if not found:
        # Not linked yet (``invoice.paid`` may come before ``checkout.session.completed``): the
        # metadata set at Checkout names our row and institution; both must agree.
        meta = {**(checkout.metadata if checkout else {}), **sub.metadata}
        row_id, institution = meta.get("subscription_row", ""), meta.get("institution_id", "")
        if row_id.isdigit() and institution.isdigit():
            found = await InstitutionSubscription.select(InstitutionSubscription.id).where(
                (InstitutionSubscription.id == int(row_id))
                & (InstitutionSubscription.institution == int(institution))
                & (InstitutionSubscription.source == "stripe")
                & InstitutionSubscription.stripe_subscription_id.is_null()
            )
    if not found and checkout is not None:
        found = await InstitutionSubscription.select(InstitutionSubscription.id).where(
            (InstitutionSubscription.stripe_checkout_session_id == checkout.id)
            & InstitutionSubscription.stripe_subscription_id.is_null()
        )
    if not found:
        return None
    query = InstitutionSubscription.select().where(InstitutionSubscription.id == found[0]["id"])
    if not is_sqlite():
        query = query.lock_rows("update")  # type: ignore[assignment]
    return await query.first()


def _period_end(sub: SubscriptionSnapshot) -> dt.datetime | None:
    if sub.current_period_end is None:
        return None
    return dt.datetime.fromtimestamp(sub.current_period_end, dt.UTC)


async def apply_subscription(
    gateway: StripeGateway,
    sub: SubscriptionSnapshot,
    *,
    event_id: str | None,
    event_created: int,
    checkout: CheckoutSnapshot | None = None,
    payment_failed: bool = False,
) -> str:
    """Apply Stripe's current state of ``sub`` to its row, forward only; returns the outcome."""
    async with InstitutionSubscription._meta.db.transaction():
        row = await _find_row(sub, checkout)
        if row is None:
            outcome = "ignored: unknown subscription"
        elif row["status"] in TERMINAL_STATUSES:
            outcome = f"ignored: subscription already {row['status']}"
        elif event_created and event_created < row["stripe_updated"]:
            outcome = "ignored: older than the state applied"
        else:
            outcome = await _update_row(gateway, row, sub, event_created)
            if payment_failed:
                await _mail_admins(row["institution"], "subscription_payment_failed", row)
                outcome += "; payment failure notified"
        await _mark_processed(event_id, outcome)
    return outcome


async def _update_row(
    gateway: StripeGateway, row: dict[str, Any], sub: SubscriptionSnapshot, event_created: int
) -> str:
    changes: dict[Any, Any] = {
        InstitutionSubscription.status: sub.status,
        InstitutionSubscription.stripe_subscription_id: sub.id,
        InstitutionSubscription.current_period_end: _period_end(sub),
        InstitutionSubscription.cancel_at_period_end: sub.cancel_at_period_end,
        InstitutionSubscription.seats: max(1, sub.quantity),
        InstitutionSubscription.stripe_updated: max(row["stripe_updated"], event_created),
        InstitutionSubscription.updated_at: now(),
    }
    if sub.customer:
        changes[InstitutionSubscription.stripe_customer_id] = sub.customer
    plan = plan_for_price(gateway.settings, sub.price_id)
    if plan:
        changes[InstitutionSubscription.plan] = plan
    await InstitutionSubscription.update(changes).where(InstitutionSubscription.id == row["id"])
    after = {**row, "status": sub.status, "current_period_end": _period_end(sub), "plan": plan or row["plan"]}
    if is_live(after) and not is_live(row):
        await _mail_admins(row["institution"], "subscription_active", after)
    elif sub.status == "canceled" and row["status"] != "canceled":
        await _mail_admins(row["institution"], "subscription_canceled", after)
    return f"{row['status']} -> {sub.status}"


async def admin_recipients(institution_id: int) -> list[dict[str, Any]]:
    """The institution's admins with an active account: email, name, locale."""
    return (
        await InstitutionMember.select(
            InstitutionMember.user.email.as_alias("email"),
            InstitutionMember.user.display_name.as_alias("display_name"),
            InstitutionMember.user.locale.as_alias("locale"),
        )
        .where(
            (InstitutionMember.institution == institution_id)
            & (InstitutionMember.role == "admin")
            & (InstitutionMember.user.is_active == True)  # noqa: E712
        )
        .order_by(InstitutionMember.id)
    )


async def _mail_admins(institution_id: int, template: str, row: dict[str, Any]) -> None:
    """Queue ``template`` to every admin of the institution (inside the caller's transaction)."""
    institution = await institution_row(institution_id)
    link = f"{get_settings().public_base_url}/me/institution?institution={institution_id}"
    for person in await admin_recipients(institution_id):
        mail = render_mail(
            template,
            person["locale"] or "en",
            name=person["display_name"],
            institution_en=institution["name_en"],
            institution_zh=institution["name_zh"],
            plan_label=PLAN_NAMES.get(row["plan"], row["plan"]),
            seats=row["seats"],
            period_end=row["current_period_end"].strftime("%Y-%m-%d") if row["current_period_end"] else "",
            link=link,
        )
        await enqueue(person["email"], mail, template.replace("_", ".", 1))


# -- the return from Checkout ----------------------------------------------------------------------
async def sync_checkout(
    user: CurrentUser, institution_id: int, session_id: str, gateway: StripeGateway
) -> str | None:
    """On the return to ``success_url``: read the session back from Stripe and apply it at once,
    so the page is right even if the webhooks are still on their way. Only a session recorded
    on one of the institution's own rows is read (anything else: 404)."""
    await member_role(user, institution_id)
    known = await InstitutionSubscription.exists().where(
        (InstitutionSubscription.institution == institution_id)
        & (InstitutionSubscription.stripe_checkout_session_id == session_id)
    )
    if not known or not gateway.configured:
        raise NotFound()
    checkout = await gateway.retrieve_checkout_session(session_id)
    if checkout.status != "complete" or not checkout.subscription:
        return None
    sub = await gateway.retrieve_subscription(checkout.subscription)
    return await apply_subscription(gateway, sub, event_id=None, event_created=0, checkout=checkout)
