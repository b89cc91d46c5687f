"""Paid tickets end to end against the Stripe test server with the real SDK: hold, pay, confirm
once; expiry by webhook and by the sweeper; late payments; no keys; free tickets untouched."""

from __future__ import annotations

import asyncio

import httpx
from litestar import Litestar

from tests.events.payments_support import (
    PRICE,
    book,
    confirmed_count,
    deliver,
    expire,
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
from tests.events.registration_support import event_with_ticket, status_of, taken
from tests.factories import Factory
from tests.stripe_server import StripeTestServer


async def test_priced_ticket_holds_a_seat_and_opens_checkout(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    setup = await priced_event(factory, capacity=3)
    buyer = await factory.user(name="Bo Buyer")
    response = await book(stripe_client, buyer, setup)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "awaiting_pay"
    assert body["checkout_url"].startswith(stripe_server.base_url + "/pay/cs_")
    assert body["offer_expires_at"]
    assert await taken(setup.ticket_id) == 1
    payment = await payment_of(body["id"])
    assert payment["status"] == "open" and payment["amount_cents"] == PRICE
    session = stripe_server.store.get("checkout.session", session_id_of(body["checkout_url"]))
    assert session["mode"] == "payment" and session["amount_total"] == PRICE
    assert session["client_reference_id"] == str(body["id"])
    assert session["metadata"]["registration_id"] == str(body["id"])
    assert session["success_url"].endswith(
        f"/me/registrations/{body['id']}/payment/return?session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert session["expires_at"] == int(payment["hold_expires_at"].timestamp())
    assert session["_product_name"].startswith("Standard") or session["_product_name"]


async def test_paying_confirms_exactly_once_for_five_deliveries(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    setup = await priced_event(factory, capacity=3)
    buyer = await factory.user()
    body = (await book(stripe_client, buyer, setup)).json()
    events = pay(stripe_server, session_id_of(body["checkout_url"]))
    completed = of_type(events, "checkout.session.completed")
    responses = await deliver(stripe_client, stripe_server, [completed] * 5)
    assert [r.status_code for r in responses] == [200] * 5
    assert sum(1 for r in responses if not r.json()["duplicate"]) == 1
    # The PaymentIntent's own event is another id: applied, but changes nothing.
    intent = await deliver(stripe_client, stripe_server, [of_type(events, "payment_intent.succeeded")])
    assert intent[0].status_code == 200
    assert await status_of(body["id"]) == "confirmed"
    assert await taken(setup.ticket_id) == 1
    payment = await payment_of(body["id"])
    assert payment["status"] == "paid" and payment["stripe_payment_intent_id"].startswith("pi_")
    assert await mails(buyer.email, "registration.confirmed") == 1


async def test_concurrent_deliveries_confirm_once(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    setup = await priced_event(factory, capacity=2)
    buyer = await factory.user()
    body = (await book(stripe_client, buyer, setup)).json()
    events = pay(stripe_server, session_id_of(body["checkout_url"]))
    completed = of_type(events, "checkout.session.completed")
    intent = of_type(events, "payment_intent.succeeded")
    signed = [stripe_server.signed(e) for e in [completed] * 5 + [intent] * 3]
    responses = await asyncio.gather(
        *(stripe_client.post("/api/v1/stripe/webhook", content=b, headers=h) for b, h in signed)
    )
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    assert await status_of(body["id"]) == "confirmed"
    assert await taken(setup.ticket_id) == 1
    assert await confirmed_count(setup.ticket_id) == 1
    assert await mails(buyer.email, "registration.confirmed") == 1


async def test_expiry_webhook_releases_the_seat(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    setup = await priced_event(factory, capacity=1)
    buyer = await factory.user()
    body = (await book(stripe_client, buyer, setup)).json()
    assert await taken(setup.ticket_id) == 1
    events = expire(stripe_server, session_id_of(body["checkout_url"]))
    responses = await deliver(stripe_client, stripe_server, events * 2)
    assert [r.status_code for r in responses] == [200, 200]
    assert await status_of(body["id"]) == "expired"
    assert await taken(setup.ticket_id) == 0
    assert (await payment_of(body["id"]))["status"] == "expired"
    assert await mails(buyer.email, "registration.payment_expired") == 1
    # The seat is free again: someone else can hold it.
    other = await factory.user()
    again = await book(stripe_client, other, setup)
    assert again.json()["status"] == "awaiting_pay"


async def test_sweeper_releases_lapsed_holds_and_expires_the_session(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, stripe_app, factory: Factory
) -> None:
    from app.payments.gateway import gateway_for
    from events.payment_sweeper import sweep_holds

    setup = await priced_event(factory, capacity=1)
    buyer = await factory.user()
    body = (await book(stripe_client, buyer, setup)).json()
    await lapse_hold(body["id"])
    await sweep_holds(gateway_for(stripe_app.state.settings.stripe))
    assert await status_of(body["id"]) == "expired"
    assert await taken(setup.ticket_id) == 0
    session = stripe_server.store.get("checkout.session", session_id_of(body["checkout_url"]))
    assert session["status"] == "expired"  # can no longer be paid
    stripe_server.store.take_events()


async def test_late_payment_with_a_free_seat_is_confirmed(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    from events.payment_sweeper import sweep_holds

    setup = await priced_event(factory, capacity=2)
    buyer = await factory.user()
    body = (await book(stripe_client, buyer, setup)).json()
    await lapse_hold(body["id"])
    await sweep_holds(None)  # Stripe unreachable for the sweeper: released locally
    assert await status_of(body["id"]) == "expired" and await taken(setup.ticket_id) == 0
    events = pay(stripe_server, session_id_of(body["checkout_url"]))
    await deliver(stripe_client, stripe_server, [of_type(events, "checkout.session.completed")])
    assert await status_of(body["id"]) == "confirmed"
    assert await taken(setup.ticket_id) == 1
    assert (await payment_of(body["id"]))["status"] == "paid"


async def test_late_payment_when_full_is_refund_due_and_never_oversells(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    from events.payment_sweeper import sweep_holds

    setup = await priced_event(factory, capacity=1)
    late = await factory.user()
    body = (await book(stripe_client, late, setup)).json()
    await lapse_hold(body["id"])
    await sweep_holds(None)
    rival = await factory.user()
    rival_body = (await book(stripe_client, rival, setup)).json()
    rival_events = pay(stripe_server, session_id_of(rival_body["checkout_url"]))
    await deliver(stripe_client, stripe_server, [of_type(rival_events, "checkout.session.completed")])
    events = pay(stripe_server, session_id_of(body["checkout_url"]))
    await deliver(stripe_client, stripe_server, [of_type(events, "checkout.session.completed")] * 3)
    assert await status_of(body["id"]) == "expired"
    assert (await payment_of(body["id"]))["status"] == "refund_due"
    assert await taken(setup.ticket_id) == 1
    assert await confirmed_count(setup.ticket_id) == 1
    assert await mails(late.email, "registration.payment_refund_due") == 1
    assert await mails(late.email, "registration.confirmed") == 0


async def test_without_stripe_keys_priced_tickets_are_refused(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    setup = await priced_event(factory, capacity=3)
    buyer = await factory.user()
    response = await book(client, buyer, setup)
    assert response.status_code == 409
    assert response.json()["code"] == "payments_not_configured"
    assert await taken(setup.ticket_id) == 0


async def test_free_tickets_are_confirmed_at_once(stripe_client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory, capacity=2)
    buyer = await factory.user()
    response = await book(stripe_client, buyer, setup)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "confirmed" and body["checkout_url"] is None
    from events.tables import TicketPayment

    assert await TicketPayment.count().where(TicketPayment.registration == body["id"]) == 0


async def test_invitation_only_priced_ticket_counts_the_code_once(
    stripe_client: httpx.AsyncClient, factory: Factory
) -> None:
    from events.tables import InvitationCode
    from tests.events.registration_support import invitation

    setup = await priced_event(factory, capacity=3, event_fields={"invitation_only": True})
    code = await invitation(setup.event_id, max_uses=1)
    first, second = await factory.user(), await factory.user()
    held = await book(stripe_client, first, setup, invitation_code=code)
    assert held.status_code == 201 and held.json()["status"] == "awaiting_pay"
    used = await InvitationCode.select(InvitationCode.used).where(InvitationCode.code == code).first()
    assert used is not None and used["used"] == 1
    refused = await book(stripe_client, second, setup, invitation_code=code)
    assert refused.status_code == 409 and refused.json()["code"] == "invitation_used_up"
    again = await book(stripe_client, first, setup, invitation_code=code)
    assert again.status_code == 409 and again.json()["code"] == "already_registered"
    assert await taken(setup.ticket_id) == 1


async def test_stripe_unreachable_at_booking_keeps_the_hold_and_paying_can_be_retried(
    stripe_app: Litestar, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    import dataclasses

    from app.asgi import create_app

    settings = stripe_app.state.settings
    unreachable = dataclasses.replace(
        settings, stripe=dataclasses.replace(settings.stripe, api_base="http://127.0.0.1:9")
    )
    setup = await priced_event(factory, capacity=2)
    buyer = await factory.user()
    transport = httpx.ASGITransport(app=create_app(unreachable))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as offline:
        response = await book(offline, buyer, setup)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "awaiting_pay" and body["checkout_url"] is None
    assert await taken(setup.ticket_id) == 1
    retried = await stripe_client.post(
        f"/api/v1/registrations/{body['id']}/payment/checkout", headers=buyer.headers
    )
    assert retried.status_code == 200, retried.text
    url = retried.json()["checkout_url"]
    assert url.startswith(stripe_server.base_url + "/pay/")
    events = pay(stripe_server, session_id_of(url))
    await deliver(stripe_client, stripe_server, [of_type(events, "checkout.session.completed")])
    assert await status_of(body["id"]) == "confirmed"
