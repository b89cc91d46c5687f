"""More of the webhook's life: expired Checkout Sessions, claims left by a crashed process, mail in
the admin's language, cancelling at the period's end, and an endpoint without Stripe settings."""

from __future__ import annotations

import datetime as dt

import httpx

from app.mail.tables import OutboxMessage
from roadshows.tables import StripeWebhookEvent
from tests.factories import Factory
from tests.roadshows.subscriptions_support import (  # noqa: F401
    WEBHOOK,
    by_type,
    deliver,
    full_access,
    give_seat,
    institution,
    start_checkout,
    stripe_app_fixture,
    stripe_client_fixture,
    stripe_server_fixture,
    subscription_row,
)
from tests.stripe_server import StripeTestServer


async def test_an_expired_checkout_is_marked_and_hidden(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    inst = await institution(factory)
    started = await start_checkout(stripe_client, inst)
    stripe_server.store.take_events()
    stripe_server.store.expire_checkout(started["session_id"])
    (response,) = await deliver(stripe_client, stripe_server, stripe_server.store.take_events())
    assert response.json()["outcome"] == "incomplete -> incomplete_expired"
    assert (await subscription_row(started["subscription_id"]))["status"] == "incomplete_expired"
    overview = await stripe_client.get(
        f"/api/v1/institutions/{inst.id}/subscription", headers=inst.admin.headers
    )
    assert overview.json()["subscriptions"] == []


async def test_a_claim_left_by_a_crashed_process_is_taken_over_later(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    inst = await institution(factory)
    started = await start_checkout(stripe_client, inst)
    stripe_server.store.take_events()
    stripe_server.store.complete_checkout(started["session_id"])
    (event,) = by_type(stripe_server.store.take_events(), "invoice.paid")
    claim = StripeWebhookEvent(stripe_event_id=event["id"], type=event["type"])
    await claim.save()

    (busy,) = await deliver(stripe_client, stripe_server, [event])
    assert busy.json()["duplicate"] is True  # another delivery may still be working on it
    assert (await subscription_row(started["subscription_id"]))["status"] == "incomplete"

    await StripeWebhookEvent.update(
        {StripeWebhookEvent.received_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)}
    ).where(StripeWebhookEvent.id == claim.id)
    (retry,) = await deliver(stripe_client, stripe_server, [event])
    assert retry.json()["duplicate"] is False
    assert (await subscription_row(started["subscription_id"]))["status"] == "active"
    processed = await StripeWebhookEvent.select().where(StripeWebhookEvent.id == claim.id).first()
    assert processed is not None and processed["processed_at"] is not None
    assert processed["outcome"].startswith("incomplete -> active")


async def test_mail_goes_to_every_admin_in_their_language(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    from app.accounts.tables import InstitutionMember

    inst = await institution(factory, members=1)
    chinese_admin = await factory.user(locale="zh", name="王经理")
    await InstitutionMember(institution=inst.id, user=chinese_admin.id, role="admin").save()
    started = await start_checkout(stripe_client, inst)
    stripe_server.store.take_events()
    paid = stripe_server.store.complete_checkout(started["session_id"])
    await deliver(stripe_client, stripe_server, stripe_server.store.take_events())
    stripe_server.store.cancel_subscription(paid["subscription"])
    await deliver(stripe_client, stripe_server, stripe_server.store.take_events())

    mails = await OutboxMessage.select(
        OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.kind
    ).where(OutboxMessage.to_address.is_in([inst.admin.email, chinese_admin.email, inst.members[0].email]))
    by_person = {(m["to_address"], m["kind"]): m["subject"] for m in mails}
    assert set(by_person) == {
        (inst.admin.email, "subscription.active"),
        (inst.admin.email, "subscription.canceled"),
        (chinese_admin.email, "subscription.active"),
        (chinese_admin.email, "subscription.canceled"),
    }
    assert by_person[(inst.admin.email, "subscription.active")] == "Databank access is live for Test Capital"
    assert by_person[(chinese_admin.email, "subscription.active")] == "测试资本 的项目库访问权限已开通"
    assert "测试资本" in by_person[(chinese_admin.email, "subscription.canceled")]


async def test_cancel_at_period_end_keeps_access_until_stripe_ends_it(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    inst = await institution(factory)
    await give_seat(inst.id, inst.admin.id)
    started = await start_checkout(stripe_client, inst)
    stripe_server.store.take_events()
    paid = stripe_server.store.complete_checkout(started["session_id"])
    await deliver(stripe_client, stripe_server, stripe_server.store.take_events())

    stripe_server.store.update_subscription(paid["subscription"], {"cancel_at_period_end": "true"})
    await deliver(stripe_client, stripe_server, stripe_server.store.take_events())
    row = await subscription_row(started["subscription_id"])
    assert row["status"] == "active" and row["cancel_at_period_end"] is True
    assert await full_access(inst.admin)

    stripe_server.store.cancel_subscription(paid["subscription"])
    await deliver(stripe_client, stripe_server, stripe_server.store.take_events())
    assert not await full_access(inst.admin)


async def test_webhook_without_stripe_settings_is_503_and_records_nothing(
    client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    event = stripe_server.store.record_event("invoice.paid", {"id": "in_test_x", "object": "invoice"})
    stripe_server.store.take_events()
    body, headers = stripe_server.signed(event)
    response = await client.post(WEBHOOK, content=body, headers=headers)
    assert response.status_code == 503 and response.json()["code"] == "payments_not_configured"
    assert not await StripeWebhookEvent.exists().where(StripeWebhookEvent.stripe_event_id == event["id"])
