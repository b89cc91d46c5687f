"""The live leaderboard socket: who may watch, the ranking on connect, an update after a score
(through the judging API, and straight from the table plus the event), coalescing, blind rounds."""

from __future__ import annotations

import asyncio
import itertools

import httpx
from litestar import Litestar

from app.accounts.tables import Institution, InstitutionMember
from tests.checkin.asgi_socket import AsgiSocket
from tests.factories import Factory, TestUser, unique
from tests.roadshows import support
from tests.roadshows.show_support import ORIGIN, board, score, signed_in_headers


def _path(round_id: int) -> str:
    return f"/ws/rounds/{round_id}/leaderboard"


async def _open(
    app: Litestar, round_id: int, user: TestUser | None, origin: str = ORIGIN
) -> tuple[AsgiSocket, dict]:
    headers = {"origin": origin}
    if user is not None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ORIGIN) as web:
            headers = {**await signed_in_headers(web, user), "origin": origin}
    socket = AsgiSocket(app, _path(round_id), headers)
    return socket, await socket.connect()


async def _investor(factory: Factory) -> TestUser:
    user = await factory.user()
    institution = Institution(slug=unique("fund"), name_en="Fund")
    await institution.save()
    await InstitutionMember(institution=institution.id, user=user.id).save()
    return user


async def test_only_organisers_and_the_panel_may_watch(app: Litestar, factory: Factory) -> None:
    built = await board(factory)
    round_id = built.contest.round_id
    other = await board(factory)
    outsiders = {
        "investor": await _investor(factory),
        "entrepreneur": await factory.user(entrepreneur=True),
        "judge of another round": other.judges[0],
        "another organiser": other.contest.organiser,
    }
    for who, user in outsiders.items():
        socket, first = await _open(app, round_id, user)
        assert (first["type"], first.get("code")) == ("websocket.close", 4404), who
    socket, first = await _open(app, round_id, None)
    assert first["type"] == "websocket.close", "anonymous"
    socket, first = await _open(app, round_id, built.contest.organiser, origin="https://evil.example")
    assert (first["type"], first["code"]) == ("websocket.close", 4403)
    for user in (built.contest.organiser, built.judges[1]):
        socket, first = await _open(app, round_id, user)
        assert first["type"] == "websocket.accept"
        greeting = await socket.receive_json()
        assert greeting["type"] == "ranking"
        view = greeting["leaderboard"]
        assert view["round_id"] == round_id and view["panel_size"] == 2 and view["scores_count"] == 0
        assert sorted(r["project_name_en"] for r in view["rows"]) == built.names
        assert all(r["rank"] is None and r["judges_count"] == 0 for r in view["rows"])
        await socket.disconnect()


async def test_a_score_saved_through_the_judging_api_reaches_the_screen(
    app: Litestar, client: httpx.AsyncClient, factory: Factory
) -> None:
    built = await board(factory)
    round_id = built.contest.round_id
    socket, first = await _open(app, round_id, built.contest.organiser)
    assert first["type"] == "websocket.accept"
    assert (await socket.receive_json())["leaderboard"]["scores_count"] == 0
    judge = built.judges[0]
    response = await client.put(
        f"/api/v1/rounds/{round_id}/entries/{built.submissions[1]}/score",
        json={"values": {str(c): 9 for c in built.contest.criteria}},
        headers=judge.headers,
    )
    assert response.status_code == 200, response.text
    update = (await socket.receive_json())["leaderboard"]
    assert update["scores_count"] == 1
    top = update["rows"][0]
    assert (top["submission_id"], top["rank"], top["judges_count"]) == (built.submissions[1], 1, 1)
    assert top["project_name_en"] == "Entry 2" and top["team_name"] == "Team lead 2"
    assert top["score"] is not None and top["mean"] == 9
    await socket.disconnect()


async def test_scores_in_a_burst_are_coalesced(app: Litestar, factory: Factory) -> None:
    """Six scores inside a second: every one is counted, in at most three messages 0.5 s apart."""
    built = await board(factory)
    socket, _ = await _open(app, built.contest.round_id, built.judges[0])
    assert (await socket.receive_json())["leaderboard"]["scores_count"] == 0
    values = itertools.count(5)
    for judge in built.judges:
        for submission_id in built.submissions:
            await score(built, judge, submission_id, next(values))
            await asyncio.sleep(0.12)
    received = []
    while not received or received[-1]["scores_count"] < 6:
        received.append((await socket.receive_json(within=5.0))["leaderboard"])
    assert 2 <= len(received) <= 3, [r["scores_count"] for r in received]
    gaps = [b - a for a, b in itertools.pairwise(socket.sent_at[-len(received) :])]
    assert all(gap >= 0.45 for gap in gaps), gaps
    final = received[-1]
    assert [r["rank"] for r in final["rows"]] == [1, 2, 3]
    assert [r["submission_id"] for r in final["rows"]] == built.submissions[::-1]  # highest values last
    assert all(r["judges_count"] == 2 for r in final["rows"])
    await socket.disconnect()


async def test_blind_rounds_never_send_team_names(app: Litestar, factory: Factory) -> None:
    built = await board(factory, blind=True)
    socket, _ = await _open(app, built.contest.round_id, built.contest.organiser)
    greeting = await socket.receive_json()
    assert greeting["leaderboard"]["blind"] is True
    await score(built, built.judges[0], built.submissions[0], 8)
    update = await socket.receive_json()
    rows = update["leaderboard"]["rows"]
    assert rows[0]["project_name_en"] == "Entry 1"
    assert all(r["team_name"] == "" for r in rows + greeting["leaderboard"]["rows"])
    assert "Team lead" not in str(update) and "Team lead" not in str(greeting)
    await socket.disconnect()


async def test_no_round_no_socket(app: Litestar, factory: Factory) -> None:
    contest = await support.contest(factory)
    _socket, first = await _open(app, 999_999_999, contest.organiser)
    assert (first["type"], first["code"]) == ("websocket.close", 4404)
