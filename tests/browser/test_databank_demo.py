"""The demo investor in the project databank, through the pages: searches in Chinese and in
English, sees teasers only, subscribes through Checkout (against the Stripe test server), sees
full details and asks for an introduction, then cancels in the billing portal and loses full
access at once. Runs on the demo database, as ``luyan demo`` loads it on a fresh machine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from playwright.async_api import Browser, Page, expect

from tests import demo_db
from tests.stripe_server import StripeTestServer
from tests.stripe_server.live import SelfAddressedServer, stripe_env

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_databank(
    tmp_path_factory: pytest.TempPathFactory, test_env: dict[str, str]
) -> Iterator[tuple[object, StripeTestServer]]:
    var_dir = tmp_path_factory.mktemp("demo-databank")
    with (
        StripeTestServer() as stripe_server,
        demo_db.demo_server(
            var_dir,
            test_env,
            "demo_databank",
            extra_env=stripe_env(stripe_server),
            server_class=SelfAddressedServer,
        ) as (server, _env),
    ):
        stripe_server.webhook_url = server.base_url + "/api/v1/stripe/webhook"
        yield server, stripe_server


@pytest.fixture
async def investor(browser: Browser, demo_databank: tuple) -> AsyncIterator[Page]:
    server, _stripe = demo_databank
    context = await browser.new_context(
        base_url=server.base_url, locale="en-US", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(20_000)
    page = await context.new_page()
    await page.goto("/login")
    await page.locator('input[name="email"]').fill("investor@luyan.demo")
    await page.locator('input[name="password"]').fill("luyan-demo")
    await page.get_by_test_id("login-submit").click()
    await expect(page.get_by_test_id("nav-databank")).to_be_visible()
    yield page
    await context.close()


async def _search(page: Page, text: str) -> None:
    await page.get_by_test_id("search-q").fill(text)
    await page.get_by_test_id("search-q").press("Enter")
    await expect(page.get_by_test_id("result-count")).to_be_visible()


async def test_the_demo_investor_searches_subscribes_and_loses_access_on_cancelling(
    investor: Page, demo_databank: tuple
) -> None:
    server, stripe_server = demo_databank
    page = investor
    await page.get_by_test_id("nav-databank").click()
    await _search(page, "电池")  # two Chinese characters: a substring of 固态电池电芯
    await expect(page.locator("article.result-card").first).to_contain_text("Solid-state battery")
    await _search(page, "battery")
    first = page.locator("article.result-card").first
    await expect(first).to_contain_text("battery")

    # A teaser only: no financials, no contacts.
    await first.locator("h3 a").click()
    project_url = page.url
    await expect(page.get_by_test_id("locked")).to_be_visible()
    await expect(page.get_by_test_id("contact")).to_have_count(0)

    # Subscribe through Checkout, come back with access, see full details.
    await page.goto("/me/institution")
    await page.get_by_test_id("subscribe-monthly").click()
    await expect(page.get_by_test_id("pay")).to_be_visible()
    assert page.url.startswith(stripe_server.base_url + "/pay/"), page.url
    await page.get_by_test_id("pay").click()
    await expect(page.get_by_test_id("access-live")).to_be_visible()
    await page.goto(project_url)
    await expect(page.get_by_test_id("full-details")).to_be_visible()
    await expect(page.get_by_test_id("contact")).to_contain_text("@databank.luyan.demo")

    # Ask the team for an introduction.
    await page.locator('textarea[name="message"]').fill(
        "West Lake Angel Fund would like to meet your team in Jinhua."
    )
    await page.get_by_test_id("introduction-send").click()
    await expect(page.get_by_test_id("introduction-status")).to_contain_text("Waiting for the team")

    # Cancel in the billing portal: full access ends at once.
    await page.goto("/me/institution")
    await page.get_by_test_id("manage-billing").click()
    await page.get_by_test_id("portal-cancel").click()
    await expect(page.get_by_test_id("access-none")).to_be_visible()
    await page.goto(project_url)
    await expect(page.get_by_test_id("locked")).to_be_visible()
    await expect(page.get_by_test_id("contact")).to_have_count(0)
    assert server.base_url in project_url
