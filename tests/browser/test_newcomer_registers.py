"""A newcomer switches to Chinese, signs up and registers for an event, in a real Chromium."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.factories import Factory

pytestmark = pytest.mark.browser


async def test_newcomer_switches_to_chinese_signs_up_and_registers(
    browser_page: Page, factory: Factory, tmp_path: Path
) -> None:
    page = browser_page
    _organiser, org_id = await factory.organiser()
    marker = uuid.uuid4().hex[:6]
    event_id = await factory.event(
        org_id, title_en=f"Open-air Roadshow {marker}", title_zh=f"长三角露天路演 {marker}"
    )
    await factory.ticket_type(event_id, capacity=5)
    email = f"newcomer-{marker}@example.test"

    # The event list, first in English (the browser asks for English), then in Chinese.
    await page.goto("/events")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await page.get_by_test_id("lang-zh").click()
    await expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    await expect(page.get_by_test_id("lang-en")).to_be_attached()
    assert re.search(r"/events$", page.url), page.url

    # Sign up.
    await page.get_by_test_id("nav-signup").click()
    await expect(page).to_have_url(re.compile(r"/signup"))
    await page.locator('input[name="display_name"]').fill("王小明")
    await page.locator('input[name="email"]').fill(email)
    await page.locator('input[name="password"]').fill("newcomer-password-42")
    await page.get_by_test_id("signup-submit").click()
    await expect(page.get_by_test_id("logout")).to_be_attached()
    await expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    # The event page, in Chinese, and its register button.
    await page.goto(f"/events/{event_id}")
    await expect(page.locator("h1")).to_contain_text(f"长三角露天路演 {marker}")
    await page.get_by_test_id("register-button").click()
    await expect(page).to_have_url(re.compile(rf"/events/{event_id}/register"))

    # The registration form: the only ticket type is preselected or chosen here.
    ticket_choice = page.locator('[name="ticket_type_id"]')
    if await ticket_choice.count() and await ticket_choice.first.get_attribute("type") == "radio":
        await ticket_choice.first.check()
    attendee = page.locator('input[name="attendee_name"]')
    if await attendee.count() and not await attendee.input_value():
        await attendee.fill("王小明")
    await page.get_by_test_id("register-submit").click()

    status = page.get_by_test_id("registration-status")
    await expect(status).to_have_text("已确认")  # "Confirmed" in frontend/i18n/zh_Hans/events.po
    await page.screenshot(path=str(tmp_path / "registered.png"), full_page=True)

    from app.accounts.tables import User
    from events.tables import Registration

    rows = await Registration.select(Registration.status).where(
        (Registration.event == event_id) & (Registration.user.email == email)  # type: ignore[attr-defined]
    )
    assert [row["status"] for row in rows] == ["confirmed"]
    assert await User.exists().where((User.email == email) & (User.locale == "zh"))
