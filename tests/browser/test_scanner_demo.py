"""The demo conference's door: the demo check-in staff member signs in on the phone scanner and
scans the demo attendee's real ticket, online and then (a second ticket) offline; on another
phone, the camera scans a third guest's ticket with the network gone, and it is synced once.

The demo is loaded into a database of its own (as ``luyan demo`` does on a fresh machine); the
conference is moved to today so its tickets are valid now, and a server is started on it.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright, expect

from tests import demo_db
from tests.browser.fake_camera import write_y4m
from tests.browser.scanner_fixtures import open_phone

pytestmark = pytest.mark.browser

SLUG = "jinhua-development-conference-2026"

# Run against the demo database: move the conference to today, issue two tickets, read back.
PREPARE = """
import asyncio, collections, datetime as dt, json, sys
from checkin.tables import CheckinList
from checkin.tokens import ensure_token
from events.tables import Event, Registration

async def main():
    now = dt.datetime.now(dt.UTC)
    event = await Event.select(Event.id).where(Event.slug == sys.argv[1]).first()
    await Event.update({Event.starts_at: now - dt.timedelta(hours=1), Event.ends_at: now + dt.timedelta(days=1)}).where(
        Event.id == event["id"])
    mine = await Registration.select(Registration.id, Registration.attendee_name).where(
        (Registration.event == event["id"]) & (Registration.user.email == "attendee@luyan.demo")).first()
    confirmed = await Registration.select(Registration.id, Registration.attendee_name).where(
        (Registration.event == event["id"]) & (Registration.status == "confirmed") & (Registration.id != mine["id"])
    ).order_by(Registration.id)
    # Guests found by name in the offline search: names no one else at the event has.
    names = collections.Counter(r["attendee_name"] for r in confirmed)
    others = [r for r in confirmed if names[r["attendee_name"]] == 1][:2]
    door = await CheckinList.select(CheckinList.id).where(
        (CheckinList.event == event["id"]) & (CheckinList.name_en == "Main entrance")).first()
    print(json.dumps({
        "event_id": event["id"], "list_id": door["id"],
        "tickets": [[r["id"], r["attendee_name"], await ensure_token(r["id"])] for r in (mine, *others)],
    }))

asyncio.run(main())
"""
CHECK = """
import asyncio, json, sys
from checkin.tables import Checkin

async def main():
    rows = await Checkin.select(Checkin.registration, Checkin.code, Checkin.admitted, Checkin.offline).where(
        Checkin.checkin_list == int(sys.argv[1])).order_by(Checkin.id)
    print(json.dumps(rows))

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def demo_door(tmp_path_factory: pytest.TempPathFactory, test_env: dict[str, str]) -> Iterator[dict]:
    var_dir = tmp_path_factory.mktemp("demo-door")
    with demo_db.demo_server(var_dir, test_env, "demo_door") as (server, env):
        facts = json.loads(demo_db.run(env, "-c", PREPARE, SLUG).stdout)
        yield {**facts, "server": server, "env": env}


@pytest.fixture
async def staff_phone(
    chromium_path: str, demo_door: dict, tmp_path: Path
) -> AsyncIterator[tuple[Page, Path]]:
    """Chromium on a phone-sized page whose camera shows the demo attendee's ticket."""
    async with _phone_showing(chromium_path, demo_door, tmp_path, demo_door["tickets"][0][2]) as page:
        yield page, tmp_path


@contextlib.asynccontextmanager
async def _phone_showing(
    chromium_path: str, demo_door: dict, tmp_path: Path, token: str
) -> AsyncIterator[Page]:
    clip = tmp_path / "ticket.y4m"
    write_y4m(clip, token)
    async with async_playwright() as playwright:
        browser, context = await open_phone(playwright, chromium_path, clip, demo_door["server"].base_url)
        context.set_default_timeout(20_000)
        page = await context.new_page()
        page.on("pageerror", lambda error: print(f"[browser error] {error}"))
        try:
            yield page
        finally:
            await browser.close()


