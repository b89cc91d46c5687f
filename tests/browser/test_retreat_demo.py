"""The demo retreat from an invitation to the day-5 manifests, through the pages.

The organiser invites an academician; the guest opens the personal link from the mail on a
phone, accepts, adds a companion (who gets a ticket of their own) and enters the train home;
the organiser assigns rooms automatically and reads the hotel manifest of the last day, where the
new party sleeps, and the restaurant manifest. Runs on the demo database, as ``luyan demo``
loads it on a fresh machine.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator

import pytest
from playwright.async_api import Browser, Page, expect

from tests import demo_db

pytestmark = pytest.mark.browser

SLUG = "academician-recuperation-retreat-2026"
GUEST_EMAIL = "li.guoqiang@cas.example"
GUEST_NAME = "李国强 Li Guoqiang"
COMPANION = "王芳 Wang Fang"

EVENT = """
import asyncio, json, sys
from zoneinfo import ZoneInfo
from events.tables import Event

async def main():
    event = await Event.select(Event.id, Event.ends_at, Event.timezone).where(Event.slug == sys.argv[1]).first()
    last_day = event["ends_at"].astimezone(ZoneInfo(event["timezone"])).date().isoformat()
    print(json.dumps({"event_id": event["id"], "last_day": last_day}))

asyncio.run(main())
"""
# The personal link, as the invitation mail carries it.
LINK = """
import asyncio, json, re, sys
from app.mail.tables import OutboxMessage

async def main():
    row = await OutboxMessage.select(OutboxMessage.body_text).where(
        OutboxMessage.to_address == sys.argv[1]).order_by(OutboxMessage.id, ascending=False).first()
    print(json.dumps({"path": re.search(r"/retreat-invitations/[A-Za-z0-9_-]+", row["body_text"]).group(0)}))

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def demo_retreat(tmp_path_factory: pytest.TempPathFactory, test_env: dict[str, str]) -> Iterator[dict]:
    var_dir = tmp_path_factory.mktemp("demo-retreat")
    with demo_db.demo_server(var_dir, test_env, "demo_retreat") as (server, env):
        facts = json.loads(demo_db.run(env, "-c", EVENT, SLUG).stdout)
        yield {**facts, "server": server, "env": env}


async def _page(browser: Browser, base_url: str, viewport: dict[str, int]) -> Page:
    context = await browser.new_context(base_url=base_url, locale="en-US", viewport=viewport)
    context.set_default_timeout(20_000)
    page = await context.new_page()
    page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    return page


@pytest.fixture
async def organiser(browser: Browser, demo_retreat: dict) -> AsyncIterator[Page]:
    page = await _page(browser, demo_retreat["server"].base_url, {"width": 1280, "height": 900})
    await page.goto("/login")
    await page.locator('input[name="email"]').fill("organiser@luyan.demo")
    await page.locator('input[name="password"]').fill("luyan-demo")
    await page.get_by_test_id("login-submit").click()
    await expect(page.get_by_test_id("logout")).to_be_attached()
    yield page
    await page.context.close()


@pytest.fixture
async def phone(browser: Browser, demo_retreat: dict) -> AsyncIterator[Page]:
    page = await _page(browser, demo_retreat["server"].base_url, {"width": 390, "height": 844})
    yield page
    await page.context.close()


async def test_from_an_invitation_to_the_last_day_s_manifests(
    organiser: Page, phone: Page, demo_retreat: dict
) -> None:
    event_id = demo_retreat["event_id"]
    base = f"/dashboard/events/{event_id}/retreat"

    # 1. The organiser invites one more academician from the event's dashboard.
    await organiser.goto(f"/dashboard/events/{event_id}")
    await organiser.get_by_test_id("retreat-invitations-link").click()
    form = organiser.get_by_test_id("invite-form")
    await form.locator('input[name="name"]').fill(GUEST_NAME)
    await form.locator('input[name="honorific"]').fill("Academician")
    await form.locator('input[name="email"]').fill(GUEST_EMAIL)
    await form.locator('button[type="submit"]').click()
    await expect(organiser.get_by_test_id("invitation-row").filter(has_text=GUEST_EMAIL)).to_have_count(1)

    # 2. The guest opens the personal link from the mail on a phone and accepts.
    link = json.loads(demo_db.run(demo_retreat["env"], "-c", LINK, GUEST_EMAIL).stdout)["path"]
    await phone.goto(link)
    await expect(phone.get_by_test_id("invitation-greeting")).to_contain_text("Li Guoqiang")
    await phone.get_by_test_id("accept").click()
    await expect(phone.get_by_test_id("party-guest")).to_contain_text(GUEST_NAME)

    # 3. A companion joins the party with a ticket of their own.
    companion_form = phone.get_by_test_id("companion-form")
    await companion_form.locator('input[name="name"]').fill(COMPANION)
    await companion_form.locator('button[type="submit"]').click()
    companion = phone.get_by_test_id("party-companion").filter(has_text=COMPANION)
    await expect(companion).to_have_count(1)
    await companion.get_by_test_id("companion-ticket").click()
    await expect(phone.locator("svg").first).to_be_visible()  # the companion's own QR code
    await phone.go_back()

    # The guest tells the organisers which train takes the party home on the last day.
    await phone.get_by_test_id("party-travel").click()
    departure = phone.get_by_test_id("travel-departure")
    await departure.locator('input[name="number"]').fill("G7512")
    await departure.locator('input[name="at"]').fill(f"{demo_retreat['last_day']}T15:30")
    await departure.locator('input[name="station_en"]').fill("Jinhua Station")
    await departure.locator('input[name="station_zh"]').fill("金华站")
    await departure.locator('button[type="submit"]').click()
    await expect(phone.get_by_test_id("travel-departure").locator('input[name="number"]')).to_have_value(
        "G7512"
    )

    # 4. The organiser assigns rooms: the new party gets one for every night.
    await organiser.goto(f"{base}/rooms")
    await organiser.get_by_test_id("auto-assign").click()
    await expect(organiser.get_by_test_id("plan-table")).to_contain_text(GUEST_NAME)
    await expect(organiser.get_by_test_id("unplaced")).to_have_count(0)

    # 5. The first night's hotel manifest has the party; the last day's drop-offs have its train,
    #    and the last day's restaurant manifest counts the meals.
    await organiser.goto(f"{base}/manifests?kind=hotel")
    await expect(organiser.get_by_test_id("manifest-table")).to_contain_text(COMPANION)
    await organiser.goto(f"{base}/pickups?day={demo_retreat['last_day']}")
    await expect(organiser.locator("body")).to_contain_text("G7512")
    await organiser.goto(f"{base}/manifests?kind=restaurant&day={demo_retreat['last_day']}")
    await expect(organiser.locator('nav[aria-label="Days"] a[aria-current="page"]')).to_contain_text("Day 5")
    await expect(organiser.get_by_test_id("manifest-table")).to_be_visible()
