"""The viewer page in a real Chromium: the count changes when a second viewer joins, more tabs
of the same browser count once, and it goes down again when a viewer leaves."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, expect

from tests.factories import Factory
from tests.live import LiveServer

pytestmark = pytest.mark.browser


async def _stream(factory: Factory, server: LiveServer) -> int:
    owner, org_id = await factory.organiser()
    now = dt.datetime.now(dt.UTC)
    event_id = await factory.event(
        org_id, kind="roadshow", starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=4)
    )
    body = {
        "title_en": "Main stage",
        "player_kind": "embed",
        "player_url": f"{server.base_url}/static/favicon.svg",  # the network is closed: a local page
        "starts_at": (now - dt.timedelta(minutes=5)).isoformat(),
        "ends_at": (now + dt.timedelta(hours=2)).isoformat(),
        "status": "live",
    }
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        response = await api.post(f"/api/v1/events/{event_id}/streams", json=body, headers=owner.headers)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])


async def _viewer(browser: Browser, server: LiveServer) -> BrowserContext:
    """A browser profile of its own: its own localStorage, so its own viewer id."""
    context = await browser.new_context(
        base_url=server.base_url, locale="en-US", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(15_000)
    return context


async def test_the_count_changes_when_a_second_viewer_joins(
    browser: Browser, live_server: LiveServer, factory: Factory
) -> None:
    stream_id = await _stream(factory, live_server)
    first, second = await _viewer(browser, live_server), await _viewer(browser, live_server)
    try:
        page = await first.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.goto(f"/live/{stream_id}")
        online = page.locator('[data-count="online"]')
        await expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "live")
        await expect(online).to_have_text("1")

        other = await second.new_page()
        await other.goto(f"/live/{stream_id}")
        await expect(online).to_have_text("2")  # pushed to the first viewer, no reload
        await expect(other.locator('[data-count="online"]')).to_have_text("2")

        more_tabs = [await first.new_page() for _ in range(2)]  # the same browser: still one viewer
        for tab in more_tabs:
            await tab.goto(f"/live/{stream_id}")
            await expect(tab.locator("[data-live-status]")).to_have_attribute("data-state", "live")
        await expect(online).to_have_text("2")
        await expect(page.locator('[data-count="peak"]')).to_have_text("2")

        await other.close()
        await expect(online).to_have_text("1")
        assert errors == []
    finally:
        await first.close()
        await second.close()
