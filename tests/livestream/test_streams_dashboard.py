"""The organiser's livestream pages: add a stream from the form (PRG), errors re-render with
422, go live and end, the report with its figures, the live overview; other organisations 404."""

from __future__ import annotations

import asyncio
import re

import httpx
from litestar import Litestar

from livestream.audience import audience_for
from tests import factories
from tests.factories import Factory
from tests.livestream.audience_support import new_viewer_id, roadshow_with_stream, viewer_socket


async def _signed_in(client: httpx.AsyncClient, user: factories.TestUser) -> str:
    return await factories.web_login(client, user)


async def test_add_a_stream_go_live_and_end_from_the_pages(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, org_id = await factory.organiser()
    event_id = await factory.event(org_id, kind="roadshow", timezone="Asia/Shanghai")
    token = await _signed_in(client, owner)
    base = f"/dashboard/events/{event_id}/livestream"
    empty = await client.get(base)
    assert empty.status_code == 200 and 'data-testid="no-streams"' in empty.text

    form = {
        "_csrf_token": token, "title_en": "Main hall", "title_zh": "主会场", "player_kind": "embed",
        "player_url": "https://player.example.test/embed/7", "starts_at": "2030-05-01T09:00",
        "ends_at": "2030-05-01T08:00", "agenda_session_id": "", "status": "upcoming", "replay_url": "",
    }  # fmt: skip
    invalid = await client.post(base, data=form)
    assert invalid.status_code == 422 and "field-error" in invalid.text
    assert 'value="Main hall"' in invalid.text  # what was typed is kept

    form["ends_at"] = "2030-05-01T11:00"
    added = await client.post(base, data=form)
    assert added.status_code == 303 and added.headers["location"] == base
    listing = await client.get(base)
    stream_id = int(re.search(r'data-stream-id="(\d+)"', listing.text).group(1))
    stream = (
        await client.get(f"/api/v1/events/{event_id}/streams/{stream_id}", headers=owner.headers)
    ).json()
    assert stream["starts_at"].startswith("2030-05-01T01:00")  # 09:00 in Shanghai
    assert stream["player_kind"] == "embed" and stream["status"] == "upcoming"

    live = await client.post(f"{base}/{stream_id}/status", data={"_csrf_token": token, "status": "live"})
    assert live.status_code == 303
    assert (await client.get(f"/api/v1/streams/{stream_id}")).json()["status"] == "live"
    await client.post(f"{base}/{stream_id}/status", data={"_csrf_token": token, "status": "ended"})
    report = await client.get(f"{base}/{stream_id}")
    assert report.status_code == 200 and 'data-testid="report-unique"' in report.text

    edited = await client.post(
        f"{base}/{stream_id}",
        data={**form, "status": "ended", "replay_url": "https://video.example.test/r/7"},
    )
    assert edited.status_code == 303
    assert (await client.get(f"/api/v1/streams/{stream_id}")).json()[
        "replay_url"
    ] == "https://video.example.test/r/7"

    deleted = await client.post(f"{base}/{stream_id}/delete", data={"_csrf_token": token})
    assert deleted.status_code == 303
    assert (await client.get(f"/api/v1/streams/{stream_id}")).status_code == 404


async def test_other_organisations_get_404_on_the_pages(client: httpx.AsyncClient, factory: Factory) -> None:
    _owner, event_id, stream = await roadshow_with_stream(factory, client)
    stranger, _ = await factory.organiser()
    token = await _signed_in(client, stranger)
    base = f"/dashboard/events/{event_id}/livestream"
    assert (await client.get(base)).status_code == 404
    assert (await client.get(f"{base}/{stream['id']}")).status_code == 404
    status = await client.post(
        f"{base}/{stream['id']}/status", data={"_csrf_token": token, "status": "ended"}
    )
    assert status.status_code == 404
    assert (
        await client.post(f"{base}/{stream['id']}/delete", data={"_csrf_token": token})
    ).status_code == 404
    overview = await client.get("/api/v1/livestreams/audience")
    assert overview.status_code == 200 and overview.json() == []


async def test_the_live_overview_shows_counts_and_the_report_the_curve(
    app: Litestar, client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, event_id, stream = await roadshow_with_stream(factory, client)
    audience = audience_for(app)
    saved = audience.tick_s
    audience.tick_s = 0.05
    try:
        sockets = [viewer_socket(app, stream["id"], new_viewer_id()) for _ in range(2)]
        for socket in sockets:
            await socket.open()
        await _signed_in(client, owner)
        page = await client.get("/dashboard/livestreams")
        assert page.status_code == 200 and f'data-stream-id="{stream["id"]}"' in page.text
        deadline = asyncio.get_running_loop().time() + 5  # with Redis: once a tick has published
        while True:
            rows = (await client.get("/api/v1/livestreams/audience")).json()
            [row] = [r for r in rows if r["stream_id"] == stream["id"]]
            if row["online"] == 2 or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.1)
        assert (row["online"], row["peak"], row["status"]) == (2, 2, "live")
        for socket in sockets:
            await socket.disconnect()
        await audience.flush()
    finally:
        audience.tick_s = saved
    report = await client.get(f"/dashboard/events/{event_id}/livestream/{stream['id']}")
    assert 'id="report-chart"' in report.text
    assert re.search(r'data-testid="report-unique"><strong>2<', report.text)
