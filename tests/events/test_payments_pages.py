"""Paid ticket pages: the form sends the attendee to Checkout, the return settles and shows the
registration, the payment page and panel, the refusal without keys, and the organiser's
payments page with its refund action."""

from __future__ import annotations

import httpx

from tests.events.payments_support import (
    book,
    deliver,
    lapse_hold,
    of_type,
    pay,
    payment_of,
    priced_event,
    session_id_of,
    stripe_app_fixture,  # noqa: F401
    stripe_client_fixture,  # noqa: F401
    stripe_server_fixture,  # noqa: F401
)
from tests.events.registration_support import status_of, taken
from tests.factories import Factory, web_login
from tests.stripe_server import StripeTestServer

HTML = {"accept": "text/html"}


async def test_form_sends_to_checkout_and_the_return_confirms(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    setup = await priced_event(factory, capacity=2)
    user = await factory.user()
    token = await web_login(stripe_client, user)
    response = await stripe_client.post(
        f"/events/{setup.event_id}/register",
        data={"_csrf_token": token, "ticket_type_id": str(setup.ticket_id)},
        headers=HTML,
    )
    assert response.status_code == 303
    checkout_url = response.headers["location"]
    assert checkout_url.startswith(stripe_server.base_url + "/pay/cs_test_")
    session = stripe_server.store.get("checkout.session", session_id_of(checkout_url))
    registration_id = int(session["client_reference_id"])
    assert await status_of(registration_id) == "awaiting_pay"

    page = await stripe_client.get(f"/me/registrations/{registration_id}/payment", headers=HTML)
    assert page.status_code == 200 and 'data-testid="pay-now"' in page.text and "128.00 CNY" in page.text

    stripe_server.store.complete_checkout(session["id"])
    stripe_server.store.take_events()  # the webhook is late: the return settles it by itself
    back = await stripe_client.get(
        f"/me/registrations/{registration_id}/payment/return?session_id={session['id']}", headers=HTML
    )
    assert back.status_code == 303 and back.headers["location"] == f"/me/registrations/{registration_id}"
    assert await status_of(registration_id) == "confirmed"
    detail = await stripe_client.get(back.headers["location"], headers=HTML)
    assert "Your payment has been received" in detail.text
    panel = await stripe_client.get(f"/me/registrations/{registration_id}/payment/panel", headers=HTML)
    assert 'data-testid="payment-status">Paid<' in panel.text


async def test_someone_elses_payment_pages_are_404(
    stripe_client: httpx.AsyncClient, factory: Factory
) -> None:
    setup = await priced_event(factory)
    owner, other = await factory.user(), await factory.user()
    body = (await book(stripe_client, owner, setup)).json()
    token = await web_login(stripe_client, other)
    session_id = session_id_of(body["checkout_url"])
    for path in ("/payment", "/payment/panel", f"/payment/return?session_id={session_id}"):
        response = await stripe_client.get(f"/me/registrations/{body['id']}{path}", headers=HTML)
        assert response.status_code == 404, path
    paid = await stripe_client.post(
        f"/me/registrations/{body['id']}/payment", data={"_csrf_token": token}, headers=HTML
    )
    assert paid.status_code == 404


async def test_form_without_keys_says_payments_are_not_configured(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    setup = await priced_event(factory)
    user = await factory.user()
    token = await web_login(client, user)
    response = await client.post(
        f"/events/{setup.event_id}/register",
        data={"_csrf_token": token, "ticket_type_id": str(setup.ticket_id)},
        headers=HTML,
    )
    assert response.status_code == 409
    assert "online payments are not configured" in response.text
    assert await taken(setup.ticket_id) == 0


async def test_organiser_sees_payment_states_and_refunds_by_hand(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer, factory: Factory
) -> None:
    from events.payment_sweeper import sweep_holds

    setup = await priced_event(factory, capacity=1)
    late, rival = await factory.user(name="Late Payer"), await factory.user(name="Rival Buyer")
    body = (await book(stripe_client, late, setup)).json()
    await lapse_hold(body["id"])
    await sweep_holds(None)
    await book(stripe_client, rival, setup)
    events = pay(stripe_server, session_id_of(body["checkout_url"]))
    await deliver(stripe_client, stripe_server, [of_type(events, "checkout.session.completed")])
    payment = await payment_of(body["id"])
    assert payment["status"] == "refund_due"

    token = await web_login(stripe_client, setup.organiser)
    table = await stripe_client.get(f"/dashboard/events/{setup.event_id}/registrations", headers=HTML)
    assert table.status_code == 200
    page = await stripe_client.get(f"/dashboard/events/{setup.event_id}/payments", headers=HTML)
    assert page.status_code == 200
    assert page.text.count('data-testid="refund-row"') == 1 and "Late Payer" in page.text
    assert 'data-testid="refund-stripe"' in page.text
    done = await stripe_client.post(
        f"/dashboard/events/{setup.event_id}/payments/{payment['id']}/refund",
        data={"_csrf_token": token, "through_stripe": "0"},
        headers=HTML,
    )
    assert done.status_code == 303
    assert (await payment_of(body["id"]))["status"] == "refunded"
    after = await stripe_client.get(f"/dashboard/events/{setup.event_id}/payments", headers=HTML)
    assert "No refunds to make." in after.text and "Recorded as refunded." in after.text

    stranger, _org = await factory.organiser()
    await web_login(stripe_client, stranger)
    hidden = await stripe_client.get(f"/dashboard/events/{setup.event_id}/payments", headers=HTML)
    assert hidden.status_code == 404
