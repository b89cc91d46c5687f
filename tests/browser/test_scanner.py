"""The phone scanner in a real Chromium whose camera shows a real ticket (a Y4M clip).

A phone is paired through the real pairing flow (``/scanner/pair#<code>``), scans the ticket of
a real confirmed registration, and the server records exactly one admission; a second scan is
answered "already checked in". Offline, the phone decides alone, queues the scan in IndexedDB
and uploads it when the network is back.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, Route, expect

from tests.browser.fake_camera import write_y4m
from tests.browser.scanner_fixtures import Door, LaunchPhone, door, phone
from tests.live import LiveServer

pytestmark = pytest.mark.browser
__all__ = ["door", "phone"]


NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


async def admissions(registration_id: int) -> list[dict]:
    from checkin.tables import Checkin

    return await Checkin.select(Checkin.code, Checkin.offline, Checkin.conflict, Checkin.device).where(
        (Checkin.registration == registration_id) & (Checkin.admitted == True)  # noqa: E712
    )


async def scans(registration_id: int) -> list[dict]:
    from checkin.tables import Checkin

    return await Checkin.select(Checkin.code, Checkin.admitted).where(Checkin.registration == registration_id)


async def pair_and_choose(page: Page, door: Door) -> None:
    """Pair through the real flow, then wait for the offline bundle and the list to be ready."""
    await page.goto(f"/scanner/pair#{door.pairing_code}")
    await expect(page).to_have_url(re.compile(r"/scanner$"))
    await expect(page.get_by_test_id("scanner-who")).to_contain_text("North door phone")
    await expect(page.get_by_test_id("list-select")).to_have_value(str(door.list_id))
    await expect(page.get_by_test_id("bundle-info")).to_contain_text("Offline data from")
    await expect(page.get_by_test_id("scanner-event")).to_contain_text("Scanner Summit")
    assert await page.evaluate(NO_SIDEWAYS_SCROLL), "the scanner scrolls sideways on a phone"


async def test_paired_phone_scans_a_ticket_once_then_sees_it_already_checked_in(
    door: Door, phone: LaunchPhone, tmp_path: Path
) -> None:
    page = await phone(write_y4m(tmp_path / "ticket.y4m", door.token))
    await pair_and_choose(page, door)
    assert "#" not in page.url  # the one-time code left the address bar

    await page.get_by_test_id("start-scanning").click()
    result = page.get_by_test_id("scan-result")
    await expect(result).to_have_attribute("data-code", "ok")
    await expect(result).to_have_attribute("data-kind", "good")
    await expect(result).to_have_attribute("data-offline", "false")
    await expect(page.get_by_test_id("result-name")).to_have_text(door.attendee_name)
    await expect(page.get_by_test_id("result-ticket-type")).to_contain_text("Delegate")
    await page.screenshot(path=str(tmp_path / "green.png"))
    await expect(page.get_by_test_id("session-count")).to_have_text("1")
    await expect(page.get_by_test_id("list-count")).to_have_text("1")

    rows = await admissions(door.registration_id)
    assert len(rows) == 1, rows
    assert rows[0]["code"] == "ok" and rows[0]["device"] == door.device_id and not rows[0]["offline"]

    # The ticket stays in front of the camera: it is not submitted again. A new look at it
    # (the page reloaded) is, and the server says it is already in, with where and by whom.
    await result.click()
    await expect(result).to_be_hidden()
    await expect(page.get_by_test_id("last-result")).to_contain_text(door.attendee_name)
    await page.wait_for_timeout(1500)
    await page.screenshot(path=str(tmp_path / "scanning.png"))
    assert await page.evaluate(NO_SIDEWAYS_SCROLL), "the scanner scrolls sideways on a phone"
    assert len(await scans(door.registration_id)) == 1
    await page.reload()
    await expect(page.get_by_test_id("list-select")).to_have_value(str(door.list_id))
    await page.get_by_test_id("start-scanning").click()
    await expect(result).to_have_attribute("data-code", "already_checked_in")
    await expect(result).to_have_attribute("data-kind", "warn")
    await expect(page.get_by_test_id("result-name")).to_have_text(door.attendee_name)
    await expect(page.get_by_test_id("result-previous")).to_contain_text("Main entrance")
    await expect(page.get_by_test_id("result-previous")).to_contain_text("North door phone")
    await page.screenshot(path=str(tmp_path / "amber.png"))

    assert len(await admissions(door.registration_id)) == 1
    assert [row["code"] for row in await scans(door.registration_id)] == ["ok", "already_checked_in"]


async def test_offline_scan_is_decided_on_the_phone_queued_and_synced(
    door: Door, phone: LaunchPhone, tmp_path: Path
) -> None:
    page = await phone(write_y4m(tmp_path / "ticket.y4m", door.token))
    await pair_and_choose(page, door)

    await page.context.set_offline(True)
    await page.get_by_test_id("start-scanning").click()
    result = page.get_by_test_id("scan-result")
    await expect(result).to_have_attribute("data-code", "ok")
    await expect(result).to_have_attribute("data-offline", "true")
    await expect(page.get_by_test_id("result-name")).to_have_text(door.attendee_name)
    banner = page.get_by_test_id("offline-banner")
    await expect(banner).to_be_visible()
    await expect(banner).to_have_attribute("data-queued", "1")
    await expect(banner).to_contain_text("1 scans waiting")
    await expect(page.get_by_test_id("net-status")).to_have_attribute("data-online", "false")
    await page.screenshot(path=str(tmp_path / "offline.png"))
    assert await admissions(door.registration_id) == []  # nothing reached the server

    # Still offline, the phone reloads the scanner: the service worker serves the page, the
    # bundle and the queue come back from IndexedDB.
    await page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    await page.reload()
    await expect(page.get_by_test_id("scanner-setup")).to_be_visible()
    assert await page.evaluate("() => navigator.serviceWorker.controller !== null")
    await expect(page.get_by_test_id("list-select")).to_have_value(str(door.list_id))
    await expect(banner).to_have_attribute("data-queued", "1")
    await expect(page.get_by_test_id("scanner-event")).to_contain_text("Scanner Summit")

    await page.context.set_offline(False)
    await expect(banner).to_be_hidden(timeout=30_000)
    await expect(banner).to_have_attribute("data-queued", "0")
    await expect(page.get_by_test_id("net-status")).to_have_attribute("data-online", "true")
    rows = await admissions(door.registration_id)
    assert len(rows) == 1, rows
    assert rows[0]["offline"] and not rows[0]["conflict"] and rows[0]["device"] == door.device_id


async def test_offline_admission_of_a_ticket_already_in_is_reported_as_a_conflict(
    door: Door, phone: LaunchPhone, live_server: LiveServer, tmp_path: Path
) -> None:
    page = await phone(write_y4m(tmp_path / "ticket.y4m", door.token))
    await pair_and_choose(page, door)  # the bundle says: nobody is in yet

    # Meanwhile another door (the organiser's own phone) lets the same ticket in.
    async with httpx.AsyncClient(base_url=live_server.base_url) as http:
        response = await http.post(
            "/api/v1/checkin/scans",
            json={"list_id": door.list_id, "nonce": uuid.uuid4().hex, "token": door.token},
            headers=door.organiser.headers,
        )
        assert response.status_code == 200 and response.json()["code"] == "ok", response.text

    await page.context.set_offline(True)
    await page.get_by_test_id("start-scanning").click()
    await expect(page.get_by_test_id("scan-result")).to_have_attribute("data-code", "ok")
    await expect(page.get_by_test_id("scan-result")).to_have_attribute("data-offline", "true")

    # Offline search works over the bundle, and knows whom this phone let in.
    await page.get_by_test_id("scan-result").click()
    await page.get_by_test_id("open-search").click()
    await page.get_by_test_id("search-input").fill("lin wei")
    await expect(page.get_by_test_id("search-note")).to_contain_text("Offline")
    await expect(page.get_by_test_id("search-hit")).to_contain_text(door.attendee_name)
    await expect(page.get_by_test_id("search-hit")).to_contain_text("Checked in")
    await page.get_by_test_id("close-search").click()

    await page.context.set_offline(False)
    conflicts = page.get_by_test_id("sync-conflicts")
    await expect(conflicts).to_be_visible(timeout=30_000)
    await expect(conflicts).to_contain_text(door.attendee_name)
    await page.screenshot(path=str(tmp_path / "conflict.png"))
    rows = await admissions(door.registration_id)
    assert sorted((row["offline"], row["conflict"]) for row in rows) == [(False, False), (True, True)]


async def test_a_scan_lost_on_the_network_is_retried_with_the_same_nonce(
    door: Door, phone: LaunchPhone, tmp_path: Path
) -> None:
    page = await phone(write_y4m(tmp_path / "ticket.y4m", door.token))
    await pair_and_choose(page, door)
    nonces: list[str] = []

    async def flaky(route: Route) -> None:
        nonces.append(route.request.post_data_json["nonce"])
        if len(nonces) == 1:
            await route.abort("internetdisconnected")  # the first attempt never arrives
        else:
            await route.continue_()

    await page.route("**/api/v1/checkin/scans", flaky)
    await page.get_by_test_id("start-scanning").click()
    await expect(page.get_by_test_id("scan-result")).to_have_attribute("data-code", "ok")
    await expect(page.get_by_test_id("scan-result")).to_have_attribute("data-offline", "false")
    assert len(nonces) == 2 and nonces[0] == nonces[1], nonces
    assert len(await admissions(door.registration_id)) == 1


async def test_scanner_assets_are_served_as_the_browser_needs_them(
    door: Door, phone: LaunchPhone, tmp_path: Path
) -> None:
    page = await phone(write_y4m(tmp_path / "blank.y4m", None))
    wasm = await page.request.get("/static/vendor/zxing-wasm/zxing_reader.wasm")
    assert wasm.ok and wasm.headers["content-type"] == "application/wasm"  # streaming compile
    worker = await page.request.get("/scanner/sw.js")
    assert worker.ok and worker.headers["service-worker-allowed"] == "/scanner"
    assert worker.headers["content-type"].startswith("text/javascript")
