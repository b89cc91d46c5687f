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
from tests.stripe_server import ANNUAL_PRICE, MONTHLY_PRICE, StripeTestServer

pytestmark = pytest.mark.browser


class _SelfAddressedServer(LiveServer):
    """A live server whose public base URL is its own address (Checkout returns there)."""

    def _spawn(self) -> None:
        self.env["LUYAN_PUBLIC_BASE_URL"] = f"http://127.0.0.1:{self.port}"
        super()._spawn()


@pytest.fixture(scope="module")
def paying_setup(
    migrated_db: None, test_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, StripeTestServer]]:
    with StripeTestServer() as stripe_server:
        env = {
            **test_env,
            "LUYAN_STRIPE_SECRET_KEY": stripe_server.secret_key,
            "LUYAN_STRIPE_PUBLISHABLE_KEY": "pk_test_luyan",
            "LUYAN_STRIPE_WEBHOOK_SECRET": stripe_server.webhook_secret,
            "LUYAN_STRIPE_API_BASE": stripe_server.base_url,
            "LUYAN_STRIPE_PRICE_MONTHLY": MONTHLY_PRICE,
            "LUYAN_STRIPE_PRICE_ANNUAL": ANNUAL_PRICE,
        }
        server = _SelfAddressedServer(env, log_path=tmp_path_factory.mktemp("stripe-live") / "server.log")
        with server:
            stripe_server.webhook_url = server.base_url + "/api/v1/stripe/webhook"
            yield server, stripe_server


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