async def _sign_in_at_the_door(page: Page, demo_door: dict) -> None:
    await page.goto("/login?next=/scanner")
    await page.locator('input[name="email"]').fill("staff@luyan.demo")
    await page.locator('input[name="password"]').fill("luyan-demo")
    await page.get_by_test_id("login-submit").click()
    await expect(page).to_have_url(re.compile(r"/scanner$"))
    await expect(page.get_by_test_id("scanner-who")).to_contain_text("Signed in as")
    await page.get_by_test_id("event-select").select_option(str(demo_door["event_id"]))
    await page.get_by_test_id("list-select").select_option(str(demo_door["list_id"]))
    await expect(page.get_by_test_id("bundle-info")).to_contain_text("Offline data from")


async def test_demo_staff_scans_the_demo_attendee_s_ticket(
    staff_phone: tuple[Page, Path], demo_door: dict
) -> None:
    page, tmp_path = staff_phone
    (mine_id, mine_name, _token), (other_id, other_name, other_token), _third = demo_door["tickets"]

    await _sign_in_at_the_door(page, demo_door)

    await page.get_by_test_id("start-scanning").click()
    result = page.get_by_test_id("scan-result")
    await expect(result).to_have_attribute("data-code", "ok")
    await expect(page.get_by_test_id("result-name")).to_have_text(mine_name)
    await page.screenshot(path=str(tmp_path / "demo-green.png"))
    await result.click()

    # The network goes; the other ticket is checked in by hand from the offline bundle.
    await page.context.set_offline(True)
    await page.get_by_test_id("open-search").click()
    await page.get_by_test_id("search-input").fill(other_name)
    await page.get_by_test_id("search-hit").first.click()
    await expect(result).to_have_attribute("data-code", "ok")
    await expect(result).to_have_attribute("data-offline", "true")
    await expect(page.get_by_test_id("offline-banner")).to_contain_text("1")
    await result.click()
    await page.context.set_offline(False)
    await expect(page.get_by_test_id("offline-banner")).to_be_hidden(timeout=30_000)

    rows = json.loads(demo_db.run(demo_door["env"], "-c", CHECK, str(demo_door["list_id"])).stdout)
    admitted = [(r["registration"], r["offline"]) for r in rows if r["admitted"]]
    assert admitted == [(mine_id, False), (other_id, True)], rows
    assert other_token  # issued on the demo database, like every confirmed registration's ticket


async def test_demo_ticket_scanned_by_the_camera_offline_is_synced_once(
    chromium_path: str, demo_door: dict, tmp_path: Path
) -> None:
    third_id, third_name, third_token = demo_door["tickets"][2]
    async with _phone_showing(chromium_path, demo_door, tmp_path, third_token) as page:
        await _sign_in_at_the_door(page, demo_door)
        await page.context.set_offline(True)
        await page.get_by_test_id("start-scanning").click()
        result = page.get_by_test_id("scan-result")
        await expect(result).to_have_attribute("data-code", "ok")
        await expect(result).to_have_attribute("data-offline", "true")
        await expect(page.get_by_test_id("result-name")).to_have_text(third_name)
        await expect(page.get_by_test_id("offline-banner")).to_have_attribute("data-queued", "1")
        await page.screenshot(path=str(tmp_path / "demo-offline-camera.png"))
        await result.click()

        await page.context.set_offline(False)
        await expect(page.get_by_test_id("offline-banner")).to_be_hidden(timeout=30_000)
        # Online again, a fresh look at the same ticket: the server says it is already in.
        await page.reload()
        await expect(page.get_by_test_id("list-select")).to_have_value(str(demo_door["list_id"]))
        await page.get_by_test_id("start-scanning").click()
        await expect(result).to_have_attribute("data-code", "already_checked_in")
        await expect(result).to_have_attribute("data-offline", "false")

    rows = json.loads(demo_db.run(demo_door["env"], "-c", CHECK, str(demo_door["list_id"])).stdout)
    mine = [(r["code"], r["admitted"], r["offline"]) for r in rows if r["registration"] == third_id]
    assert mine == [("ok", True, True), ("already_checked_in", False, False)], rows
