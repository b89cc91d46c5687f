"""Many buyers for few paid seats, some paying after their hold lapsed, over real sockets.

A running server (with the loopback Stripe server as its Stripe) takes a burst of new buyers
while payments from lapsed holds arrive at the same moment as duplicated, concurrent webhook
deliveries; later, more lapsed holds are paid after the event filled. The guarded run must
never confirm more people than there are seats, settle every payment exactly once and flag the
payments that found no seat ``refund_due``. The control run (``LUYAN_UNGUARDED_REGISTRATION=1``:
late payments are trusted and counted blindly) must oversell, proving the scenario reaches the
case the conditional take guards.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
import pytest
from litestar import Litestar

from tests.events.payments_support import lapse_hold, session_id_of
from tests.factories import Factory
from tests.live import LiveServer
from tests.live_data import LoadUser, users_with_tokens
from tests.live_fixtures import StartLiveServer
from tests.stripe_server import StripeTestServer

pytestmark = pytest.mark.concurrency

SEATS = 4
NEW_BUYERS = 12
COPIES = 3  # each webhook delivered three times, all at once


@pytest.fixture(scope="module")
def stripe_server() -> Any:
    with StripeTestServer() as server:
        yield server


def _stripe_env(server: StripeTestServer, **extra: str) -> dict[str, str]:
    return {
        "LUYAN_STRIPE_SECRET_KEY": server.secret_key,
        "LUYAN_STRIPE_WEBHOOK_SECRET": server.webhook_secret,
        "LUYAN_STRIPE_API_BASE": server.base_url,
        **extra,
    }


async def _book_all(
    client: httpx.AsyncClient, event_id: int, ticket_id: int, users: list[LoadUser]
) -> list[dict]:
    responses = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/events/{event_id}/registrations",
                json={"ticket_type_id": ticket_id},
                headers=u.headers,
            )
            for u in users
        )
    )
    bodies = []
    for response in responses:
        assert response.status_code in (201, 409), response.text
        bodies.append(response.json())
    return bodies


async def _pay_all(client: httpx.AsyncClient, stripe: StripeTestServer, sessions: list[str]) -> list[int]:
    """Each session is paid at Stripe; every resulting event is delivered COPIES times at once."""
    events: list[dict[str, Any]] = []
    for session_id in sessions:
        stripe.store.complete_checkout(session_id)
        events.extend(stripe.store.take_events())
    signed = [stripe.signed(e) for e in events for _ in range(COPIES)]
    responses = await asyncio.gather(
        *(client.post("/api/v1/stripe/webhook", content=body, headers=headers) for body, headers in signed)
    )
    return [r.status_code for r in responses]


async def _lapsed_holds(
    client: httpx.AsyncClient, event_id: int, ticket_id: int, users: list[LoadUser]
) -> list[str]:
    """``users`` hold every seat, then their holds lapse and the sweeper releases the seats
    (Stripe unreachable for it), leaving their Checkout Sessions open: the makings of late payments."""
    from events.payment_sweeper import sweep_holds

    bodies = await _book_all(client, event_id, ticket_id, users)
    assert [b["status"] for b in bodies] == ["awaiting_pay"] * len(users), bodies
    for body in bodies:
        await lapse_hold(body["id"])
    await sweep_holds(None)
    return [session_id_of(b["checkout_url"]) for b in bodies]


async def _run(
    server: LiveServer, stripe: StripeTestServer, factory: Factory, people: list[LoadUser]
) -> dict:
    from events.tables import Registration, TicketPayment, TicketType

    _organiser, org_id = await factory.organiser()
    event_id = await factory.event(org_id, waitlist_enabled=False)
    ticket_id = await factory.ticket_type(event_id, capacity=SEATS, price_cents=9_900, currency="CNY")
    first, second, new = people[:SEATS], people[SEATS : 2 * SEATS], people[2 * SEATS :]
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=120.0) as client:
        early_sessions = await _lapsed_holds(client, event_id, ticket_id, first)
        later_sessions = await _lapsed_holds(client, event_id, ticket_id, second)
        # The burst: new buyers and the first late payments at the same moment.
        bodies, statuses = await asyncio.gather(
            _book_all(client, event_id, ticket_id, new), _pay_all(client, stripe, early_sessions)
        )
        held = [session_id_of(b["checkout_url"]) for b in bodies if b.get("status") == "awaiting_pay"]
        statuses += await _pay_all(client, stripe, held)
        # The event is full by now: the remaining late payments find no seat.
        statuses += await _pay_all(client, stripe, later_sessions)
    assert set(statuses) == {200}, Counter(statuses)
    regs = await Registration.select(Registration.status).where(Registration.event == event_id)
    payments = await TicketPayment.select(TicketPayment.status).where(
        TicketPayment.registration.event == event_id
    )
    ticket = await TicketType.select(TicketType.taken).where(TicketType.id == ticket_id).first()
    assert ticket is not None
    from app.mail.tables import OutboxMessage

    confirmation_mails = await OutboxMessage.count().where(
        (OutboxMessage.event_id == event_id) & (OutboxMessage.kind == "registration.confirmed")
    )
    return {
        "registrations": Counter(r["status"] for r in regs),
        "payments": Counter(p["status"] for p in payments),
        "taken": ticket["taken"],
        "mails": confirmation_mails,
        "paid_sessions": len(early_sessions) + len(held) + len(later_sessions),
    }


async def test_paid_seats_are_never_oversold(
    start_live_server: StartLiveServer, stripe_server: StripeTestServer, factory: Factory, app: Litestar
) -> None:
    server = start_live_server(**_stripe_env(stripe_server))
    people = await users_with_tokens(2 * SEATS + NEW_BUYERS, label="paid")
    try:
        result = await _run(server, stripe_server, factory, people)
    finally:
        server.stop()
    confirmed = result["registrations"]["confirmed"]
    assert confirmed <= SEATS, result
    assert confirmed == SEATS, result  # every seat sold in the end: nothing was lost either
    assert result["taken"] == SEATS, result
    assert result["payments"]["paid"] == confirmed, result
    assert result["mails"] == confirmed, result  # each confirmation applied (and mailed) once
    # Every paid session is either a seat or a refund to make; none is forgotten.
    assert result["payments"]["paid"] + result["payments"]["refund_due"] == result["paid_sessions"], result
    assert result["payments"]["refund_due"] >= SEATS, result  # at least the second round found no seat


async def test_control_run_oversells_without_the_conditional_take(
    start_live_server: StartLiveServer, stripe_server: StripeTestServer, factory: Factory, app: Litestar
) -> None:
    server = start_live_server(**_stripe_env(stripe_server, LUYAN_UNGUARDED_REGISTRATION="1"))
    people = await users_with_tokens(2 * SEATS + NEW_BUYERS, label="paid-control")
    try:
        result = await _run(server, stripe_server, factory, people)
    finally:
        server.stop()
    assert result["registrations"]["confirmed"] > SEATS, result
    assert result["taken"] > SEATS, result
