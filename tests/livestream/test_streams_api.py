"""Organisers manage the streams of their events through the API; anyone reads a stream of a
published event; other organisations get 404; bad input is a 422 with the field named."""

from __future__ import annotations

import httpx

from tests.factories import Factory
from tests.livestream.audience_support import roadshow_with_stream, stream_body


async def test_organiser_creates_changes_and_deletes_a_stream(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, event_id, stream = await roadshow_with_stream(factory, client)
    assert stream["event_id"] == event_id and stream["status"] == "live"
    assert stream["went_live_at"] is not None and stream["ended_at"] is None
    assert stream["viewer_url"] == f"/live/{stream['id']}"
    base = f"/api/v1/events/{event_id}/streams"

    listed = await client.get(base, headers=owner.headers)
    assert [s["id"] for s in listed.json()] == [stream["id"]]

    ended = await client.patch(
        f"{base}/{stream['id']}",
        json={"status": "ended", "replay_url": "https://video.example.test/replay/1"},
        headers=owner.headers,
    )
    assert ended.status_code == 200, ended.text
    body = ended.json()
    assert body["status"] == "ended" and body["ended_at"] is not None
    assert body["replay_url"] == "https://video.example.test/replay/1"
    assert body["went_live_at"] == stream["went_live_at"]  # kept

    report = await client.get(f"{base}/{stream['id']}/report", headers=owner.headers)
    assert report.status_code == 200
    assert report.json()["unique_viewers"] == 0 and report.json()["minutes"] == []

    assert (await client.delete(f"{base}/{stream['id']}", headers=owner.headers)).status_code == 204
    assert (await client.get(f"{base}/{stream['id']}", headers=owner.headers)).status_code == 404


async def test_a_stream_of_a_session_must_be_a_session_of_the_event(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, event_id, _ = await roadshow_with_stream(factory, client)
    response = await client.post(
        f"/api/v1/events/{event_id}/streams",
        json=stream_body(agenda_session_id=999_999),
        headers=owner.headers,
    )
    assert response.status_code == 422
    assert "agenda_session_id" in response.text


async def test_invalid_input_is_refused_with_the_field(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, stream = await roadshow_with_stream(factory, client)
    base = f"/api/v1/events/{event_id}/streams"
    bad_url = await client.post(
        base, json=stream_body(player_url="javascript:alert(1)"), headers=owner.headers
    )
    assert bad_url.status_code == 422 and "player_url" in bad_url.text
    backwards = stream_body()
    backwards["starts_at"], backwards["ends_at"] = backwards["ends_at"], backwards["starts_at"]
    assert (await client.post(base, json=backwards, headers=owner.headers)).status_code == 422
    assert (
        await client.post(base, json=stream_body(status="paused"), headers=owner.headers)
    ).status_code == 422
    not_json = await client.post(
        base, content=b"{", headers={**owner.headers, "content-type": "application/json"}
    )
    assert not_json.status_code == 400
    unknown = await client.patch(f"{base}/{stream['id']}", json={"colour": "red"}, headers=owner.headers)
    assert unknown.status_code == 422


async def test_other_organisations_get_404_and_the_public_gets_the_stream(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    _owner, event_id, stream = await roadshow_with_stream(factory, client)
    stranger, _ = await factory.organiser()
    base = f"/api/v1/events/{event_id}/streams"
    assert (await client.get(base, headers=stranger.headers)).status_code == 404
    assert (await client.get(f"{base}/{stream['id']}", headers=stranger.headers)).status_code == 404
    changed = await client.patch(f"{base}/{stream['id']}", json={"status": "ended"}, headers=stranger.headers)
    assert changed.status_code == 404
    assert (await client.delete(f"{base}/{stream['id']}", headers=stranger.headers)).status_code == 404
    assert (await client.get(f"{base}/{stream['id']}/report", headers=stranger.headers)).status_code == 404
    assert (await client.get(base)).status_code == 401

    public = await client.get(f"/api/v1/streams/{stream['id']}")
    assert public.status_code == 200 and public.json()["player_url"] == stream["player_url"]
    audience = await client.get(f"/api/v1/streams/{stream['id']}/audience")
    assert audience.json() == {
        "stream_id": stream["id"], "event_id": event_id, "status": "live", "online": 0, "peak": 0, "onsite": 0,
    }  # fmt: skip


async def test_streams_of_draft_events_are_hidden_from_the_public(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, org_id = await factory.organiser()
    event_id = await factory.event(org_id, status="draft", kind="roadshow")
    created = await client.post(
        f"/api/v1/events/{event_id}/streams", json=stream_body(), headers=owner.headers
    )
    assert created.status_code == 201
    stream_id = created.json()["id"]
    assert (await client.get(f"/api/v1/streams/{stream_id}")).status_code == 404
    assert (await client.get(f"/api/v1/streams/{stream_id}", headers=owner.headers)).status_code == 200
    assert (await client.get("/api/v1/streams/999999")).status_code == 404
