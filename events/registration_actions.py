"""Changes to an existing registration: cancel, approve, reject, accept a waiting-list offer.

Each runs one transaction that first locks the registration (``FOR UPDATE`` on PostgreSQL;
SQLite's ``BEGIN IMMEDIATE`` already excludes other writers), re-reads its status, and moves
seats only with conditional updates, so two clicks, two organisers or the offer sweeper can
never count a seat twice. Mail is rendered before the transaction and queued inside it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.auth import CurrentUser
from app.mail.outbox import wake_sender
from app.settings import get_settings
from app.signals import emit
from events.registration_db import (
    Tx,
    load,
    now,
    organised_registration,
    owned_registration,
    transaction,
    visible_registration,
)
from events.registration_errors import (
    CapacityExhausted,
    NoOffer,
    NotCancellable,
    NotPending,
    OfferExpired,
)
from events.registration_mail import MailSet, format_moment, shared_context
from events.registration_schemas import LIVE_STATUSES

SEAT_HOLDING = ("confirmed", "offered", "awaiting_pay")
LOCK_SQL = "SELECT status, offer_expires_at FROM luyan_registration WHERE id = $1"
SET_STATUS_SQL = (
    "UPDATE luyan_registration SET status = $2, offer_expires_at = NULL, updated_at = $3 WHERE id = $1"
)
TAKE_SEAT_SQL = (
    "UPDATE luyan_ticket_type SET taken = taken + 1 WHERE id = $1 AND taken < capacity RETURNING id"
)
RELEASE_SEAT_SQL = "UPDATE luyan_ticket_type SET taken = taken - 1 WHERE id = $1 AND taken > 0"


def price_label(row: dict[str, Any]) -> str:
    """``128.00 CNY``: a ticket's price for mails and pages."""
    return f"{row['price_cents'] / 100:.2f} {row['currency']}"


def mails_for(row: dict[str, Any], **personal: str) -> MailSet:
    """The mails of a stored registration (``events.registration_db.REGISTRATION_SQL`` row)."""
    values = {"name": row["attendee_name"], "code": row["code"], **personal}
    return MailSet(row["locale"], shared_context(row, row, row["locale"]), values)


def announce(row: dict[str, Any], status: str) -> None:
    """After commit: wake the mail sender and tell other domains."""
    wake_sender()
    emit(
        f"registration.{status}",
        registration_id=row["id"],
        event_id=row["event"],
        ticket_type_id=row["ticket_type"],
        user_id=row["user"],
        status=status,
    )


async def _reloaded(registration_id: int) -> dict[str, Any]:
    row = await load(registration_id)
    assert row is not None
    return row


async def cancel(user: CurrentUser, registration_id: int) -> dict[str, Any]:
    """The attendee cancels their own registration, or an organiser one of their event's."""
    from events.waitlist import promote

    row = await visible_registration(user, registration_id)
    if row["status"] not in LIVE_STATUSES:
        raise NotCancellable()
    mail = mails_for(row).get("cancelled")
    async with transaction() as tx:
        current = await tx.fetchrow(LOCK_SQL + tx.for_update, registration_id)
        previous = current["status"] if current else None
        if previous not in LIVE_STATUSES:
            raise NotCancellable()
        await tx.execute(SET_STATUS_SQL, registration_id, "cancelled", now())
        if previous in SEAT_HOLDING:
            await tx.execute(RELEASE_SEAT_SQL, row["ticket_type"])
        await tx.queue_mail(
            row["attendee_email"], mail, "registration.cancelled", row["organisation"], row["event"]
        )
    announce(row, "cancelled")
    if previous in SEAT_HOLDING:
        await promote(row["ticket_type"])
    return await _reloaded(registration_id)


