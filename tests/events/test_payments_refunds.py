"""Ticket payments seen by attendees and organisers: access (no IDOR), the refunds list, refunds
through Stripe and by hand, and priced seats reached by approval or a waiting-list offer."""

from __future__ import annotations

import httpx

from tests.events.payments_support import (
    PRICE,
    book,
    deliver,
    lapse_hold,
    mails,
    of_type,
    pay,
    payment_of,
    priced_event,
    session_id_of,
    stripe_app_fixture,  # noqa: F401
    stripe_client_fixture,  # noqa: F401
    stripe_server_fixture,  # noqa: F401
)
from tests.events.registration_support import Setup, status_of, taken
from tests.factories import Factory, TestUser
from tests.stripe_server import StripeTestServer
from tests.stripe_server.payments import refunded_amount


async def _refund_due(
    client: httpx.AsyncClient, server: StripeTestServer, factory: Factory
) -> tuple[Setup, TestUser, dict]:
    """A late payment for a ticket type that filled meanwhile: ``refund_due``."""
    from events.payment_sweeper import sweep_holds

    setup = await priced_event(factory, capacity=1)
    late = await factory.user()
    body = (await book(client, late, setup)).json()
    await lapse_hold(body["id"])
    await sweep_holds(None)
    rival = await factory.user()
    await book(client, rival, setup)  # holds the only seat
    events = pay(server, session_id_of(body["checkout_url"]))
    await deliver(client, server, [of_type(events, "checkout.session.completed")])
    assert (await payment_of(body["id"]))["status"] == "refund_due"
    return setup, late, body


async def test_attendee_sees_own_payment_and_nobody_else_does(
    stripe_client: httpx.AsyncClient, factory: Factory
) -> None:
    setup = await priced_event(factory)
    buyer, stranger = await factory.user(), await factory.user()
    body = (await book(stripe_client, buyer, setup)).json()
    mine = await stripe_client.get(f"/api/v1/registrations/{body['id']}/payment", headers=buyer.headers)
    assert mine.status_code == 200
    assert mine.json()["status"] == "open" and mine.json()["amount_cents"] == PRICE
    for method, path in [
        ("GET", f"/api/v1/registrations/{body['id']}/payment"),
        ("POST", f"/api/v1/registrations/{body['id']}/payment/checkout"),
        ("GET", f"/api/v1/registrations/{body['id'] + 10_000}/payment"),
    ]:
        response = await stripe_client.request(method, path, headers=stranger.headers)
        assert response.status_code == 404, (method, path, response.text)
    organiser = await stripe_client.get(
        f"/api/v1/registrations/{body['id']}/payment", headers=setup.organiser.headers
    )
    assert organiser.status_code == 200
    other_organiser, _org = await factory.organiser()
    listed = await stripe_client.get(
        f"/api/v1/events/{setup.event_id}/registrations/payments", headers=other_organiser.headers
    )
    assert listed.status_code == 404


