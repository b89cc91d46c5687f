"""The audience counter through the real socket: counts equal the truth after many connects and
disconnects, three tabs count once, the Origin and per-address rules, and what is recorded."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar

from livestream.audience import Audience, audience_for
from livestream.audience_parts import PER_ADDRESS_VARIABLE, per_address_limit
from tests.factories import Factory
from tests.livestream.audience_support import (
    ViewerSocket,
    new_viewer_id,
    roadshow_with_stream,
    viewer_socket,
)


@pytest.fixture
async def audience(app: Litestar) -> AsyncIterator[Audience]:
    """The app's audience, ticking fast for the test."""
    found = audience_for(app)
    saved = (found.tick_s, found.flush_every_s, found.per_address)
    found.tick_s, found.flush_every_s = 0.05, 0.2
    yield found
    found.tick_s, found.flush_every_s, found.per_address = saved


async def _settled(socket: ViewerSocket, online: int, within: float = 5.0) -> dict:
    """The newest figures once they say ``online`` (waiting up to ``within`` seconds)."""
    await asyncio.sleep(0.15)  # a few ticks: every change so far has been sent
    while not socket.from_app.empty():
        await socket.receive_json()
    if socket.last is not None and socket.last.get("online") == online:
        return socket.last
    deadline = asyncio.get_running_loop().time() + within
    seen = socket.last
    while (left := deadline - asyncio.get_running_loop().time()) > 0:
        try:
            seen = await socket.receive_json(within=left)
        except TimeoutError:
            break
        if seen.get("online") == online:
            return seen
    raise AssertionError(f"expected online={online}, last message {seen}")


async def test_counts_equal_the_truth_after_1000_connects_and_disconnects(
    app: Litestar, client: httpx.AsyncClient, factory: Factory, audience: Audience
) -> None:
    _owner, _event_id, stream = await roadshow_with_stream(factory, client)
    rng = random.Random(20261122)
    viewers = [new_viewer_id() for _ in range(40)]
    open_sockets: list[tuple[str, ViewerSocket]] = []
    cycles = 0
    while cycles < 1000:
        if open_sockets and (len(open_sockets) > 60 or rng.random() < 0.45):
            viewer, socket = open_sockets.pop(rng.randrange(len(open_sockets)))
            await socket.disconnect()
            cycles += 1
        else:
            viewer = rng.choice(viewers)
            socket = viewer_socket(app, stream["id"], viewer)
            await socket.open()
            open_sockets.append((viewer, socket))
    truth = len({viewer for viewer, _ in open_sockets})
    assert truth > 0
    assert audience.local_counts()[stream["id"]] == truth
    tabs = Counter(viewer for viewer, _ in open_sockets)
    assert dict(audience.rooms[stream["id"]].tabs) == {f"b{v}": n for v, n in tabs.items()}
    watcher = open_sockets[-1][1]
    assert (await _settled(watcher, truth))["online"] == truth
    figures = await client.get(f"/api/v1/streams/{stream['id']}/audience")
    assert figures.json()["online"] == truth
    for _viewer, socket in open_sockets:
        await socket.disconnect()
    assert stream["id"] not in audience.rooms  # the last one out leaves nothing behind
    assert not audience.addresses


async def test_three_tabs_count_once(
    app: Litestar, client: httpx.AsyncClient, factory: Factory, audience: Audience
) -> None:
    _owner, _event_id, stream = await roadshow_with_stream(factory, client)
    me, other = new_viewer_id(), new_viewer_id()
    tabs = [viewer_socket(app, stream["id"], me) for _ in range(3)]
    for tab in tabs:
        first = await tab.open()
    assert first["online"] == 1
    await _settled(tabs[0], 1)
    friend = viewer_socket(app, stream["id"], other)
    await friend.open()
    assert (await _settled(tabs[0], 2))["peak"] == 2
    await tabs[0].disconnect()
    await tabs[1].disconnect()
    assert audience.local_counts()[stream["id"]] == 2  # my third tab is still open
    await tabs[2].disconnect()
    update = await _settled(friend, 1)
    assert update == {"online": 1, "onsite": 0, "peak": 2, "status": "live"}
    await friend.disconnect()


