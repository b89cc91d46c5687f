"""The viewer page: the player for each kind, the figures, the replay after the stream, and
404 for streams nobody may see."""

from __future__ import annotations

import httpx

from tests.factories import Factory
from tests.livestream.audience_support import roadshow_with_stream


async def test_the_viewer_page_shows_the_hls_player_and_the_counts(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    _owner, _event_id, stream = await roadshow_with_stream(factory, client)
    response = await client.get(f"/live/{stream['id']}", headers={"accept": "text/html"})
    assert response.status_code == 200
    html = response.text
    assert "/static/vendor/hls.js/hls.min.js" in html and "data-hls-player" in html
    assert stream["player_url"] in html  # in the config the script reads, and the fallback link
    assert 'data-count="online">0<' in html and 'data-count="onsite">0<' in html
    assert f"/ws/streams/{stream['id']}/audience" in html
    assert "Main stage" in html


async def test_an_embed_player_is_a_sandboxed_frame(client: httpx.AsyncClient, factory: Factory) -> None:
    _owner, _event_id, stream = await roadshow_with_stream(
        factory, client, player_kind="embed", player_url="https://player.example.test/embed/42"
    )
    html = (await client.get(f"/live/{stream['id']}")).text
    assert '<iframe src="https://player.example.test/embed/42"' in html and "sandbox=" in html
    assert "hls.min.js" not in html


async def test_after_the_stream_the_replay_takes_its_place(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, event_id, stream = await roadshow_with_stream(factory, client)
    await client.patch(
        f"/api/v1/events/{event_id}/streams/{stream['id']}",
        json={"status": "ended", "replay_url": "https://video.example.test/replay/9"},
        headers=owner.headers,
    )
    html = (await client.get(f"/live/{stream['id']}")).text
    assert 'data-testid="replay-link"' in html and "https://video.example.test/replay/9" in html
    assert "data-hls-player" not in html


async def test_the_page_is_in_chinese_too(client: httpx.AsyncClient, factory: Factory) -> None:
    _owner, _event_id, stream = await roadshow_with_stream(factory, client)
    html = (await client.get(f"/live/{stream['id']}", headers={"accept-language": "zh-CN,zh;q=0.9"})).text
    assert "主会场" in html and "正在观看" in html


async def test_unknown_and_draft_streams_are_404(client: httpx.AsyncClient, factory: Factory) -> None:
    assert (await client.get("/live/999999", headers={"accept": "text/html"})).status_code == 404
    owner, org_id = await factory.organiser()
    event_id = await factory.event(org_id, status="draft", kind="roadshow")
    from tests.livestream.audience_support import stream_body

    created = await client.post(
        f"/api/v1/events/{event_id}/streams", json=stream_body(), headers=owner.headers
    )
    assert (await client.get(f"/live/{created.json()['id']}")).status_code == 404


async def test_the_page_shows_who_is_pitching_now(client: httpx.AsyncClient, factory: Factory) -> None:
    from tests.livestream.audience_support import stream_body
    from tests.roadshows.show_support import add_slot, stage

    built = await stage(factory, pitches=2)
    headers = built.organiser.headers
    created = await client.post(
        f"/api/v1/events/{built.event_id}/streams", json=stream_body(), headers=headers
    )
    stream_id = created.json()["id"]
    first = await add_slot(client, built, submission_id=built.submissions[0])
    await add_slot(client, built, submission_id=built.submissions[1])
    before = (await client.get(f"/live/{stream_id}")).text
    assert 'data-testid="on-stage"' in before and "Nothing on stage right now." in before
    started = await client.post(
        f"/api/v1/events/{built.event_id}/show/start", json={"slot_id": first["id"]}, headers=headers
    )
    assert started.status_code == 200, started.text
    html = (await client.get(f"/live/{stream_id}")).text
    assert "Now pitching" in html and "Pitch 1" in html and "Pitch 2" in html  # on stage, and up next
    assert f"/ws/events/{built.event_id}/show" in html  # the page follows the run of show live


async def test_no_stage_section_without_a_run_of_show(client: httpx.AsyncClient, factory: Factory) -> None:
    _owner, _event_id, stream = await roadshow_with_stream(factory, client)
    html = (await client.get(f"/live/{stream['id']}")).text
    assert 'data-testid="on-stage"' not in html and '"show_socket": null' in html
