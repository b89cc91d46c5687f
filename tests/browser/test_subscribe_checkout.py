"""An institution's admin subscribes in a real Chromium: the platform sends them to Checkout (the
loopback Stripe server's pay page), they pay, Stripe's webhooks arrive signed, and they come back
to their institution's page with databank access; cancelling in the billing portal ends it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests import factories
from tests.factories import Factory
from tests.live import LiveServer
from tests.roadshows.subscriptions_support import full_access, give_seat, institution
from tests.stripe_server import StripeTestServer
from tests.stripe_server.live import app_with_stripe

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def paying_setup(
    migrated_db: None, test_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, StripeTestServer]]:
    with app_with_stripe(test_env, tmp_path_factory.mktemp("stripe-live")) as servers:
        yield servers


async def test_admin_subscribes_through_checkout_and_comes_back_with_access(
    browser: Browser,
    factory: Factory,
    paying_setup: tuple[LiveServer, StripeTestServer],
    tmp_path: Path,
) -> None:
    server, stripe_server = paying_setup
    inst = await institution(factory, members=1)
    await give_seat(inst.id, inst.admin.id)
    assert not await full_access(inst.admin)

    context = await browser.new_context(
        base_url=server.base_url, locale="en-US", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(15_000)
    try:
        async with httpx.AsyncClient(base_url=server.base_url) as web:
            await factories.web_login(web, inst.admin)
            await context.add_cookies(
                [{"name": k, "value": v, "url": server.base_url} for k, v in web.cookies.items()]
            )
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.goto("/me/institution")
        await expect(page.get_by_test_id("access-none")).to_be_visible()
        if os.environ.get("SUBSCRIBE_SCREENSHOTS"):
            await page.screenshot(path=os.environ["SUBSCRIBE_SCREENSHOTS"] + "/subscribe.png", full_page=True)
        await page.locator("#seats-monthly").fill("2")
        await page.get_by_test_id("subscribe-monthly").click()

        await expect(page.get_by_test_id("pay")).to_be_visible()
        assert page.url.startswith(stripe_server.base_url + "/pay/cs_test_"), page.url
        await page.get_by_test_id("pay").click()

        await expect(page.get_by_test_id("access-live")).to_be_visible()
        assert page.url.startswith(server.base_url + "/me/institution"), page.url
        await expect(page.get_by_test_id("flash")).to_contain_text("Your subscription is active")
        await expect(page.get_by_test_id("seat-count")).to_contain_text("1 of 2 seats taken")
        await expect(page.get_by_test_id("manage-billing")).to_be_visible()
        if os.environ.get("SUBSCRIBE_SCREENSHOTS"):
            await page.screenshot(
                path=os.environ["SUBSCRIBE_SCREENSHOTS"] + "/institution.png", full_page=True
            )
        delivered = dict(stripe_server.deliveries)
        assert delivered.get("checkout.session.completed") == 200 and delivered.get("invoice.paid") == 200
        assert await full_access(inst.admin)

        # Cancelling in the billing portal: Stripe's webhooks take access away at once.
        await page.get_by_test_id("manage-billing").click()
        await expect(page.get_by_test_id("portal-cancel")).to_be_visible()
        assert page.url.startswith(stripe_server.base_url + "/portal/"), page.url
        await page.get_by_test_id("portal-cancel").click()
        await expect(page.get_by_test_id("access-none")).to_be_visible()
        assert dict(stripe_server.deliveries).get("customer.subscription.deleted") == 200
        assert not await full_access(inst.admin)
        await expect(page.get_by_test_id("subscribe-annual")).to_be_visible()  # may subscribe again
        assert errors == []
    except BaseException:
        open_pages = [p for p in context.pages if not p.is_closed()]
        if open_pages:
            await open_pages[0].screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            print(f"browser state at failure: {tmp_path / 'failure.png'}\n{server.log_tail()}")
        raise
    finally:
        await context.close()
