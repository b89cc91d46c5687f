"""Fixtures of the scanner tests: a live event with a real ticket, and a phone with a fake camera.

``door`` builds, through the live server's API, an event happening today with a check-in list
and an attendee's confirmed registration, issues its ticket token and adds a scanner device
(one-time pairing code). ``phone`` launches Chromium with a Y4M clip as its camera (the clip
must exist before the browser starts, so each test launches its own) and opens a phone-sized
page; it leaves ``failure.png`` / ``failure.html`` behind when the test fails.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright

from tests.browser.conftest import CHROMIUM_ARGS
from tests.factories import Factory, TestUser
from tests.live import LiveServer


@dataclass
class Door:
    organiser: TestUser
    event_id: int
    list_id: int
    registration_id: int
    attendee_name: str
    organisation: str
    token: str
    pairing_code: str
    device_id: int


async def _ok(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, f"{response.request.url}: {response.status_code} {response.text}"
    return response.json()


@pytest.fixture
async def door(factory: Factory, live_server: LiveServer) -> Door:
    from checkin.tokens import issue_token, live_token

    organiser, org_id = await factory.organiser()
    now = dt.datetime.now(dt.UTC)
    marker = uuid.uuid4().hex[:6]
    event_id = await factory.event(
        org_id,
        title_en=f"Scanner Summit {marker}",
        title_zh=f"扫码峰会 {marker}",
        timezone="Asia/Shanghai",
        starts_at=now - dt.timedelta(hours=1),  # happening now, whatever the time zone says
        ends_at=now + dt.timedelta(hours=8),
    )
    ticket_type_id = await factory.ticket_type(event_id, name_en="Delegate", name_zh="代表")
    name, organisation = f"Lin Wei {marker}", "Jinhua Robotics"
    attendee = await factory.user(name=name)
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=30) as http:
        registration = await _ok(
            await http.post(
                f"/api/v1/events/{event_id}/registrations",
                json={
                    "ticket_type_id": ticket_type_id,
                    "attendee_name": name,
                    "attendee_organisation": organisation,
                },
                headers=attendee.headers,
            ),
            201,
        )
        assert registration["status"] == "confirmed", registration
        checkin_list = await _ok(
            await http.post(
                f"/api/v1/events/{event_id}/checkin-lists",
                json={"name_en": "Main entrance", "name_zh": "主入口"},
                headers=organiser.headers,
            ),
            201,
        )
        pairing = await _ok(
            await http.post(
                f"/api/v1/events/{event_id}/scanner-devices",
                json={"name": "North door phone"},
                headers=organiser.headers,
            ),
            201,
        )
    token = await live_token(registration["id"]) or await issue_token(registration["id"], "first")
    return Door(
        organiser=organiser,
        event_id=event_id,
        list_id=checkin_list["id"],
        registration_id=registration["id"],
        attendee_name=name,
        organisation=organisation,
        token=token,
        pairing_code=pairing["code"],
        device_id=pairing["device"]["id"],
    )


LaunchPhone = Callable[[Path], Awaitable[Page]]


async def open_phone(
    playwright: Playwright, chromium_path: str, clip: Path, base_url: str
) -> tuple[Browser, BrowserContext]:
    """Chromium whose camera plays ``clip`` (a .y4m file), with a phone-sized context on ``base_url``."""
    assert clip.is_absolute(), "Chromium needs the clip's absolute path"
    browser = await playwright.chromium.launch(
        executable_path=chromium_path,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={clip}",
        ],
    )
    context = await browser.new_context(
        base_url=base_url,
        locale="en-US",
        extra_http_headers={"Accept-Language": "en-US,en;q=0.9"},
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        permissions=["camera"],
    )
    return browser, context


@pytest.fixture
async def phone(
    chromium_path: str, live_server: LiveServer, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[LaunchPhone]:
    """``page = await phone(clip)``: Chromium whose camera plays ``clip`` (a .y4m file)."""
    pages: list[Page] = []
    async with async_playwright() as playwright:
        browsers = []

        async def launch(clip: Path) -> Page:
            browser, context = await open_phone(playwright, chromium_path, clip, live_server.base_url)
            browsers.append(browser)
            context.set_default_timeout(20_000)
            page = await context.new_page()
            page.on("console", lambda message: print(f"[browser {message.type}] {message.text}"))
            page.on("pageerror", lambda error: print(f"[browser error] {error}"))
            pages.append(page)
            return page

        try:
            yield launch
        finally:
            report = getattr(request.node, "rep_call", None)
            for page in pages:
                if report is not None and report.failed and not page.is_closed():
                    await page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
                    (tmp_path / "failure.html").write_text(await page.content())
                    print(f"browser state at failure: {tmp_path / 'failure.png'} ({page.url})")
            for browser in browsers:
                await browser.close()
