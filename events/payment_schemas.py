"""Request and response shapes of ticket payments (attendees and organisers)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import msgspec

PaymentStatus = Literal["open", "paid", "expired", "refund_due", "refunded"]
PAYMENT_STATUSES: tuple[str, ...] = ("open", "paid", "expired", "refund_due", "refunded")


class TicketPaymentRead(msgspec.Struct):
    """One payment for a priced ticket; ``hold_expires_at`` is when its held seat is released."""

    id: int
    registration_id: int
    registration_code: str
    registration_status: str
    attendee_name: str
    attendee_email: str
    status: PaymentStatus
    amount_cents: int
    currency: str
    hold_expires_at: dt.datetime
    paid_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CheckoutStarted(msgspec.Struct):
    """Where to pay: ``checkout_url`` is Stripe Checkout; ``None`` if it turned out paid already."""

    registration_id: int
    checkout_url: str | None
    payment: TicketPaymentRead


class RefundCreate(msgspec.Struct, forbid_unknown_fields=True):
    """``through_stripe``: refund with Stripe (the default); ``false``: record a refund made
    elsewhere (bank transfer, cash) without calling Stripe."""

    through_stripe: bool = True


def payment_read(row: dict[str, Any]) -> TicketPaymentRead:
    """From a ``events.payments.PAYMENT_SQL`` row."""
    return TicketPaymentRead(
        id=row["id"],
        registration_id=row["registration"],
        registration_code=row["code"],
        registration_status=row["registration_status"],
        attendee_name=row["attendee_name"],
        attendee_email=row["attendee_email"],
        status=row["status"],
        amount_cents=row["amount_cents"],
        currency=row["currency"],
        hold_expires_at=row["hold_expires_at"],
        paid_at=row["paid_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