async def test_nothing_is_sent_when_nothing_changed(
    app: Litestar, client: httpx.AsyncClient, factory: Factory, audience: Audience
) -> None:
    _owner, _event_id, stream = await roadshow_with_stream(factory, client)
    socket = viewer_socket(app, stream["id"], new_viewer_id())
    assert (await socket.open())["online"] == 1
    await asyncio.sleep(0.3)  # the tick may confirm the figures once
    while not socket.from_app.empty():
        await socket.receive_json()
    assert await socket.latest(within=0.6) is None  # a dozen ticks, no news, no message
    await socket.send_text("ping")
    assert await socket.receive_json() == {"pong": True}
    await socket.disconnect()


async def test_a_foreign_origin_and_bad_requests_are_refused(
    app: Litestar, client: httpx.AsyncClient, factory: Factory, audience: Audience
) -> None:
    owner, event_id, stream = await roadshow_with_stream(factory, client)
    viewer = new_viewer_id()
    foreign = await viewer_socket(app, stream["id"], viewer, origin="https://evil.example").connect()
    assert foreign["type"] == "websocket.close" and foreign["code"] == 4403
    no_origin = await viewer_socket(app, stream["id"], viewer, origin=None).connect()
    assert no_origin["type"] == "websocket.close" and no_origin["code"] == 4403
    no_viewer = await viewer_socket(app, stream["id"], None).connect()
    assert no_viewer["type"] == "websocket.close" and no_viewer["code"] == 4422
    short = await viewer_socket(app, stream["id"], "abc").connect()
    assert short["code"] == 4422
    missing = await viewer_socket(app, 999_999, viewer).connect()
    assert missing["type"] == "websocket.close" and missing["code"] == 4404
    await client.patch(
        f"/api/v1/events/{event_id}/streams/{stream['id']}", json={"status": "ended"}, headers=owner.headers
    )
    ended = await viewer_socket(app, stream["id"], viewer).connect()
    assert ended["type"] == "websocket.close" and ended["code"] == 4410
    assert stream["id"] not in audience.rooms and not audience.addresses


async def test_connections_per_address_are_limited(
    app: Litestar, client: httpx.AsyncClient, factory: Factory, audience: Audience
) -> None:
    _owner, _event_id, stream = await roadshow_with_stream(factory, client)
    audience.per_address = 3
    crowd = [viewer_socket(app, stream["id"], new_viewer_id(), address="10.9.8.7") for _ in range(3)]
    for socket in crowd:
        await socket.open()
    refused = await viewer_socket(app, stream["id"], new_viewer_id(), address="10.9.8.7").connect()
    assert refused["type"] == "websocket.close" and refused["code"] == 4429
    elsewhere = viewer_socket(app, stream["id"], new_viewer_id(), address="10.9.8.8")
    await elsewhere.open()
    await crowd[0].disconnect()
    again = viewer_socket(app, stream["id"], new_viewer_id(), address="10.9.8.7")
    await again.open()  # a freed place can be taken
    assert audience.addresses["10.9.8.7"] == 3
    for socket in [*crowd[1:], elsewhere, again]:
        await socket.disconnect()


async def test_status_changes_reach_viewers(
    app: Litestar, client: httpx.AsyncClient, factory: Factory, audience: Audience
) -> None:
    owner, event_id, stream = await roadshow_with_stream(factory, client, status="upcoming")
    socket = viewer_socket(app, stream["id"], new_viewer_id())
    assert (await socket.open())["status"] == "upcoming"
    await client.patch(
        f"/api/v1/events/{event_id}/streams/{stream['id']}", json={"status": "live"}, headers=owner.headers
    )
    deadline = asyncio.get_running_loop().time() + 3
    while (message := await socket.receive_json(within=3))["status"] != "live":
        assert asyncio.get_running_loop().time() < deadline, message
    await socket.disconnect()


