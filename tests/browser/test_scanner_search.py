"""The scanner used by a signed-in organiser (no paired device): choose the event and list,
find an attendee by name, check them in by hand and print their badge."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.browser.fake_camera import write_y4m
from tests.browser.scanner_fixtures import Door, LaunchPhone, door, phone
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
__all__ = ["door", "phone"]


async def test_organiser_finds_an_attendee_by_name_checks_them_in_and_prints_a_badge(
    door: Door, phone: LaunchPhone, tmp_path: Path
) -> None:
    from checkin.tables import Checkin

    page = await phone(write_y4m(tmp_path / "blank.y4m", None))  # the camera sees no ticket
    await page.goto("/login?next=/scanner")
    await page.locator('input[name="email"]').fill(door.organiser.email)
    await page.locator('input[name="password"]').fill(PASSWORD)
    await page.get_by_test_id("login-submit").click()
    await expect(page).to_have_url(re.compile(r"/scanner$"))

    await expect(page.get_by_test_id("scanner-who")).to_contain_text("Signed in as")
    await page.get_by_test_id("event-select").select_option(str(door.event_id))
    await expect(page.get_by_test_id("list-select")).to_have_value(str(door.list_id))
    await page.get_by_test_id("start-scanning").click()
    await expect(page.get_by_test_id("scanner-scan")).to_be_visible()

    await page.get_by_test_id("open-search").click()
    await page.get_by_test_id("search-input").fill(door.attendee_name.split()[-1])  # the marker
    hit = page.get_by_test_id("search-hit")
    await expect(hit).to_have_count(1)
    await expect(hit).to_contain_text(door.attendee_name)
    await expect(hit).to_contain_text("Jinhua Robotics")
    await hit.click()

    result = page.get_by_test_id("scan-result")
    await expect(result).to_have_attribute("data-code", "ok")
    await expect(page.get_by_test_id("result-name")).to_have_text(door.attendee_name)
    rows = await Checkin.select(Checkin.staff_user, Checkin.serial, Checkin.device).where(
        (Checkin.registration == door.registration_id) & (Checkin.admitted == True)  # noqa: E712
    )
    assert rows == [{"staff_user": door.organiser.id, "serial": None, "device": None}], rows

    # Print badge: the badge view shows the person, the ticket's QR, and only it is printed.
    await page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    await page.get_by_test_id("print-badge").click()
    badge = page.get_by_test_id("badge-view")
    await expect(badge).to_be_visible()
    await expect(page.get_by_test_id("badge-name")).to_have_text(door.attendee_name)
    await expect(page.get_by_test_id("badge-organisation")).to_have_text("Jinhua Robotics")
    await expect(page.get_by_test_id("badge-ticket-type")).to_have_text("Delegate")
    await expect(page.get_by_test_id("badge-event")).to_contain_text("Scanner Summit")
    await expect(page.locator('[data-testid="badge-qr"] svg')).to_be_visible()
    await page.get_by_test_id("badge-print").click()
    assert await page.evaluate("() => window.printed") == 1
    await page.emulate_media(media="print")
    await expect(page.get_by_test_id("badge-name")).to_be_visible()
    await expect(page.get_by_test_id("badge-print")).to_be_hidden()
    await expect(page.get_by_test_id("scanner-scan")).to_be_hidden()
    await page.screenshot(path=str(tmp_path / "badge-print.png"))
    await page.emulate_media(media="screen")
    await page.get_by_test_id("badge-close").click()
    await expect(badge).to_be_hidden()

    # Searching again shows the attendee as checked in on this list.
    await page.get_by_test_id("open-search").click()
    await page.get_by_test_id("search-input").fill(door.attendee_name)
    await expect(page.get_by_test_id("search-hit")).to_contain_text("Checked in")
    await page.screenshot(path=str(tmp_path / "search.png"))
