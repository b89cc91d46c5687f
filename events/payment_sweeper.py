"""Holds whose time ran out without any word from Stripe: release their seats.

Normally Stripe's ``checkout.session.expired`` releases a hold. If that event is late or lost,
``sweep_holds`` finds open payments past ``hold_expires_at``, asks Stripe to expire the session
(so it can no longer be paid) and releases the seat. If Stripe answers that the session was
paid after all, the payment is settled instead (confirmed, or ``refund_due`` if the seat is
gone). If Stripe cannot be reached the seat is released all the same: a payment arriving later
takes the late-payment path and never oversells. Conditional updates keep several processes
from releasing the same seat twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from app.db import fast
from app.payments.errors import PaymentProviderRejected, PaymentProviderUnavailable
from app.payments.gateway import StripeGateway, gateway_for
from app.settings import Settings
from events.payment_settlement import apply_checkout, release
from events.registration_db import now

log = logging.getLogger("luyan.payments")
SWEEP_SECONDS = 30.0
BATCH = 500

LAPSED_SQL = (
    "SELECT id, stripe_checkout_session_id FROM luyan_ticket_payment "
    "WHERE status = 'open' AND hold_expires_at < $1 ORDER BY id LIMIT 500"
)


async def _settle_at_stripe(gateway: StripeGateway, payment_id: int, session_id: str) -> bool:
    """True if Stripe's session decided the payment (paid, or expired there)."""
    try:
        checkout = await gateway.retrieve_checkout_session(session_id)
        if checkout.status == "open":
            try:
                checkout = await gateway.expire_checkout_session(session_id)
            except PaymentProviderRejected:  # completed a moment ago: read what it became
                checkout = await gateway.retrieve_checkout_session(session_id)
    except (PaymentProviderUnavailable, PaymentProviderRejected) as exc:
        log.warning("hold of ticket payment %s lapsed; Stripe unavailable (%s): releasing", payment_id, exc)
        return False
    if checkout.status in ("complete", "expired"):
        await apply_checkout(checkout, payment_id)
        return True
    return False


async def sweep_holds(gateway: StripeGateway | None, moment: dt.datetime | None = None) -> int:
    """Settle or release every lapsed hold; returns how many were looked at."""
    rows = await fast().fetch(LAPSED_SQL, moment or now())
    for row in rows:
        session_id = row["stripe_checkout_session_id"]
        at_stripe = gateway is not None and gateway.configured and bool(session_id)
        if at_stripe and await _settle_at_stripe(gateway, row["id"], session_id):  # type: ignore[arg-type]
            continue
        await release(row["id"], "hold lapsed")
    return len(rows)


async def run_payment_sweeper(settings: Settings, interval: float = SWEEP_SECONDS) -> None:
    """Background task (started by the app's lifespan): release lapsed holds forever."""
    gateway = gateway_for(settings.stripe) if settings.stripe.configured else None
    while True:
        try:
            count = await sweep_holds(gateway)
            if count:
                log.info("looked at %s lapsed ticket payment holds", count)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("ticket payment sweep failed; trying again in %s s", interval)
        await asyncio.sleep(interval)
