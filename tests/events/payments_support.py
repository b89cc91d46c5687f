"""Builders for ticket payment tests: priced tickets, holds, paying on the Stripe test server,
signed webhook deliveries and database peeks.

Import the fixtures into a test module: ``from tests.events.payments_support import
stripe_app_fixture, stripe_client_fixture, stripe_server_fixture``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from tests.events.registration_support import Setup, event_with_ticket
from tests.factories import Factory, TestUser
from tests.roadshows.subscriptions_support import (
    WEBHOOK,
    deliver,
    stripe_app_fixture,
    stripe_client_fixture,
    stripe_server_fixture,
)
from tests.stripe_server import StripeTestServer

__all__ = [
    "WEBHOOK",
    "deliver",
    "stripe_app_fixture",
    "stripe_client_fixture",
    "stripe_server_fixture",
]

PRICE = 12_800  # 128.00 CNY


async def priced_event(factory: Factory, capacity: int = 5, price: int = PRICE, **fields: Any) -> Setup:
    return await event_with_ticket(
        factory, capacity=capacity, price_cents=price, currency="CNY", name_zh="付费票", **fields
    )


async def book(client: httpx.AsyncClient, user: TestUser, setup: Setup, **body: Any) -> httpx.Response:
    return await client.post(
        f"/api/v1/events/{setup.event_id}/registrations",
        json={"ticket_type_id": setup.ticket_id, **body},
        headers=user.headers,
    )


async def payment_of(registration_id: int) -> dict[str, Any]:
    from events.tables import TicketPayment

    row = (
        await TicketPayment.select()
        .where(TicketPayment.registration == registration_id)
        .order_by(TicketPayment.id, ascending=False)
        .first()
    )
    assert row is not None
    return row


def session_id_of(checkout_url: str) -> str:
    return checkout_url.rstrip("/").rsplit("/", 1)[-1]


def pay(server: StripeTestServer, session_id: str) -> list[dict[str, Any]]:
    """The attendee pays on Stripe: the session completes; returns Stripe's events (undelivered)."""
    server.store.complete_checkout(session_id)
    return server.store.take_events()


def expire(server: StripeTestServer, session_id: str) -> list[dict[str, Any]]:
    server.store.expire_checkout(session_id)
    return server.store.take_events()


def of_type(events: list[dict[str, Any]], event_type: str) -> dict[str, Any]:
    return next(e for e in events if e["type"] == event_type)


async def lapse_hold(registration_id: int) -> None:
    """Move the hold into the past, as if its time had run out."""
    from events.tables import Registration, TicketPayment

    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    await TicketPayment.update({TicketPayment.hold_expires_at: past}).where(
        TicketPayment.registration == registration_id
    )
    await Registration.update({Registration.offer_expires_at: past}).where(Registration.id == registration_id)


async def mails(email: str, kind: str) -> int:
    from app.mail.tables import OutboxMessage

    return await OutboxMessage.count().where(
        (OutboxMessage.to_address == email) & (OutboxMessage.kind == kind)
    )


async def confirmed_count(ticket_id: int) -> int:
    from events.tables import Registration

    return await Registration.count().where(
        (Registration.ticket_type == ticket_id) & (Registration.status == "confirmed")
    )
