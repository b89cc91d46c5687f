"""Who may see which ticket payment, and refunds of payments that could not buy a seat.

Attendees see the payments of their own registrations; organisers those of their events (with
the list of payments needing a refund). Anyone else gets 404, as for a missing payment.

A refund is due when money arrived for a seat that was gone (``events.payment_settlement``).
The organiser refunds it through Stripe (``POST /v1/refunds`` with an idempotency key per
payment, so a double click is one refund) or records a refund made another way; either moves
the payment ``refund_due -> refunded`` once, by a conditional update, and mails the attendee.
"""

from __future__ import annotations

from typing import Any

from app.auth import CurrentUser
from app.errors import Conflict, NotFound
from app.i18n import N_
from app.mail.outbox import wake_sender
from app.payments.gateway import StripeGateway
from events.access import organiser_event
from events.payments import TicketPaymentsNotConfigured, latest_payment, payment_row
from events.registration_actions import mails_for
from events.registration_db import load, now, transaction, visible_registration


class NoRefundDue(Conflict):
    code, message = "no_refund_due", N_("Only payments marked as needing a refund can be refunded.")


class NothingToRefundAtStripe(Conflict):
    code, message = (
        "refund_not_possible_at_stripe",
        N_("Stripe has no completed payment for this ticket: record the refund as made elsewhere."),
    )


async def registration_payment(user: CurrentUser, registration_id: int) -> dict[str, Any]:
    """The latest payment of a registration the user may see (their own, or their event's)."""
    await visible_registration(user, registration_id)
    row = await latest_payment(registration_id)
    if row is None:
        raise NotFound()
    return row


async def event_payments(user: CurrentUser, event_id: int, status: str | None = None) -> list[dict[str, Any]]:
    """An event's ticket payments, newest first; ``status`` filters (e.g. ``refund_due``)."""
    await organiser_event(user, event_id)
    if status:
        return await _fetch("WHERE r.event = $1 AND p.status = $2 ORDER BY p.id DESC", event_id, status)
    return await _fetch("WHERE r.event = $1 ORDER BY p.id DESC", event_id)


async def _fetch(where: str, *args: Any) -> list[dict[str, Any]]:
    from app.db import fast
    from events.payments import PAYMENT_SQL

    return await fast().fetch(PAYMENT_SQL + where, *args)


async def refund(
    user: CurrentUser, event_id: int, payment_id: int, gateway: StripeGateway | None, through_stripe: bool
) -> dict[str, Any]:
    """Refund a ``refund_due`` payment of the organiser's event; returns the payment."""
    await organiser_event(user, event_id)
    row = await payment_row("WHERE p.id = $1 AND r.event = $2", payment_id, event_id)
    if row is None:
        raise NotFound()
    if row["status"] != "refund_due":
        raise NoRefundDue()
    if through_stripe:
        if gateway is None or not gateway.configured:
            raise TicketPaymentsNotConfigured()
        if not row["stripe_payment_intent_id"]:
            raise NothingToRefundAtStripe()
        await gateway.create_refund(
            payment_intent=row["stripe_payment_intent_id"],
            idempotency_key=f"luyan-ticket-refund-{payment_id}",
            metadata={"ticket_payment_id": str(payment_id), "registration_id": str(row["registration"])},
        )
    registration = await load(row["registration"])
    assert registration is not None
    mail = mails_for(registration).get("payment_refunded")
    async with transaction() as tx:
        done = await tx.fetchrow(
            "UPDATE luyan_ticket_payment SET status = 'refunded', updated_at = $2 "
            "WHERE id = $1 AND status = 'refund_due' RETURNING id",
            payment_id,
            now(),
        )
        if done is not None:
            await tx.queue_mail(
                registration["attendee_email"],
                mail,
                "registration.payment_refunded",
                registration["organisation"],
                registration["event"],
            )
    if done is not None:
        wake_sender()
    found = await payment_row("WHERE p.id = $1", payment_id)
    assert found is not None
    return found


async def payment_states(registration_ids: list[int]) -> dict[int, str]:
    """The latest payment status of each of these registrations (for the organiser's table)."""
    from events.tables import TicketPayment

    if not registration_ids:
        return {}
    rows = (
        await TicketPayment.select(TicketPayment.registration, TicketPayment.status)
        .where(TicketPayment.registration.is_in(registration_ids))
        .order_by(TicketPayment.id)
    )
    return {row["registration"]: row["status"] for row in rows}
