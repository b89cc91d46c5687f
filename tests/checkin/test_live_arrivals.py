"""Live arrivals over the websocket: who may connect (Origin, sign-in, the event), the snapshot,
updates after real scans, coalescing under a burst, and fan-out from another process.

In-process tests drive the app on the test loop (``AsgiSocket``); the others open real
websockets (the ``websockets`` library) on a uvicorn server. On the PostgreSQL run the channels
backend is Redis, and a scan in this process reaches a socket held by the server process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import os
import time

import httpx
import pytest
from litestar import Litestar
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from app import signals
from checkin.live import origin_allowed
from tests import factories
from tests.checkin import scan_rows
from tests.checkin.asgi_socket import AsgiSocket, cookie_header
from tests.factories import Factory
from tests.live import LiveServer
from tests.live_fixtures import live_server, start_live_server

__all__ = ["live_server", "start_live_server"]
ORIGIN = "http://testserver"


async def _event_today(factory: Factory) -> tuple[factories.TestUser, int, int, int]:
    """An organiser, an event running now, a ticket type and a list with exit scans."""
    owner, org_id = await factory.organiser()
    now = dt.datetime.now(dt.UTC)
    event_id = await factory.event(
        org_id, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=6), timezone="UTC"
    )
    ticket_type = await factory.ticket_type(event_id)
    hall = await scan_rows.checkin_list(event_id, "Hall", allow_exit=True)
    return owner, event_id, ticket_type, hall


async def _signed_in_headers(client: httpx.AsyncClient, user: factories.TestUser) -> dict[str, str]:
    await factories.web_login(client, user)
    return {"cookie": cookie_header(client.cookies), "origin": ORIGIN}


def _path(event_id: int) -> str:
    return f"/ws/events/{event_id}/arrivals"


async def _scan(
    client: httpx.AsyncClient, user: factories.TestUser, list_id: int, reg: int, nonce: str, **extra: str
) -> dict:
    response = await client.post(
        "/api/v1/checkin/scans",
        json={"list_id": list_id, "nonce": nonce, "registration_id": reg, **extra},
        headers=user.headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_origin_rules() -> None:
    public = "https://luyan.example"
    assert origin_allowed("https://luyan.example", "10.0.0.5:8000", public)  # the public origin
    assert origin_allowed("http://127.0.0.1:8123", "127.0.0.1:8123", public)  # same host as the socket
    assert not origin_allowed("https://evil.example", "luyan.example", public)
    assert not origin_allowed("http://luyan.example", "other.example", public)  # wrong scheme, other host
    assert not origin_allowed(None, "luyan.example", public)
    assert not origin_allowed("null", "luyan.example", public)
    assert not origin_allowed("https://luyan.example.evil.example", "x", public)


async def test_snapshot_then_updates_after_real_scans(
    app: Litestar, client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, event_id, ticket_type, hall = await _event_today(factory)
    regs = [await scan_rows.registration(factory, event_id, ticket_type) for _ in range(3)]
    await _scan(client, owner, hall, regs[0], f"live-a-{event_id}")
    socket = AsgiSocket(app, _path(event_id), await _signed_in_headers(client, owner))
    assert (await socket.connect())["type"] == "websocket.accept"
    snapshot = await socket.receive_json()
    assert snapshot["type"] == "snapshot"
    stats = snapshot["stats"]
    assert (stats["event_id"], stats["expected"], stats["checked_in"], stats["inside"]) == (event_id, 3, 1, 1)
    assert stats["arrivals"]["total"] == 1 and len(stats["arrivals"]["counts"]) == 180

    await _scan(client, owner, hall, regs[1], f"live-b-{event_id}")
    update = await socket.receive_json()
    assert update["type"] == "update"
    assert (update["counts"]["checked_in"], update["counts"]["inside"]) == (2, 2)
    assert update["counts"]["lists"][0]["checked_in"] == 2
    [[minute_start, count]] = update["arrivals"]
    assert count == 1 and abs(minute_start - time.time()) < 120 and minute_start % 60 == 0

    await _scan(client, owner, hall, regs[1], f"live-c-{event_id}", direction="exit")
    update = await socket.receive_json()
    assert update["counts"]["inside"] == 1 and update["arrivals"] == []  # leaving is no arrival
    refused = await _scan(client, owner, hall, regs[0], f"live-d-{event_id}")
    assert refused["admitted"] is False
    with pytest.raises(TimeoutError):
        await socket.receive_json(within=1.0)  # a refused scan changes nothing: no message
    await socket.disconnect()  # the handler ends (and unsubscribes) when the client leaves


async def test_a_burst_is_coalesced(app: Litestar, client: httpx.AsyncClient, factory: Factory) -> None:
    """300 scans within 1.2 s: every arrival arrives, in a handful of messages at least 0.5 s apart."""
    owner, event_id, _, hall = await _event_today(factory)
    socket = AsgiSocket(app, _path(event_id), await _signed_in_headers(client, owner))
    assert (await socket.connect())["type"] == "websocket.accept"
    assert (await socket.receive_json())["type"] == "snapshot"
    at = dt.datetime.now(dt.UTC)
    for _burst in range(12):
        for n in range(25):
            signals.emit(
                "checkin.created", event_id=event_id, list_id=hall, registration_id=n,
                admitted=True, direction="entry", code="ok", offline=False, conflict=False, at=at,
            )  # fmt: skip
        await asyncio.sleep(0.1)
    received, updates = 0, 0
    while received < 300:
        update = await socket.receive_json(within=5.0)
        updates += 1
        received += sum(n for _minute, n in update["arrivals"])
    assert received == 300
    stamps = socket.sent_at[-updates:]  # when the app sent the updates
    assert 2 <= len(stamps) <= 5, len(stamps)
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert all(gap >= 0.45 for gap in gaps), gaps
    await socket.disconnect()


async def test_who_may_connect(app: Litestar, client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, _, _ = await _event_today(factory)
    headers = await _signed_in_headers(client, owner)

    async def first_message(path: str, headers: dict[str, str], query: str = "") -> dict:
        socket = AsgiSocket(app, path, headers, query)
        message = await socket.connect()
        if message["type"] == "websocket.accept":
            await socket.receive_json()
            await socket.disconnect()
        return message

    # Cross-site pages must not ride on the organiser's cookie.
    for origin in ("https://evil.example", "null"):
        refused = await first_message(_path(event_id), {**headers, "origin": origin})
        assert (refused["type"], refused["code"]) == ("websocket.close", 4403)
    no_origin = {k: v for k, v in headers.items() if k != "origin"}
    assert (await first_message(_path(event_id), no_origin))["code"] == 4403

    anonymous = await first_message(_path(event_id), {"origin": ORIGIN})
    assert anonymous["type"] == "websocket.close"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as other:
        stranger, _ = await factory.organiser()
        refused = await first_message(_path(event_id), await _signed_in_headers(other, stranger))
        assert (refused["type"], refused["code"]) == ("websocket.close", 4404)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as other:
        staff = await scan_rows.staff_member(factory, event_id)
        assert (await first_message(_path(event_id), await _signed_in_headers(other, staff)))[
            "type"
        ] == "websocket.accept"
    assert (await first_message(_path(999_999_999), headers))["code"] == 4404
    assert (await first_message(_path(event_id), headers, "day=2001-01-01"))["code"] == 4422
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert (await first_message(_path(event_id), headers, f"day={today}"))["type"] == "websocket.accept"


# -- a real server ---------------------------------------------------------------------------
async def _live_headers(server: LiveServer, user: factories.TestUser) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=server.base_url) as web:
        await factories.web_login(web, user)
        return {"cookie": cookie_header(web.cookies)}


def _ws_url(server: LiveServer, event_id: int) -> str:
    return server.base_url.replace("http://", "ws://") + _path(event_id)


async def test_real_server_refuses_cross_origin_and_strangers(
    live_server: LiveServer, factory: Factory
) -> None:
    owner, event_id, _, _ = await _event_today(factory)
    stranger, _ = await factory.organiser()
    own_origin = live_server.base_url
    cookies = await _live_headers(live_server, owner)
    for origin, headers in (
        ("https://evil.example", cookies),  # cross-site: refused before the handshake completes
        (own_origin, {}),  # not signed in
        (own_origin, await _live_headers(live_server, stranger)),  # not this event's organiser
    ):
        with pytest.raises(InvalidStatus) as refused:
            async with connect(_ws_url(live_server, event_id), origin=origin, additional_headers=headers):
                pass
        assert refused.value.response.status_code == 403


async def test_real_server_streams_scans(live_server: LiveServer, factory: Factory) -> None:
    owner, event_id, ticket_type, hall = await _event_today(factory)
    reg = await scan_rows.registration(factory, event_id, ticket_type)
    headers = await _live_headers(live_server, owner)
    async with connect(
        _ws_url(live_server, event_id), origin=live_server.base_url, additional_headers=headers
    ) as ws:
        snapshot = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert snapshot["type"] == "snapshot" and snapshot["stats"]["checked_in"] == 0
        async with httpx.AsyncClient(base_url=live_server.base_url) as api:
            await _scan(api, owner, hall, reg, f"live-server-{event_id}")
        update = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert update["type"] == "update" and update["counts"]["checked_in"] == 1
        assert sum(n for _m, n in update["arrivals"]) == 1


@pytest.mark.skipif(not os.environ.get("LUYAN_REDIS_URL"), reason="fan-out across processes needs Redis")
async def test_redis_carries_scans_to_another_process(
    live_server: LiveServer, client: httpx.AsyncClient, factory: Factory
) -> None:
    """The scan is recorded in this process; the socket is held by the server process."""
    owner, event_id, ticket_type, hall = await _event_today(factory)
    reg = await scan_rows.registration(factory, event_id, ticket_type)
    headers = await _live_headers(live_server, owner)
    async with connect(
        _ws_url(live_server, event_id), origin=live_server.base_url, additional_headers=headers
    ) as ws:
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "snapshot"
        await asyncio.sleep(0.3)  # margin: the subscription is made before the snapshot is sent
        await _scan(client, owner, hall, reg, f"live-redis-{event_id}")  # in-process app
        update = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert update["type"] == "update" and update["counts"]["checked_in"] == 1


# -- the page in a real browser --------------------------------------------------------------
@pytest.mark.browser
async def test_dashboard_follows_scans_in_chromium(live_server: LiveServer, factory: Factory) -> None:
    """arrivals.js: the socket goes live, then a scan moves the figures and the Chart.js chart."""
    from playwright.async_api import async_playwright, expect

    from tests.browser.conftest import CHROMIUM_ARGS, browser_required, find_chromium

    chromium = find_chromium()
    if chromium is None:
        if browser_required():
            pytest.fail("LUYAN_REQUIRE_BROWSER=1 and Chromium is not installed")
        pytest.skip("BROWSER TEST SKIPPED: Chromium is not installed")
    owner, event_id, ticket_type, hall = await _event_today(factory)
    reg = await scan_rows.registration(factory, event_id, ticket_type)
    async with httpx.AsyncClient(base_url=live_server.base_url) as web:
        await factories.web_login(web, owner)
        cookies = [{"name": k, "value": v, "url": live_server.base_url} for k, v in web.cookies.items()]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                base_url=live_server.base_url, viewport={"width": 390, "height": 844}
            )
            await context.add_cookies(cookies)
            page = await context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(f"/dashboard/events/{event_id}/checkin")
            await expect(page.locator("[data-live-status]")).to_have_attribute(
                "data-state", "live", timeout=15_000
            )
            total = "() => Chart.getChart('arrivals-chart').data.datasets[0].data.reduce((a, b) => a + b, 0)"
            assert await page.evaluate(total) == 0
            assert await page.evaluate("() => Chart.getChart('arrivals-chart').data.labels.length") == 180

            async with httpx.AsyncClient(base_url=live_server.base_url) as api:
                await _scan(api, owner, hall, reg, f"browser-{event_id}")
            row = page.locator(f'tr[data-list-id="{hall}"]')
            await expect(row.locator('[data-field="checked_in"]')).to_have_text("1", timeout=10_000)
            await expect(row.locator('[data-field="inside"]')).to_have_text("1")
            await expect(page.locator('[data-count="checked_in"]')).to_have_text("1")
            await expect(page.locator('[data-count="arrivals_total"]')).to_have_text("1")
            assert await page.evaluate(total) == 1
            assert errors == []
        finally:
            await browser.close()
