"""An attendee books a priced ticket in a real Chromium: the platform holds the seat and sends
them to Checkout (the loopback Stripe server's pay page), they pay, the signed webhooks arrive,
and they come back to a confirmed registration with its payment shown as paid."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests import factories
from tests.events.payments_support import PRICE, confirmed_count, payment_of
from tests.events.registration_support import event_with_ticket, status_of, taken
from tests.factories import Factory
from tests.live import LiveServer
from tests.stripe_server import StripeTestServer
from tests.stripe_server.live import app_with_stripe

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def ticket_shop(
    migrated_db: None, test_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, StripeTestServer]]:
    with app_with_stripe(test_env, tmp_path_factory.mktemp("ticket-live")) as servers:
        yield servers


async def test_attendee_pays_for_a_ticket_and_comes_back_confirmed(
    browser: Browser, factory: Factory, ticket_shop: tuple[LiveServer, StripeTestServer], tmp_path: Path
) -> None:
    server, stripe_server = ticket_shop
    setup = await event_with_ticket(
        factory, capacity=2, price_cents=PRICE, currency="CNY", name_en="Delegate"
    )
    attendee = await factory.user(name="Paying Attendee")
    context = await browser.new_context(
        base_url=server.base_url, locale="en-US", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(15_000)
    try:
        async with httpx.AsyncClient(base_url=server.base_url) as web:
            await factories.web_login(web, attendee)
            await context.add_cookies(
                [{"name": k, "value": v, "url": server.base_url} for k, v in web.cookies.items()]
            )
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.goto(f"/events/{setup.event_id}/register")
        await page.get_by_test_id(f"ticket-{setup.ticket_id}").check()
        await page.get_by_test_id("register-submit").click()

        # On Stripe's (test) Checkout page, with the seat held meanwhile.
        await expect(page.get_by_test_id("pay")).to_be_visible()
        assert page.url.startswith(stripe_server.base_url + "/pay/cs_test_"), page.url
        await expect(page.locator("h1")).to_contain_text("Delegate")
        await expect(page.locator("h1")).to_contain_text("128.00 CNY")
        assert await taken(setup.ticket_id) == 1
        await page.get_by_test_id("pay").click()

        await expect(page.get_by_test_id("registration-status")).to_have_text("Confirmed")
        assert "/me/registrations/" in page.url, page.url
        await expect(page.get_by_test_id("flash")).to_contain_text("Your payment has been received")
        registration_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
        assert await status_of(registration_id) == "confirmed"
        assert (await payment_of(registration_id))["status"] == "paid"
        assert await confirmed_count(setup.ticket_id) == 1 and await taken(setup.ticket_id) == 1
        assert dict(stripe_server.deliveries).get("checkout.session.completed") == 200

        await page.goto(f"/me/registrations/{registration_id}/payment")
        await expect(page.get_by_test_id("payment-status")).to_have_text("Paid")
        await expect(page.get_by_test_id("payment-amount")).to_contain_text("128.00 CNY")
        # The confirmed ticket with its QR code, as for a free registration.
        await page.goto(f"/me/tickets/{await _code(registration_id)}")
        await expect(page.get_by_test_id("ticket-qr")).to_be_visible()
        await expect(page.get_by_test_id("ticket-type")).to_have_text("Delegate")
        assert errors == []
    except BaseException:
        open_pages = [p for p in context.pages if not p.is_closed()]
        if open_pages:
            await open_pages[0].screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            print(f"browser state at failure: {tmp_path / 'failure.png'}\n{server.log_tail()}")
        raise
    finally:
        await context.close()


async def _code(registration_id: int) -> str:
    from events.tables import Registration

    row = await Registration.select(Registration.code).where(Registration.id == registration_id).first()
    assert row is not None
    return row["code"]
