"""The demo roadshow's livestream: from the event's public page to the viewer page, where the
live count goes up when a second viewer joins. Runs on the demo database, as ``luyan demo``
loads it on a fresh machine."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, expect

from tests import demo_db

pytestmark = pytest.mark.browser

SLUG = "yrd-open-air-roadshow-week-1-shanghai"
EVENT = """
import asyncio, json, sys
from events.tables import Event

async def main():
    event = await Event.select(Event.id).where(Event.slug == sys.argv[1]).first()
    print(json.dumps({"event_id": event["id"]}))

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def demo_roadshow(tmp_path_factory: pytest.TempPathFactory, test_env: dict[str, str]) -> Iterator[dict]:
    var_dir = tmp_path_factory.mktemp("demo-live")
    with demo_db.demo_server(var_dir, test_env, "demo_live") as (server, env):
        facts = json.loads(demo_db.run(env, "-c", EVENT, SLUG).stdout)
        yield {**facts, "server": server}


async def test_the_demo_roadshow_s_viewers_see_the_count_change(
    browser: Browser, demo_roadshow: dict
) -> None:
    base_url = demo_roadshow["server"].base_url
    viewers = [
        await browser.new_context(base_url=base_url, locale="en-US", viewport={"width": 390, "height": 844})
        for _ in range(2)
    ]
    try:
        page = await viewers[0].new_page()
        await page.goto(f"/events/{demo_roadshow['event_id']}")
        await page.get_by_test_id("event-stream").filter(has_text="Watch live").locator("a").click()
        await expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "live")
        online = page.locator('[data-count="online"]')
        await expect(online).to_have_text("1")

        second = await viewers[1].new_page()
        await second.goto(page.url)
        await expect(online).to_have_text("2")  # pushed to the first viewer, no reload
        await second.close()
        await expect(online).to_have_text("1")
    finally:
        for context in viewers:
            await context.close()
