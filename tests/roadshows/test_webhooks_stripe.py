"""Stripe webhooks against the loopback Stripe server, through the real SDK: signatures, duplicates,
order of delivery, forward-only state, and access following the subscription at once."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from app.payments.errors import PaymentProviderUnavailable
from app.payments.gateway import StripeGateway
from app.settings import StripeSettings
from roadshows import webhooks
from roadshows.tables import InstitutionSubscription, StripeWebhookEvent
from tests.factories import Factory
from tests.live import free_port
from tests.roadshows.subscriptions_support import (  # noqa: F401
    WEBHOOK,
    TestInstitution,
    by_type,
    deliver,
    full_access,
    give_seat,
    institution,
    mails_to,
    start_checkout,
    stripe_app_fixture,
    stripe_client_fixture,
    stripe_server_fixture,
    subscription_row,
)
from tests.stripe_server import StripeTestServer


async def client_checkout(client: httpx.AsyncClient, inst: TestInstitution) -> httpx.Response:
    return await client.post(
        f"/api/v1/institutions/{inst.id}/subscription/checkout",
        json={"plan": "annual"},
        headers=inst.admin.headers,
    )


async def _subscribed(
    factory: Factory, client: httpx.AsyncClient, server: StripeTestServer, seats: int = 2
) -> tuple[TestInstitution, dict, dict]:
    """An institution whose admin went through Checkout and paid (events not yet delivered)."""
    inst = await institution(factory)
    started = await start_checkout(client, inst, seats=seats)
    server.store.take_events()
    paid = server.store.complete_checkout(started["session_id"])
    await give_seat(inst.id, inst.admin.id)
    return inst, started, paid


async def test_checkout_then_webhooks_activate_and_mail_admins(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    inst, started, paid = await _subscribed(factory, stripe_client, stripe_server, seats=3)
    row = await subscription_row(started["subscription_id"])
    assert row["status"] == "incomplete" and row["stripe_checkout_session_id"] == started["session_id"]
    assert started["url"].startswith(stripe_server.base_url + "/pay/")
    assert not await full_access(inst.admin)

    responses = await deliver(stripe_client, stripe_server, stripe_server.store.take_events())
    assert [r.status_code for r in responses] == [200, 200, 200]
    row = await subscription_row(started["subscription_id"])
    assert row["status"] == "active" and row["seats"] == 3 and row["plan"] == "monthly"
    assert row["stripe_subscription_id"] == paid["subscription"]
    assert row["stripe_customer_id"] == paid["customer"]
    assert row["current_period_end"] is not None and row["stripe_updated"] > 0
    assert await full_access(inst.admin)
    assert await mails_to(inst.admin.email, "subscription.active") == 1
    # the unhandled event is recorded but changes nothing
    created = responses[0].json()
    assert created["outcome"] == "ignored: not handled"


async def test_bad_signature_stale_timestamp_and_altered_body_change_nothing(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    inst, started, _ = await _subscribed(factory, stripe_client, stripe_server)
    (event,) = by_type(stripe_server.store.take_events(), "invoice.paid")
    body, headers = stripe_server.signed(event)

    wrong_secret = dict(headers)
    original = stripe_server.webhook_secret
    stripe_server.webhook_secret = "whsec_someone_else"
    try:
        _, wrong_secret = stripe_server.signed(event)
    finally:
        stripe_server.webhook_secret = original
    _, stale = stripe_server.signed(event, timestamp=int(time.time()) - 600)
    altered = body.replace(b'"invoice.paid"', b'"invoice.paid" ', 1)
    attempts = [
        (body, wrong_secret),
        (body, stale),
        (altered, headers),
        (body, {"Content-Type": "application/json"}),  # no signature at all
        (b"not json", headers),
    ]
    for content, sent_headers in attempts:
        response = await stripe_client.post(WEBHOOK, content=content, headers=sent_headers)
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "invalid_signature"
    assert not await StripeWebhookEvent.exists().where(StripeWebhookEvent.stripe_event_id == event["id"])
    assert (await subscription_row(started["subscription_id"]))["status"] == "incomplete"
    assert not await full_access(inst.admin)

    # the genuine delivery still works afterwards
    response = await stripe_client.post(WEBHOOK, content=body, headers=headers)
    assert response.status_code == 200 and not response.json()["duplicate"]
    assert await full_access(inst.admin)


async def test_same_event_five_times_in_a_row_and_at_once_applies_once(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    inst, started, _ = await _subscribed(factory, stripe_client, stripe_server)
    events = stripe_server.store.take_events()
    (paid,) = by_type(events, "invoice.paid")
    (completed,) = by_type(events, "checkout.session.completed")

    at_once = await asyncio.gather(*(deliver(stripe_client, stripe_server, [paid]) for _ in range(5)))
    flags = [r[0].json()["duplicate"] for r in at_once]
    assert all(r[0].status_code == 200 for r in at_once)
    assert flags.count(False) == 1, flags
    in_a_row = await deliver(stripe_client, stripe_server, [completed] * 5)
    assert [r.json()["duplicate"] for r in in_a_row] == [False, True, True, True, True]

    assert (
        await StripeWebhookEvent.count().where(
            StripeWebhookEvent.stripe_event_id.is_in([paid["id"], completed["id"]])
        )
        == 2
    )
    assert (await subscription_row(started["subscription_id"]))["status"] == "active"
    assert await mails_to(inst.admin.email, "subscription.active") == 1
    assert await InstitutionSubscription.count().where(InstitutionSubscription.institution == inst.id) == 1


async def test_invoice_paid_before_checkout_completed(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    inst, started, paid = await _subscribed(factory, stripe_client, stripe_server)
    events = stripe_server.store.take_events()
    (first,) = await deliver(stripe_client, stripe_server, by_type(events, "invoice.paid"))
    assert first.json()["outcome"].startswith("incomplete -> active")
    row = await subscription_row(started["subscription_id"])
    assert row["status"] == "active" and row["stripe_subscription_id"] == paid["subscription"]
    assert await full_access(inst.admin)
    (late,) = await deliver(stripe_client, stripe_server, by_type(events, "checkout.session.completed"))
    assert late.status_code == 200
    assert (await subscription_row(started["subscription_id"]))["status"] == "active"
    assert await mails_to(inst.admin.email, "subscription.active") == 1


async def test_update_after_delete_does_not_resurrect(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    inst, started, paid = await _subscribed(factory, stripe_client, stripe_server)
    await deliver(stripe_client, stripe_server, stripe_server.store.take_events())
    assert await full_access(inst.admin)

    stripe_server.store.cancel_subscription(paid["subscription"])
    (deleted,) = stripe_server.store.take_events()
    # A late update, and Stripe answering the re-read with a stale "active" (a lagging replica):
    # the row must stay cancelled all the same.
    late = stripe_server.store.record_event(
        "customer.subscription.updated", {**deleted["data"]["object"], "status": "active"}
    )
    stripe_server.store.take_events()
    await deliver(stripe_client, stripe_server, [deleted])
    assert (await subscription_row(started["subscription_id"]))["status"] == "canceled"
    assert not await full_access(inst.admin)
    assert await mails_to(inst.admin.email, "subscription.canceled") == 1

    stripe_server.store.set_status(paid["subscription"], "active")
    (response,) = await deliver(stripe_client, stripe_server, [late])
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored: subscription already canceled"
    assert (await subscription_row(started["subscription_id"]))["status"] == "canceled"
    assert not await full_access(inst.admin)


async def test_older_event_than_the_applied_state_changes_nothing(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    inst, started, paid = await _subscribed(factory, stripe_client, stripe_server)
    await deliver(stripe_client, stripe_server, stripe_server.store.take_events())
    applied = (await subscription_row(started["subscription_id"]))["stripe_updated"]
    stripe_server.store.set_status(paid["subscription"], "past_due")  # what a stale read would say
    old = stripe_server.store.record_event(
        "customer.subscription.updated",
        stripe_server.store.public("subscription", paid["subscription"]),
        created=applied - 60,
    )
    stripe_server.store.take_events()
    (response,) = await deliver(stripe_client, stripe_server, [old])
    assert response.json()["outcome"] == "ignored: older than the state applied"
    assert (await subscription_row(started["subscription_id"]))["status"] == "active"
    assert await full_access(inst.admin)


async def test_payment_failed_takes_access_away_at_once_and_renewal_restores_it(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    inst, started, paid = await _subscribed(factory, stripe_client, stripe_server)
    await deliver(stripe_client, stripe_server, stripe_server.store.take_events())
    assert await full_access(inst.admin)

    stripe_server.store.fail_payment(paid["subscription"])
    events = stripe_server.store.take_events()
    await deliver(stripe_client, stripe_server, by_type(events, "invoice.payment_failed"))
    assert (await subscription_row(started["subscription_id"]))["status"] == "past_due"
    assert not await full_access(inst.admin)
    assert await mails_to(inst.admin.email, "subscription.payment_failed") == 1
    again = await client_checkout(stripe_client, inst)
    assert again.status_code == 409 and again.json()["code"] == "already_subscribed"  # fix it in the portal
    # the update that follows is the same state: no second mail
    await deliver(stripe_client, stripe_server, by_type(events, "customer.subscription.updated"))
    assert await mails_to(inst.admin.email, "subscription.payment_failed") == 1

    before = (await subscription_row(started["subscription_id"]))["current_period_end"]
    stripe_server.store.renew(paid["subscription"])
    await deliver(stripe_client, stripe_server, stripe_server.store.take_events())
    row = await subscription_row(started["subscription_id"])
    assert row["status"] == "active" and row["current_period_end"] > before
    assert await full_access(inst.admin)


async def test_events_for_unknown_objects_are_acknowledged(
    stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    event = stripe_server.store.record_event("customer.created", {"id": "cus_x", "object": "customer"})
    stripe_server.store.take_events()
    (response,) = await deliver(stripe_client, stripe_server, [event])
    assert response.status_code == 200 and response.json()["outcome"] == "ignored: not handled"


async def test_an_object_stripe_does_not_know_is_acknowledged(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    _inst, started, _paid = await _subscribed(factory, stripe_client, stripe_server)
    (event,) = by_type(stripe_server.store.take_events(), "invoice.paid")
    missing = json.loads(json.dumps(event))
    missing["id"] += "x"
    missing["data"]["object"]["id"] = "in_test_missing"
    (response,) = await deliver(stripe_client, stripe_server, [missing])
    assert response.status_code == 200 and response.json()["outcome"] == "ignored: object not found in Stripe"
    assert (await subscription_row(started["subscription_id"]))["status"] == "incomplete"


async def test_stripe_unreachable_releases_the_event_for_a_retry(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    _inst, started, _paid = await _subscribed(factory, stripe_client, stripe_server)
    (event,) = by_type(stripe_server.store.take_events(), "invoice.paid")
    body, headers = stripe_server.signed(event)
    down = StripeGateway(
        StripeSettings(
            secret_key=stripe_server.secret_key,
            webhook_secret=stripe_server.webhook_secret,
            api_base=f"http://127.0.0.1:{free_port()}",
        )
    )
    with pytest.raises(PaymentProviderUnavailable):
        await webhooks.receive(down, body, headers["Stripe-Signature"])
    assert not await StripeWebhookEvent.exists().where(StripeWebhookEvent.stripe_event_id == event["id"])
    assert (await subscription_row(started["subscription_id"]))["status"] == "incomplete"

    (retry,) = await deliver(stripe_client, stripe_server, [event])  # Stripe's next attempt
    assert retry.status_code == 200 and retry.json()["duplicate"] is False
    assert (await subscription_row(started["subscription_id"]))["status"] == "active"
