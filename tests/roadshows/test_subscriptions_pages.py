"""The institution's page (``/me/institution``) and the platform admins' complimentary access page."""

from __future__ import annotations

import datetime as dt

import httpx

from tests.factories import Factory, web_login
from tests.roadshows.subscriptions_support import (  # noqa: F401
    full_access,
    institution,
    stripe_app_fixture,
    stripe_client_fixture,
    stripe_server_fixture,
)
from tests.stripe_server import StripeTestServer

HTML = {"accept": "text/html"}


async def test_not_configured_page_says_so(client: httpx.AsyncClient, factory: Factory) -> None:
    inst = await institution(factory, members=1)
    await web_login(client, inst.admin)
    page = await client.get("/me/institution", headers=HTML)
    assert page.status_code == 200
    assert 'data-testid="payments-not-configured"' in page.text
    assert 'data-testid="subscribe-monthly"' not in page.text
    assert 'data-testid="no-subscription"' in page.text and "Test Capital" in page.text

    token = await web_login(client, inst.admin)
    response = await client.post(
        f"/me/institution/{inst.id}/subscribe", data={"_csrf_token": token, "plan": "monthly"}, headers=HTML
    )
    assert response.status_code == 303
    after = await client.get(response.headers["location"], headers=HTML)
    assert "Online payments are not configured on this platform yet." in after.text


async def test_member_sees_status_but_no_admin_controls(client: httpx.AsyncClient, factory: Factory) -> None:
    inst = await institution(factory, members=1)
    await web_login(client, inst.members[0])
    page = await client.get(f"/me/institution?institution={inst.id}", headers=HTML)
    assert page.status_code == 200 and 'data-testid="access-none"' in page.text
    assert "payments-not-configured" not in page.text and "assign-seat" not in page.text


async def test_people_outside_see_404_or_an_empty_state(client: httpx.AsyncClient, factory: Factory) -> None:
    inst = await institution(factory)
    other = await institution(factory)
    await web_login(client, other.admin)
    assert (await client.get(f"/me/institution?institution={inst.id}", headers=HTML)).status_code == 404
    token = await web_login(client, other.admin)
    response = await client.post(
        f"/me/institution/{inst.id}/subscribe", data={"_csrf_token": token, "plan": "monthly"}, headers=HTML
    )
    assert response.status_code == 404
    loner = await factory.user()
    await web_login(client, loner)
    page = await client.get("/me/institution", headers=HTML)
    assert page.status_code == 200 and 'data-testid="no-institution"' in page.text


async def test_subscribe_goes_to_checkout_and_the_return_shows_access(
    factory: Factory, stripe_client: httpx.AsyncClient, stripe_server: StripeTestServer
) -> None:
    inst = await institution(factory, members=1)
    token = await web_login(stripe_client, inst.admin)
    page = await stripe_client.get("/me/institution", headers=HTML)
    assert 'data-testid="subscribe-monthly"' in page.text and 'data-testid="subscribe-annual"' in page.text

    response = await stripe_client.post(
        f"/me/institution/{inst.id}/subscribe",
        data={"_csrf_token": token, "plan": "annual", "seats": "2"},
        headers=HTML,
    )
    assert response.status_code == 303
    pay_url = response.headers["location"]
    assert pay_url.startswith(stripe_server.base_url + "/pay/cs_test_")
    session_id = pay_url.rsplit("/", 1)[1]
    stripe_server.store.complete_checkout(session_id)
    stripe_server.store.take_events()  # the webhooks are late: the return alone must do

    back = stripe_server.store.get("checkout.session", session_id)["success_url"].replace(
        "{CHECKOUT_SESSION_ID}", session_id
    )
    returned = await stripe_client.get(back.removeprefix("http://testserver"), headers=HTML)
    assert returned.status_code == 303
    page = await stripe_client.get(returned.headers["location"], headers=HTML)
    assert "Your subscription is active" in page.text and 'data-testid="access-live"' in page.text
    assert 'data-testid="manage-billing"' in page.text and 'data-testid="subscribe-annual"' not in page.text

    # give the admin a seat from the page: full access follows
    token = await web_login(stripe_client, inst.admin)
    assign = await stripe_client.post(
        f"/me/institution/{inst.id}/seats",
        data={"_csrf_token": token, "user_id": str(inst.admin.id)},
        headers=HTML,
    )
    assert assign.status_code == 303 and await full_access(inst.admin)
    portal = await stripe_client.post(
        f"/me/institution/{inst.id}/billing", data={"_csrf_token": token}, headers=HTML
    )
    assert portal.status_code == 303 and portal.headers["location"].startswith(
        stripe_server.base_url + "/portal/"
    )

    # a session id of someone else's checkout is not read
    foreign = await stripe_client.get(
        f"/me/institution?institution={inst.id}&checkout=success&session_id=cs_test_other", headers=HTML
    )
    assert foreign.status_code == 303


async def test_cancelled_checkout_says_nothing_was_charged(
    factory: Factory, stripe_client: httpx.AsyncClient
) -> None:
    inst = await institution(factory)
    await web_login(stripe_client, inst.admin)
    back = await stripe_client.get(f"/me/institution?institution={inst.id}&checkout=cancelled", headers=HTML)
    page = await stripe_client.get(back.headers["location"], headers=HTML)
    assert "nothing was charged" in page.text


async def test_platform_admin_grants_and_revokes_from_the_dashboard(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    platform = await factory.user(admin=True)
    inst = await institution(factory)
    organiser, _org = await factory.organiser()
    await web_login(client, organiser)
    assert (await client.get("/dashboard/institutions", headers=HTML)).status_code == 403

    token = await web_login(client, platform)
    page = await client.get("/dashboard/institutions", headers=HTML)
    assert page.status_code == 200 and f'data-testid="institution-{inst.id}"' in page.text
    action = f"/dashboard/institutions/{inst.id}/complimentary"
    bad = await client.post(
        action, data={"_csrf_token": token, "seats": "2", "until": "2020-01-01"}, headers=HTML
    )
    assert bad.status_code == 422 and "Choose a date in the future." in bad.text
    until = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    ok = await client.post(
        action, data={"_csrf_token": token, "seats": "2", "until": until, "note": "Pilot"}, headers=HTML
    )
    assert ok.status_code == 303
    page = await client.get("/dashboard/institutions", headers=HTML)
    assert "Complimentary access granted." in page.text and 'data-testid="revoke-' in page.text
    sub_id = int(page.text.split('data-testid="revoke-', 1)[1].split('"', 1)[0])
    revoked = await client.post(
        f"/dashboard/subscriptions/{sub_id}/revoke", data={"_csrf_token": token}, headers=HTML
    )
    assert revoked.status_code == 303
    page = await client.get("/dashboard/institutions", headers=HTML)
    assert f'data-testid="revoke-{sub_id}"' not in page.text


async def test_forms_need_csrf(client: httpx.AsyncClient, factory: Factory) -> None:
    inst = await institution(factory, members=1)
    await web_login(client, inst.admin)
    response = await client.post(
        f"/me/institution/{inst.id}/seats", data={"user_id": str(inst.members[0].id)}, headers=HTML
    )
    assert response.status_code == 403
