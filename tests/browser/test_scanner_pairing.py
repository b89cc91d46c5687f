"""Pairing a phone by typing its code, in Chinese; a revoked phone is told so at its next scan."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import expect

from tests.browser.fake_camera import write_y4m
from tests.browser.scanner_fixtures import Door, LaunchPhone, door, phone
from tests.live import LiveServer

pytestmark = pytest.mark.browser
__all__ = ["door", "phone"]


async def test_phone_paired_by_typed_code_in_chinese_is_told_when_revoked(
    door: Door, phone: LaunchPhone, live_server: LiveServer, tmp_path: Path
) -> None:
    page = await phone(write_y4m(tmp_path / "ticket.y4m", door.token))
    await page.goto("/lang/zh?next=/scanner")
    await expect(page).to_have_url(re.compile(r"/scanner$"))
    await expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    await expect(page.get_by_test_id("scanner-unpaired")).to_contain_text("本机尚未配对")

    await page.get_by_test_id("pairing-code").fill("ABCDE-FGHJK")
    await page.get_by_test_id("pairing-submit").click()
    await expect(page.locator("#sc-pair-error")).to_contain_text("配对码无效")

    await page.get_by_test_id("pairing-code").fill(door.pairing_code.lower())  # typed sloppily
    await page.get_by_test_id("pairing-submit").click()
    await expect(page.get_by_test_id("scanner-who")).to_have_text("已配对为 North door phone")
    await expect(page.get_by_test_id("list-select")).to_have_value(str(door.list_id))
    await expect(page.get_by_test_id("list-select").locator("option")).to_have_text(["主入口"])
    await page.screenshot(path=str(tmp_path / "setup-zh.png"))

    async with httpx.AsyncClient(base_url=live_server.base_url) as http:
        response = await http.post(
            f"/api/v1/events/{door.event_id}/scanner-devices/{door.device_id}/revoke",
            headers=door.organiser.headers,
        )
        assert response.status_code == 200, response.text

    await page.get_by_test_id("start-scanning").click()
    await expect(page.get_by_test_id("scan-result")).to_have_attribute("data-code", "device_revoked")
    await expect(page.get_by_test_id("result-title")).to_contain_text("本机的配对已被撤销")
    await page.get_by_test_id("scan-result").click()
    banner = page.get_by_test_id("offline-banner")
    await expect(banner).to_contain_text("本机的配对已被撤销")
    await expect(page.get_by_test_id("unpair")).to_be_visible()
    await page.screenshot(path=str(tmp_path / "revoked-zh.png"))

    from checkin.tables import Checkin

    assert not await Checkin.exists().where(Checkin.registration == door.registration_id)
