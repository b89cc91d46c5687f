"""The run of show: stage manager actions, the state they leave, and the screens' websocket
following them (who may connect, the state on connect, each change)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os

import httpx
import pytest
from litestar import Litestar
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from roadshows.tables import Submission
from tests.checkin.asgi_socket import AsgiSocket
from tests.factories import Factory
from tests.live import LiveServer
from tests.live_fixtures import live_server, start_live_server
from tests.roadshows.show_support import ORIGIN, add_slot, signed_in_headers, stage

__all__ = ["live_server", "start_live_server"]


def _show(event_id: int, action: str = "") -> str:
    return f"/api/v1/events/{event_id}/show" + (f"/{action}" if action else "")


def _socket(event_id: int) -> str:
    return f"/ws/events/{event_id}/show"


async def _act(
    client: httpx.AsyncClient, built, action: str, body: dict | None = None, status: int = 200
) -> dict:
    response = await client.post(
        _show(built.event_id, action), json=body or {}, headers=built.organiser.headers
    )
    assert response.status_code == status, response.text
    return response.json()


async def test_start_next_end_and_reset(client: httpx.AsyncClient, factory: Factory) -> None:
    built = await stage(factory)
    a, b, c = [
        (await add_slot(client, built, submission_id=s, duration_min=5))["id"] for s in built.submissions
    ]
    state = (await client.get(_show(built.event_id))).json()
    assert state["now"] is None and state["next"]["id"] == a and (state["done"], state["total"]) == (0, 3)

    before = dt.datetime.now(dt.UTC)
    state = await _act(client, built, "start", {"slot_id": a})
    now = state["now"]
    started, ends = dt.datetime.fromisoformat(now["started_at"]), dt.datetime.fromisoformat(now["ends_at"])
    assert now["slot"]["id"] == a and now["slot"]["name_en"] == "Pitch 1"
    assert before - dt.timedelta(seconds=1) <= started <= dt.datetime.now(dt.UTC)
    assert ends - started == dt.timedelta(minutes=5)
    assert state["next"]["id"] == b

    state = await _act(client, built, "next", {"current_slot_id": a})
    assert (state["now"]["slot"]["id"], state["next"]["id"], state["done"]) == (b, c, 1)
    # A second press with what the page showed before: refused, no pitch skipped.
    refused = await _act(client, built, "next", {"current_slot_id": a}, status=409)
    assert refused["code"] == "stage_moved_on"
    assert (await client.get(_show(built.event_id))).json()["now"]["slot"]["id"] == b

    state = await _act(client, built, "end")
    assert state["now"] is None and state["next"]["id"] == c and state["done"] == 2
    assert (await _act(client, built, "end", status=409))["code"] == "nothing_on_stage"
    assert (await _act(client, built, "start", {"slot_id": a}, status=409))["code"] == "slot_done"

    # Jump ahead: starting another slot ends the one on stage.
    await _act(client, built, "start", {"slot_id": c})
    state = await _act(client, built, "next")
    assert state["now"] is None and state["next"] is None and state["done"] == 3
    assert (await _act(client, built, "next", status=409))["code"] == "show_finished"

    run = (await client.get(f"/api/v1/events/{built.event_id}/run-of-show")).json()
    assert [s["status"] for s in run["slots"]] == ["done", "done", "done"]
    state = await _act(client, built, "reset", {"slot_id": b})
    assert state["next"]["id"] == b and state["done"] == 2
    state = await _act(client, built, "reset")
    assert state["done"] == 0 and state["next"]["id"] == a
    assert (await _act(client, built, "start", {"slot_id": 999_999_999}, status=404))["code"] == "not_found"


async def _statuses(submission_ids: list[int]) -> list[str]:
    rows = await Submission.select(Submission.id, Submission.status).where(
        Submission.id.is_in(submission_ids)
    )
    found = {r["id"]: r["status"] for r in rows}
    return [found[i] for i in submission_ids]


async def test_the_stage_moves_submissions_along_the_workflow(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    """A shortlisted pitch is scheduled when it gets a slot, and has pitched once its slot ends;
    a submission elsewhere in the workflow stays where the organisers put it."""
    built = await stage(factory)
    await Submission.update({Submission.status: "under_review"}).where(Submission.id == built.submissions[2])
    slots = [(await add_slot(client, built, submission_id=s))["id"] for s in built.submissions]
    assert await _statuses(built.submissions) == ["scheduled", "scheduled", "under_review"]
    await _act(client, built, "start", {"slot_id": slots[0]})
    assert await _statuses(built.submissions) == ["scheduled", "scheduled", "under_review"]
    await _act(client, built, "next", {"current_slot_id": slots[0]})
    assert await _statuses(built.submissions) == ["pitched", "scheduled", "under_review"]
    await _act(client, built, "next", {"current_slot_id": slots[1]})
    await _act(client, built, "end")
    assert await _statuses(built.submissions) == ["pitched", "pitched", "under_review"]


async def test_only_organisers_run_the_show(client: httpx.AsyncClient, factory: Factory) -> None:
    built = await stage(factory, pitches=1)
    slot = await add_slot(client, built, submission_id=built.submissions[0])
    stranger, _ = await factory.organiser()
    attendee = await factory.user()
    for user, status in ((stranger, 404), (attendee, 403)):
        response = await client.post(
            _show(built.event_id, "start"), json={"slot_id": slot["id"]}, headers=user.headers
        )
        assert response.status_code == status
        for action in ("next", "end", "reset"):
            response = await client.post(_show(built.event_id, action), json={}, headers=user.headers)
            assert response.status_code == status, action
    assert (await client.get(_show(built.event_id))).json()["now"] is None


async def test_the_screen_socket_gets_the_state_then_each_change(
    app: Litestar, client: httpx.AsyncClient, factory: Factory
) -> None:
    built = await stage(factory)
    a, b, _ = [(await add_slot(client, built, submission_id=s))["id"] for s in built.submissions]
    screen = AsgiSocket(app, _socket(built.event_id), {"origin": ORIGIN})  # anonymous: a hall screen
    assert (await screen.connect())["type"] == "websocket.accept"
    first = await screen.receive_json()
    assert first["type"] == "state" and first["state"]["now"] is None and first["state"]["next"]["id"] == a

    await _act(client, built, "start", {"slot_id": a})
    changed = await screen.receive_json()
    assert changed["state"]["now"]["slot"]["id"] == a and changed["state"]["next"]["id"] == b
    await _act(client, built, "next", {"current_slot_id": a})
    assert (await screen.receive_json())["state"]["now"]["slot"]["id"] == b
    pause = await add_slot(client, built, title_en="Break", title_zh="休息", duration_min=10, position=2)
    assert (await screen.receive_json())["state"]["next"]["id"] == pause["id"]  # slot edits show up too
    await screen.disconnect()


async def test_who_may_open_the_screen_socket(
    app: Litestar, client: httpx.AsyncClient, factory: Factory
) -> None:
    built = await stage(factory, pitches=1)
    draft = await stage(factory, pitches=1, status="draft")

    async def first_message(path: str, headers: dict[str, str]) -> dict:
        socket = AsgiSocket(app, path, headers)
        message = await socket.connect()
        if message["type"] == "websocket.accept":
            assert (await socket.receive_json())["type"] == "state"
            await socket.disconnect()
        return message

    for origin in ("https://evil.example", "null"):
        refused = await first_message(_socket(built.event_id), {"origin": origin})
        assert (refused["type"], refused["code"]) == ("websocket.close", 4403)
    assert (await first_message(_socket(built.event_id), {}))["code"] == 4403  # no Origin
    assert (await first_message(_socket(draft.event_id), {"origin": ORIGIN}))["code"] == 4404
    assert (await first_message(_socket(999_999_999), {"origin": ORIGIN}))["code"] == 4404
    organiser = await signed_in_headers(client, draft.organiser)
    assert (await first_message(_socket(draft.event_id), organiser))["type"] == "websocket.accept"


# -- a real server ---------------------------------------------------------------------------
def _ws_url(server: LiveServer, event_id: int) -> str:
    return server.base_url.replace("http://", "ws://") + _socket(event_id)


async def test_real_server_refuses_a_foreign_origin(live_server: LiveServer, factory: Factory) -> None:
    built = await stage(factory, pitches=1)
    with pytest.raises(InvalidStatus) as refused:
        async with connect(_ws_url(live_server, built.event_id), origin="https://evil.example"):
            pass
    assert refused.value.response.status_code == 403


@pytest.mark.skipif(not os.environ.get("LUYAN_REDIS_URL"), reason="delivery across processes needs Redis")
async def test_redis_carries_a_change_to_a_screen_in_another_process(
    live_server: LiveServer, client: httpx.AsyncClient, factory: Factory
) -> None:
    """The stage manager's press is handled in this process; the screen's socket is held by the
    server process."""
    built = await stage(factory, pitches=2)
    a, _b = [(await add_slot(client, built, submission_id=s))["id"] for s in built.submissions]
    async with connect(_ws_url(live_server, built.event_id), origin=live_server.base_url) as ws:
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["state"]["now"] is None
        await asyncio.sleep(0.3)  # margin: the subscription is made before the greeting is sent
        await _act(client, built, "start", {"slot_id": a})  # in-process app
        changed = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert changed["state"]["now"]["slot"]["id"] == a


async def test_two_stage_managers_pressing_next_at_once_skip_nothing(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    built = await stage(factory)
    a, b, _c = [(await add_slot(client, built, submission_id=s))["id"] for s in built.submissions]
    await _act(client, built, "start", {"slot_id": a})
    presses = await asyncio.gather(
        *[
            client.post(
                _show(built.event_id, "next"), json={"current_slot_id": a}, headers=built.organiser.headers
            )
            for _ in range(4)
        ]
    )
    assert sorted(p.status_code for p in presses) == [200, 409, 409, 409]
    state = (await client.get(_show(built.event_id))).json()
    assert state["now"]["slot"]["id"] == b and state["done"] == 1
