"""The organiser's results page in a real Chromium: the histogram is drawn from the page's data,
and advancing asks for confirmation first."""

from __future__ import annotations

import os

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Dialog, expect

from tests import factories
from tests.factories import Factory, TestUser
from tests.live import LiveServer
from tests.roadshows import results_support as rs
from tests.roadshows import support

pytestmark = pytest.mark.browser


async def _signed_in(chromium: Browser, server: LiveServer, user: TestUser) -> BrowserContext:
    context = await chromium.new_context(
        base_url=server.base_url, locale="en-US", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(15_000)
    async with httpx.AsyncClient(base_url=server.base_url) as web:
        await factories.web_login(web, user)
        await context.add_cookies(
            [{"name": k, "value": v, "url": server.base_url} for k, v in web.cookies.items()]
        )
    return context


async def test_histogram_and_confirmed_advance(
    browser: Browser,
    live_server: LiveServer,
    factory: Factory,
) -> None:
    board = await rs.board(factory, status="closed")
    semi_id, _ = await support.contest_round(board.contest.call_id, kind="semi_final", status="draft")
    context = await _signed_in(browser, live_server, board.organiser)
    try:
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.goto(f"/dashboard/rounds/{board.round_id}/results")
        await expect(page.get_by_test_id("ranking-row")).to_have_count(4)
        counts = await page.evaluate(
            "() => Chart.getChart(document.getElementById('score-chart')).data.datasets[0].data"
        )
        assert sum(counts) == 6 and counts[2] == 1 and counts[8] == 1  # the 3 and the 9
        if os.environ.get("RESULTS_SCREENSHOTS"):
            await page.screenshot(path=os.environ["RESULTS_SCREENSHOTS"] + "/results.png", full_page=True)

        dismissed: list[str] = []

        async def dismiss(dialog: Dialog) -> None:
            dismissed.append(dialog.message)
            await dialog.dismiss()

        page.once("dialog", dismiss)
        await page.get_by_test_id("advance-top").click()
        assert dismissed and "Advance the best entries" in dismissed[0]
        assert await rs.entries_of(semi_id) == {}

        page.once("dialog", lambda dialog: dialog.accept())
        await page.locator("#advance-top").fill("2")
        await page.get_by_test_id("advance-top").click()
        await expect(page.get_by_test_id("flash")).to_contain_text("Entries advanced")
        assert set(await rs.entries_of(semi_id)) == {board.a, board.c}
        assert errors == []
    finally:
        await context.close()
