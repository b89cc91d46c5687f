"""The subscriptions API: plans, Checkout and the billing portal through the real SDK against the
loopback Stripe server, who may do what, and the "payments not configured" path."""

from __future__ import annotations

import httpx

from roadshows.tables import InstitutionSubscription
from tests.factories import Factory
from tests.roadshows.subscriptions_support import (  # noqa: F401
    deliver,
    institution,
    start_checkout,
    stripe_app_fixture,
    stripe_client_fixture,
    stripe_server_fixture,
    subscription_row,
)
from tests.stripe_server import StripeTestServer


async def test_without_stripe_keys_payments_are_not_configured(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    plans = (await client.get("/api/v1/subscriptions/plans")).json()
    assert plans["configured"] is False and plans["publishable_key"] is None
    assert [p["available"] for p in plans["plans"]] == [False, False]
    inst = await institution(factory)
    for path, body in (("checkout", {"plan": "monthly"}), ("portal", None)):
        response = await client.post(
            f"/api/v1/institutions/{inst.id}/subscription/{path}", json=body, headers=inst.admin.headers
        )
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "payments_not_configured"
    assert not await InstitutionSubscription.exists().where(InstitutionSubscription.institution == inst.id)


async def test_plans_when_configured(stripe_client: httpx.AsyncClient) -> None:
    plans = (await stripe_client.get("/api/v1/subscriptions/plans")).json()
    assert plans["configured"] is True and plans["publishable_key"] == "pk_test_luyan"
    assert {p["key"]: p["available"] for p in plans["plans"]} == {"monthly": True, "annual": True}


async def test_checkout_creates_then_reuses_the_customer(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    inst = await institution(factory)
    first = await start_checkout(stripe_client, inst, plan="annual", seats=4)
    session = stripe_server.store.get("checkout.session", first["session_id"])
    assert session["mode"] == "subscription"
    assert session["client_reference_id"] == f"institution-{inst.id}"
    assert session["metadata"] == {
        "institution_id": str(inst.id),
        "subscription_row": str(first["subscription_id"]),
    }
    assert session["_subscription_metadata"] == session["metadata"]
    assert session["_quantity"] == 4 and session["_price"] == "price_test_annual"
    assert session["success_url"].startswith(f"http://testserver/me/institution?institution={inst.id}")
    assert "{CHECKOUT_SESSION_ID}" in session["success_url"]
    assert session["cancel_url"].startswith("http://testserver/me/institution")
    row = await subscription_row(first["subscription_id"])
    assert (row["status"], row["plan"], row["seats"], row["source"]) == ("incomplete", "annual", 4, "stripe")

    customers_before = len(stripe_server.store.objects["customer"])
    assert session["locale"] == "en"
    second_response = await stripe_client.post(
        f"/api/v1/institutions/{inst.id}/subscription/checkout",
        json={"plan": "monthly"},
        headers={**inst.admin.headers, "Accept-Language": "zh-CN,zh;q=0.9"},
    )
    assert second_response.status_code == 201
    second = second_response.json()
    assert stripe_server.store.get("checkout.session", second["session_id"])["locale"] == "zh"
    assert len(stripe_server.store.objects["customer"]) == customers_before
    assert (
        stripe_server.store.get("checkout.session", second["session_id"])["customer"]
        == row["stripe_customer_id"]
    )


async def test_live_subscription_blocks_a_second_checkout_and_portal_opens(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    inst = await institution(factory)
    portal = f"/api/v1/institutions/{inst.id}/subscription/portal"
    response = await stripe_client.post(portal, headers=inst.admin.headers)
    assert response.status_code == 409 and response.json()["code"] == "no_billing_account"

    started = await start_checkout(stripe_client, inst)
    stripe_server.store.take_events()
    stripe_server.store.complete_checkout(started["session_id"])
    await deliver(stripe_client, stripe_server, stripe_server.store.take_events())
    again = await stripe_client.post(
        f"/api/v1/institutions/{inst.id}/subscription/checkout",
        json={"plan": "annual"},
        headers=inst.admin.headers,
    )
    assert again.status_code == 409 and again.json()["code"] == "already_subscribed"

    response = await stripe_client.post(portal, headers=inst.admin.headers)
    assert response.status_code == 201
    assert response.json()["url"].startswith(stripe_server.base_url + "/portal/")
    overview = (
        await stripe_client.get(f"/api/v1/institutions/{inst.id}/subscription", headers=inst.admin.headers)
    ).json()
    assert overview["has_access"] is True and overview["seats_total"] == 2
    assert [s["status"] for s in overview["subscriptions"]] == ["active"]


async def test_who_may_subscribe(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    inst = await institution(factory, members=1)
    other = await institution(factory)
    checkout = f"/api/v1/institutions/{inst.id}/subscription/checkout"
    body = {"plan": "monthly"}

    member = await stripe_client.post(checkout, json=body, headers=inst.members[0].headers)
    assert member.status_code == 403 and member.json()["code"] == "not_institution_admin"
    outsider = await stripe_client.post(checkout, json=body, headers=other.admin.headers)
    assert outsider.status_code == 404
    missing = await stripe_client.post(
        "/api/v1/institutions/999999/subscription/checkout", json=body, headers=other.admin.headers
    )
    assert missing.status_code == 404
    assert {k: missing.json()[k] for k in ("code", "detail")} == {
        k: outsider.json()[k] for k in ("code", "detail")
    }
    anonymous = await stripe_client.post(checkout, json=body)
    assert anonymous.status_code == 401
    read_other = await stripe_client.get(
        f"/api/v1/institutions/{inst.id}/subscription", headers=other.admin.headers
    )
    assert read_other.status_code == 404
    portal = await stripe_client.post(
        f"/api/v1/institutions/{inst.id}/subscription/portal", headers=inst.members[0].headers
    )
    assert portal.status_code == 403

    # members read their institution's access, without the member list
    seen = await stripe_client.get(
        f"/api/v1/institutions/{inst.id}/subscription", headers=inst.members[0].headers
    )
    assert seen.status_code == 200 and seen.json()["role"] == "member" and seen.json()["members"] == []
    assert not await InstitutionSubscription.exists().where(InstitutionSubscription.institution == inst.id)


async def test_bad_checkout_input_is_422(factory: Factory, stripe_client: httpx.AsyncClient) -> None:
    inst = await institution(factory)
    checkout = f"/api/v1/institutions/{inst.id}/subscription/checkout"
    for body in ({"plan": "weekly"}, {"plan": "monthly", "seats": 0}, {"plan": "monthly", "extra": 1}):
        response = await stripe_client.post(checkout, json=body, headers=inst.admin.headers)
        assert response.status_code == 422, body
    response = await stripe_client.post(
        checkout, content=b"{not json", headers={**inst.admin.headers, "Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