async def test_paying_again_reuses_the_open_session(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    setup = await priced_event(factory)
    buyer = await factory.user()
    body = (await book(stripe_client, buyer, setup)).json()
    before = len(stripe_server.store.objects["checkout.session"])
    again = await stripe_client.post(
        f"/api/v1/registrations/{body['id']}/payment/checkout", headers=buyer.headers
    )
    assert again.status_code == 200, again.text
    assert again.json()["checkout_url"] == body["checkout_url"]
    assert len(stripe_server.store.objects["checkout.session"]) == before
    pay(stripe_server, session_id_of(body["checkout_url"]))
    done = await stripe_client.post(
        f"/api/v1/registrations/{body['id']}/payment/checkout", headers=buyer.headers
    )
    assert done.status_code == 200 and done.json()["checkout_url"] is None  # settled on the way
    assert await status_of(body["id"]) == "confirmed"
    closed = await stripe_client.post(
        f"/api/v1/registrations/{body['id']}/payment/checkout", headers=buyer.headers
    )
    assert closed.status_code == 409 and closed.json()["code"] == "payment_not_open"


async def test_refund_list_and_refund_through_stripe(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    setup, late, body = await _refund_due(stripe_client, stripe_server, factory)
    listed = await stripe_client.get(
        f"/api/v1/events/{setup.event_id}/registrations/payments?status=refund_due",
        headers=setup.organiser.headers,
    )
    assert listed.status_code == 200
    rows = listed.json()
    assert [r["registration_id"] for r in rows] == [body["id"]]
    payment_id = rows[0]["id"]
    url = f"/api/v1/events/{setup.event_id}/registrations/payments/{payment_id}/refund"
    stranger = await factory.user()
    assert (await stripe_client.post(url, json={}, headers=stranger.headers)).status_code in (403, 404)
    refunded = await stripe_client.post(url, json={}, headers=setup.organiser.headers)
    assert refunded.status_code == 200, refunded.text
    assert refunded.json()["status"] == "refunded"
    intent = (await payment_of(body["id"]))["stripe_payment_intent_id"]
    assert refunded_amount(stripe_server.store, intent) == PRICE
    twice = await stripe_client.post(url, json={}, headers=setup.organiser.headers)
    assert twice.status_code == 409 and twice.json()["code"] == "no_refund_due"
    assert refunded_amount(stripe_server.store, intent) == PRICE  # one refund
    assert await mails(late.email, "registration.payment_refunded") == 1
    assert await taken(setup.ticket_id) == 1


async def test_refund_recorded_by_hand(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    setup, _late, body = await _refund_due(stripe_client, stripe_server, factory)
    payment = await payment_of(body["id"])
    response = await stripe_client.post(
        f"/api/v1/events/{setup.event_id}/registrations/payments/{payment['id']}/refund",
        json={"through_stripe": False},
        headers=setup.organiser.headers,
    )
    assert response.status_code == 200 and response.json()["status"] == "refunded"
    assert refunded_amount(stripe_server.store, payment["stripe_payment_intent_id"]) == 0
    bad = await stripe_client.post(
        f"/api/v1/events/{setup.event_id}/registrations/payments/{payment['id']}/refund",
        content=b"{not json",
        headers={**setup.organiser.headers, "Content-Type": "application/json"},
    )
    assert bad.status_code == 400


async def test_approval_of_a_priced_ticket_holds_the_seat_for_payment(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    setup = await priced_event(factory, capacity=2, requires_approval=True)
    buyer = await factory.user()
    body = (await book(stripe_client, buyer, setup)).json()
    assert body["status"] == "pending" and body["checkout_url"] is None
    approved = await stripe_client.post(
        f"/api/v1/registrations/{body['id']}/approve", headers=setup.organiser.headers
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "awaiting_pay"
    assert await taken(setup.ticket_id) == 1
    assert await mails(buyer.email, "registration.payment_due") == 1
    assert await mails(buyer.email, "registration.confirmed") == 0
    started = await stripe_client.post(
        f"/api/v1/registrations/{body['id']}/payment/checkout", headers=buyer.headers
    )
    assert started.status_code == 200, started.text
    events = pay(stripe_server, session_id_of(started.json()["checkout_url"]))
    await deliver(stripe_client, stripe_server, [of_type(events, "checkout.session.completed")])
    assert await status_of(body["id"]) == "confirmed"


async def test_waiting_list_offer_of_a_priced_ticket_is_paid_before_confirmation(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    setup = await priced_event(factory, capacity=1)
    first, second = await factory.user(), await factory.user()
    held = (await book(stripe_client, first, setup)).json()
    waiting = (await book(stripe_client, second, setup)).json()
    assert waiting["status"] == "waitlisted"
    expired = stripe_server.store
    expired.expire_checkout(session_id_of(held["checkout_url"]))
    await deliver(stripe_client, stripe_server, expired.take_events())
    assert await status_of(held["id"]) == "expired"
    assert await status_of(waiting["id"]) == "offered"  # the released seat went to the queue
    accepted = await stripe_client.post(
        f"/api/v1/registrations/{waiting['id']}/accept-offer", headers=second.headers
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "awaiting_pay"
    assert await taken(setup.ticket_id) == 1
    started = await stripe_client.post(
        f"/api/v1/registrations/{waiting['id']}/payment/checkout", headers=second.headers
    )
    events = pay(stripe_server, session_id_of(started.json()["checkout_url"]))
    await deliver(stripe_client, stripe_server, [of_type(events, "checkout.session.completed")])
    assert await status_of(waiting["id"]) == "confirmed"
    assert await taken(setup.ticket_id) == 1


async def test_cancelling_while_awaiting_payment_frees_the_seat(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    setup = await priced_event(factory, capacity=1)
    buyer = await factory.user()
    body = (await book(stripe_client, buyer, setup)).json()
    cancelled = await stripe_client.post(f"/api/v1/registrations/{body['id']}/cancel", headers=buyer.headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert await taken(setup.ticket_id) == 0
    # Paying the abandoned session afterwards buys nothing: it is flagged for a refund.
    events = pay(stripe_server, session_id_of(body["checkout_url"]))
    await deliver(stripe_client, stripe_server, [of_type(events, "checkout.session.completed")])
    assert (await payment_of(body["id"]))["status"] == "refund_due"
    assert await taken(setup.ticket_id) == 0