async def test_watch_time_unique_viewers_peak_and_minutes_are_recorded(
    app: Litestar, client: httpx.AsyncClient, factory: Factory, audience: Audience
) -> None:
    owner, event_id, stream = await roadshow_with_stream(factory, client)
    viewers = [new_viewer_id() for _ in range(3)]
    sockets = [viewer_socket(app, stream["id"], v) for v in [*viewers, viewers[0]]]  # one with two tabs
    for socket in sockets:
        await socket.open()
    await _settled(sockets[0], 3)
    await asyncio.sleep(1.1)
    for socket in sockets:
        await socket.disconnect()
    again = viewer_socket(app, stream["id"], viewers[1])  # a second visit
    await again.open()
    await again.disconnect()
    await audience.flush()
    report = (
        await client.get(f"/api/v1/events/{event_id}/streams/{stream['id']}/report", headers=owner.headers)
    ).json()
    assert report["unique_viewers"] == 3
    assert report["peak_viewers"] == 3 and report["peak_at"] is not None
    assert report["total_watch_seconds"] >= 3  # three viewers watched a second or more each
    assert report["average_watch_seconds"] == round(report["total_watch_seconds"] / 3)
    assert [m["viewers"] for m in report["minutes"]][-1] == 3 or max(
        m["viewers"] for m in report["minutes"]
    ) == 3


async def test_onsite_follows_check_ins(
    app: Litestar, client: httpx.AsyncClient, factory: Factory, audience: Audience
) -> None:
    from tests.checkin import scan_rows

    owner, event_id, stream = await roadshow_with_stream(factory, client)
    ticket_type = await factory.ticket_type(event_id)
    hall = await scan_rows.checkin_list(event_id, "Hall")
    guests = [await scan_rows.registration(factory, event_id, ticket_type) for _ in range(2)]
    socket = viewer_socket(app, stream["id"], new_viewer_id())
    assert (await socket.open())["onsite"] == 0
    for n, registration in enumerate(guests):
        scanned = await client.post(
            "/api/v1/checkin/scans",
            json={"list_id": hall, "nonce": f"live-{stream['id']}-{n}", "registration_id": registration},
            headers=owner.headers,
        )
        assert scanned.status_code == 200 and scanned.json()["admitted"], scanned.text
    deadline = asyncio.get_running_loop().time() + 5
    while (message := await socket.receive_json())["onsite"] != 2:
        assert asyncio.get_running_loop().time() < deadline, message
    assert message["online"] == 1
    await socket.disconnect()


async def test_silent_sockets_are_closed_and_counted_out(
    app: Litestar, client: httpx.AsyncClient, factory: Factory, audience: Audience
) -> None:
    _owner, _event_id, stream = await roadshow_with_stream(factory, client)
    saved = (audience.silent_after_s, audience.sweep_every_s)
    audience.silent_after_s, audience.sweep_every_s = 0.4, 0.1
    try:
        silent, pinging = (viewer_socket(app, stream["id"], new_viewer_id()) for _ in range(2))
        await silent.open()
        await pinging.open()
        closed = None
        for _ in range(20):  # two seconds: the pinging one keeps talking
            await pinging.send_text("ping")
            await asyncio.sleep(0.1)
            while not silent.from_app.empty():
                message = await silent.from_app.get()
                if message["type"] == "websocket.close":
                    closed = message
            if closed:
                break
        assert closed is not None and closed["code"] == 1001
        assert audience.local_counts()[stream["id"]] == 1  # the pinging viewer is still counted
        await _settled(pinging, 1)
        await silent.disconnect()
        await pinging.disconnect()
    finally:
        audience.silent_after_s, audience.sweep_every_s = saved


def test_the_per_address_limit_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PER_ADDRESS_VARIABLE, "25")
    assert per_address_limit() == 25
    monkeypatch.setenv(PER_ADDRESS_VARIABLE, "many")
    assert per_address_limit() == 200  # a typo keeps the default (and is logged)
    monkeypatch.delenv(PER_ADDRESS_VARIABLE)
    assert per_address_limit() == 200
