"""The printed ticket, in a real Chromium: QR, name and seat on one page, nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.factories import PASSWORD, Factory
from tests.live import LiveServer

pytestmark = pytest.mark.browser
SEAT = "Hall A · Row 3 · Seat 12"


async def test_printed_ticket_shows_qr_and_seat_on_one_page(
    browser_page: Page, live_server: LiveServer, factory: Factory, tmp_path: Path
) -> None:
    page = browser_page
    organiser, org_id = await factory.organiser()
    event_id = await factory.event(org_id)
    ticket_type_id = await factory.ticket_type(event_id)
    user = await factory.user()
    async with httpx.AsyncClient(base_url=live_server.base_url) as api:
        reg = await api.post(
            f"/api/v1/events/{event_id}/registrations",
            json={"ticket_type_id": ticket_type_id},
            headers=user.headers,
        )
        assert reg.status_code == 201, reg.text
        registration_id = reg.json()["id"]
        seat = await api.put(
            f"/api/v1/events/{event_id}/registrations/{registration_id}/seat",
            json={"seat": SEAT},
            headers=organiser.headers,
        )
        assert seat.status_code == 200, seat.text

    await page.goto(f"/login?next=/me/registrations/{registration_id}/ticket")
    await page.locator('input[name="email"]').fill(user.email)
    await page.locator('input[name="password"]').fill(PASSWORD)
    await page.get_by_test_id("login-submit").click()
    await expect(page).to_have_url(re.compile(rf"/me/registrations/{registration_id}/ticket$"))

    await page.emulate_media(media="print")
    await expect(page.get_by_test_id("ticket-seat")).to_have_text(SEAT)
    await expect(page.get_by_test_id("ticket-seat")).to_be_visible()
    qr = page.locator('[data-testid="ticket-qr"] svg')
    await expect(qr).to_be_visible()
    box = await qr.bounding_box()
    assert box is not None and box["width"] > 250 and abs(box["width"] - box["height"]) < 2  # ~9 cm, square
    for hidden in ("ticket-actions", "site-header", "site-footer"):
        await expect(page.locator(f".{hidden}")).to_be_hidden()

    await page.screenshot(path=str(tmp_path / "print.png"), full_page=True)
    pdf = await page.pdf(format="A4", path=str(tmp_path / "ticket.pdf"))
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the ticket prints on {pages} pages"
