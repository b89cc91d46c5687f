"""The live stage pages in a real Chromium: the leaderboard re-sorts when a judge's score is
posted, and the public screen follows the stage manager with a running countdown."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, expect

from tests import factories
from tests.factories import Factory, TestUser
from tests.live import LiveServer
from tests.roadshows.show_support import add_slot, board, stage

pytestmark = pytest.mark.browser


async def _signed_in(browser: Browser, server: LiveServer, user: TestUser | None) -> BrowserContext:
    context = await browser.new_context(
        base_url=server.base_url, locale="en-US", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(15_000)
    if user is not None:
        async with httpx.AsyncClient(base_url=server.base_url) as web:
            await factories.web_login(web, user)
            await context.add_cookies(
                [{"name": k, "value": v, "url": server.base_url} for k, v in web.cookies.items()]
            )
    return context


async def test_leaderboard_shows_a_new_score_live(
    browser: Browser, live_server: LiveServer, factory: Factory
) -> None:
    built = await board(factory, entries=2)
    round_id = built.contest.round_id
    context = await _signed_in(browser, live_server, built.contest.organiser)
    try:
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.goto(f"/dashboard/rounds/{round_id}/leaderboard")
        await expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "live")
        rows = page.get_by_test_id("leaderboard-row")
        await expect(rows).to_have_count(2)
        await expect(page.get_by_test_id("leaderboard-score")).to_have_text(["—", "—"])

        second = built.submissions[1]
        async with httpx.AsyncClient(base_url=live_server.base_url) as api:
            response = await api.put(
                f"/api/v1/rounds/{round_id}/entries/{second}/score",
                json={"values": {str(c): 8 for c in built.contest.criteria}},
                headers=built.judges[0].headers,
            )
            assert response.status_code == 200, response.text
        top = rows.first
        await expect(top).to_have_attribute("data-submission-id", str(second))  # moved to the top
        await expect(top.get_by_test_id("leaderboard-rank")).to_have_text("1")
        await expect(top.get_by_test_id("leaderboard-judges")).to_have_text("1")
        await expect(top.get_by_test_id("leaderboard-score")).not_to_have_text("—")
        await expect(top).to_contain_text("Entry 2")
        await expect(page.get_by_test_id("leaderboard-scores-count")).to_have_text("1")
        assert errors == []
    finally:
        await context.close()


async def test_public_screen_follows_the_stage_manager(
    browser: Browser, live_server: LiveServer, factory: Factory
) -> None:
    built = await stage(factory, pitches=2)
    async with httpx.AsyncClient(base_url=live_server.base_url) as api:
        first = await add_slot(api, built, submission_id=built.submissions[0], duration_min=5)
        await add_slot(api, built, submission_id=built.submissions[1])
        context = await _signed_in(browser, live_server, None)  # a hall screen: nobody signed in
        try:
            page = await context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.set_viewport_size({"width": 390, "height": 844})  # a phone works too
            await page.goto(f"/events/{built.event_id}/show")
            await expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "live")
            await expect(page.get_by_test_id("show-next-name")).to_have_text("Pitch 1")
            await expect(page.get_by_test_id("show-countdown")).to_have_text("—")

            response = await api.post(
                f"/api/v1/events/{built.event_id}/show/start",
                json={"slot_id": first["id"]},
                headers=built.organiser.headers,
            )
            assert response.status_code == 200, response.text
            await expect(page.get_by_test_id("show-now-name")).to_have_text("Pitch 1")
            await expect(page.get_by_test_id("show-next-name")).to_have_text("Pitch 2")
            countdown = page.get_by_test_id("show-countdown")
            await expect(countdown).to_have_text(re.compile(r"^0[45]:[0-5][0-9]$"))
            before = await countdown.text_content()
            await expect(countdown).not_to_have_text(before or "")  # it counts down
            assert await page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
            assert errors == []
        finally:
            await context.close()