async def approve(user: CurrentUser, registration_id: int) -> dict[str, Any]:
    """Organiser approves a pending registration: a seat if one is free, else the waiting list.

    A priced ticket's seat is held for payment (``awaiting_pay``) instead of confirmed.
    """
    row = await organised_registration(user, registration_id)
    if row["status"] != "pending":
        raise NotPending()
    mails = mails_for(row)
    mails.get("confirmed")
    if row["waitlist_enabled"]:
        mails.get("waitlisted")
    pay_by, due_mail = now(), None
    if row["price_cents"] > 0:  # the seat will wait for its payment, at most MAX_HOLD
        from events.payments import MAX_HOLD  # payments builds on this module

        pay_by += min(dt.timedelta(hours=get_settings().waitlist_offer_hours), MAX_HOLD)
        deadline = format_moment(pay_by, row["timezone"], row["locale"])
        due_mail = mails_for(row, deadline=deadline, amount=price_label(row)).get("payment_due")
    async with transaction() as tx:
        current = await tx.fetchrow(LOCK_SQL + tx.for_update, registration_id)
        if current is None or current["status"] != "pending":
            raise NotPending()
        seat = await tx.fetchrow(TAKE_SEAT_SQL, row["ticket_type"])
        status = "confirmed" if seat else ("waitlisted" if row["waitlist_enabled"] else None)
        if status is None:
            raise CapacityExhausted()
        mail = mails.get(status)
        if seat and due_mail is not None:
            status, mail = await _hold_for_payment(tx, row, pay_by), due_mail
        else:
            await tx.execute(SET_STATUS_SQL, registration_id, status, now())
        await tx.queue_mail(
            row["attendee_email"],
            mail,
            f"registration.{'payment_due' if status == 'awaiting_pay' else status}",
            row["organisation"],
            row["event"],
        )
    announce(row, status)
    return await _reloaded(registration_id)


async def reject(user: CurrentUser, registration_id: int) -> dict[str, Any]:
    """Organiser rejects a pending registration (it held no seat, so nothing is freed)."""
    row = await organised_registration(user, registration_id)
    if row["status"] != "pending":
        raise NotPending()
    mail = mails_for(row).get("rejected")
    async with transaction() as tx:
        current = await tx.fetchrow(LOCK_SQL + tx.for_update, registration_id)
        if current is None or current["status"] != "pending":
            raise NotPending()
        await tx.execute(SET_STATUS_SQL, registration_id, "rejected", now())
        await tx.queue_mail(
            row["attendee_email"], mail, "registration.rejected", row["organisation"], row["event"]
        )
    announce(row, "rejected")
    return await _reloaded(registration_id)


async def _hold_for_payment(tx: Tx, row: dict[str, Any], until: dt.datetime) -> str:
    """A priced ticket's seat (already counted) waits for its payment: ``awaiting_pay``."""
    from events.payments import open_payment  # payments builds on this module

    await tx.execute(
        "UPDATE luyan_registration SET status = 'awaiting_pay', offer_expires_at = $2, updated_at = $3 "
        "WHERE id = $1",
        row["id"],
        until,
        now(),
    )
    await open_payment(tx, row, until)
    return "awaiting_pay"


async def accept_offer(user: CurrentUser, registration_id: int) -> dict[str, Any]:
    """The attendee takes the seat held for them (it is already counted in ``taken``); for a
    priced ticket the seat is then held for payment (``awaiting_pay``)."""
    from events.payments import HOLD

    row = await owned_registration(user, registration_id)
    mail = mails_for(row).get("confirmed")
    async with transaction() as tx:
        current = await tx.fetchrow(LOCK_SQL + tx.for_update, registration_id)
        if current is None or current["status"] != "offered":
            raise NoOffer()
        expires = current["offer_expires_at"]
        if expires is None or expires <= now():
            raise OfferExpired()  # the sweeper passes the seat on shortly
        if row["price_cents"] > 0:
            status = await _hold_for_payment(tx, row, now() + HOLD)  # paying starts right away
        else:
            status = "confirmed"
            await tx.execute(SET_STATUS_SQL, registration_id, "confirmed", now())
            await tx.queue_mail(
                row["attendee_email"], mail, "registration.confirmed", row["organisation"], row["event"]
            )
    announce(row, status)
    return await _reloaded(registration_id)
