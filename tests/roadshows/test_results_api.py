"""Advancement, publication and public results through the API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from roadshows import results
from tests.factories import Factory
from tests.roadshows import results_support as rs
from tests.roadshows import support


def advance_url(round_id: int) -> str:
    return f"/api/v1/rounds/{round_id}/advance"


def publish_url(round_id: int) -> str:
    return f"/api/v1/rounds/{round_id}/publish"


async def test_advance_only_from_a_closed_round_with_a_next_round(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    board = await rs.board(factory)
    headers = board.organiser.headers
    response = await client.post(advance_url(board.round_id), json={"top": 2}, headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "round_not_closed"

    await rs.set_status(board.round_id, "closed")
    response = await client.post(advance_url(board.round_id), json={"top": 2}, headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "no_next_round"
    assert not any(e["advanced"] for e in (await rs.entries_of(board.round_id)).values())


async def test_advance_top_n_into_the_next_round_idempotently(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    board = await rs.board(factory, status="closed")
    # The final is added before the semi-final: order is by kind, not by creation.
    final_id, _ = await support.contest_round(board.contest.call_id, kind="final", status="draft")
    semi_id, _ = await support.contest_round(board.contest.call_id, kind="semi_final", status="draft")
    headers = board.organiser.headers

    response = await client.post(advance_url(board.round_id), json={"top": 2}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next_round_id"] == semi_id
    assert body["advanced"] == [board.a, board.c]  # by normalised score, not raw mean (D, C)
    assert body["added"] == [board.a, board.c] and body["tied_at_cutoff"] == []
    assert body["cutoff_rank"] == 2
    assert set(await rs.entries_of(semi_id)) == {board.a, board.c}
    assert await rs.entries_of(final_id) == {}
    flags = {sid: e["advanced"] for sid, e in (await rs.entries_of(board.round_id)).items()}
    assert flags == {board.a: True, board.b: False, board.c: True, board.d: False}

    again = await client.post(advance_url(board.round_id), json={"top": 2}, headers=headers)
    assert again.status_code == 200 and again.json()["added"] == []
    assert len(await rs.entries_of(semi_id)) == 2


async def test_advance_hand_picked_entries(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory, status="closed")
    semi_id, _ = await support.contest_round(board.contest.call_id, kind="semi_final", status="draft")
    headers = board.organiser.headers
    response = await client.post(
        advance_url(board.round_id), json={"submission_ids": [board.d, board.b, board.d]}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["advanced"] == [board.d, board.b]
    assert set(await rs.entries_of(semi_id)) == {board.d, board.b}

    other = await rs.board(factory, status="closed")
    response = await client.post(
        advance_url(board.round_id), json={"submission_ids": [other.a]}, headers=headers
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "submission_ids"
    assert other.a not in await rs.entries_of(semi_id)

    for bad in ({"top": 1, "submission_ids": [board.a]}, {}, {"top": 0}, {"submission_ids": []}):
        response = await client.post(advance_url(board.round_id), json=bad, headers=headers)
        assert response.status_code == 422, bad


async def test_ties_at_the_cut_off_all_advance(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory, scored=False, status="closed")
    semi_id, _ = await support.contest_round(board.contest.call_id, kind="semi_final", status="draft")
    criteria = board.contest.criteria
    third = await factory.user(name="Judge Third")
    fourth = await factory.user(name="Judge Fourth")
    await support.assign(board.round_id, third, fourth)
    # One score per judge: every z is 0, so the means decide. B and C share second place.
    for sid, judge, value in (
        (board.a, board.harsh, 9),
        (board.b, third, 7),
        (board.c, board.lenient, 7),
        (board.d, fourth, 5),
    ):
        await rs.score(board.round_id, sid, judge, criteria, value, value)

    response = await client.post(
        advance_url(board.round_id), json={"top": 2}, headers=board.organiser.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert sorted(body["advanced"]) == sorted([board.a, board.b, board.c])
    assert sorted(body["tied_at_cutoff"]) == sorted([board.b, board.c])
    assert body["cutoff_rank"] == 2
    assert len(await rs.entries_of(semi_id)) == 3


async def test_publish_freezes_the_ranking(
    client: httpx.AsyncClient, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    emitted: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(results, "emit", lambda name, **payload: emitted.append((name, payload)))
    board = await rs.board(factory)
    headers = board.organiser.headers
    response = await client.post(publish_url(board.round_id), headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "round_not_closed"
    assert emitted == []

    await rs.set_status(board.round_id, "closed")
    response = await client.post(publish_url(board.round_id), headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "published" and response.json()["ranked"] == 4
    assert emitted == [("round.published", {"round_id": board.round_id})]
    entries = await rs.entries_of(board.round_id)
    assert [entries[s]["rank"] for s in (board.a, board.c, board.d, board.b)] == [1, 2, 3, 4]
    assert entries[board.d]["final_score"] == pytest.approx(6.0)

    # The lenient judge's mind changes afterwards: B would now come first, but not any more.
    await rs.set_total(board.round_id, board.b, board.lenient, board.contest.criteria, 10)
    await rs.set_total(board.round_id, board.c, board.lenient, board.contest.criteria, 1)
    ranking = (await client.get(f"/api/v1/rounds/{board.round_id}/ranking", headers=headers)).json()
    assert ranking["published"] is True
    assert [r["submission_id"] for r in ranking["rows"]] == [board.a, board.c, board.d, board.b]
    assert [r["rank"] for r in ranking["rows"]] == [1, 2, 3, 4]
    public = (await client.get(f"/api/v1/events/{board.contest.event_id}/results")).json()
    assert [e["project_name_en"] for e in public["rounds"][0]["entries"]] == [
        "Aurora Bio",
        "Cobalt Energy",
        "Delta Farms",
        "Beacon AI",
    ]

    again = await client.post(publish_url(board.round_id), headers=headers)
    assert again.status_code == 409 and again.json()["code"] == "already_published"


async def test_public_results_show_published_rounds_without_judge_data(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    board = await rs.board(factory, status="closed")
    event_id = board.contest.event_id
    empty = await client.get(f"/api/v1/events/{event_id}/results")
    assert empty.status_code == 200 and empty.json() == {"event_id": event_id, "rounds": []}

    from roadshows.tables import Submission

    await Submission.update({Submission.award_en: "Gold award", Submission.award_zh: "金奖"}).where(
        Submission.id == board.a
    )
    # A later round, closed but not published, stays hidden.
    semi_id, _ = await support.contest_round(board.contest.call_id, kind="semi_final", status="closed")
    await support.enter(semi_id, board.a)
    assert (
        await client.post(publish_url(board.round_id), headers=board.organiser.headers)
    ).status_code == 200

    response = await client.get(f"/api/v1/events/{event_id}/results")
    assert response.status_code == 200
    body = response.json()
    assert [r["round_id"] for r in body["rounds"]] == [board.round_id]
    first = body["rounds"][0]["entries"][0]
    assert first == {
        "rank": 1,
        "project_id": board.projects[0],
        "project_name_en": "Aurora Bio",
        "project_name_zh": "极光生物",
        "final_score": pytest.approx(first["final_score"]),
        "award_en": "Gold award",
        "award_zh": "金奖",
        "advanced": False,
    }
    text = response.text
    for secret in ("Judge Harsh", "Judge Lenient", "judge", "mean", "median", "Founder 1", "normalised"):
        assert secret not in text, secret


async def test_public_results_of_a_draft_event_are_not_found(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    organiser, organisation_id = await factory.organiser()
    event_id = await factory.event(organisation_id, kind="contest", status="draft")
    assert (await client.get(f"/api/v1/events/{event_id}/results")).status_code == 404
    assert (await client.get("/api/v1/events/999999999/results")).status_code == 404
    # Its organisers may preview it.
    assert (
        await client.get(f"/api/v1/events/{event_id}/results", headers=organiser.headers)
    ).status_code == 200


async def test_only_the_events_organisers_reach_results(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory, status="closed")
    await support.contest_round(board.contest.call_id, kind="semi_final", status="draft")
    other_organiser, _ = await factory.organiser()
    outsiders = [board.harsh, board.owners[0], await rs.investor(factory), other_organiser]
    rid = board.round_id
    calls = [
        ("GET", f"/api/v1/rounds/{rid}/ranking", None),
        ("POST", advance_url(rid), {"top": 1}),
        ("POST", publish_url(rid), None),
        ("GET", f"/api/v1/rounds/{rid}/results.csv", None),
        ("GET", f"/api/v1/rounds/{rid}/results.xlsx", None),
    ]
    for user in outsiders:
        for method, url, body in calls:
            response = await client.request(method, url, json=body, headers=user.headers)
            assert response.status_code == 404, (user.display_name, method, url, response.status_code)
    for method, url, body in calls:
        assert (await client.request(method, url, json=body)).status_code == 401, url
    entries = await rs.entries_of(rid)
    assert not any(e["advanced"] or e["rank"] for e in entries.values())


async def test_advance_after_publication_but_not_into_a_finished_round(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    board = await rs.board(factory, status="closed")
    semi_id, _ = await support.contest_round(board.contest.call_id, kind="semi_final", status="closed")
    headers = board.organiser.headers
    response = await client.post(advance_url(board.round_id), json={"top": 1}, headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "next_round_closed"
    assert await rs.entries_of(semi_id) == {}

    await rs.set_status(semi_id, "draft")
    assert (await client.post(publish_url(board.round_id), headers=headers)).status_code == 200
    response = await client.post(advance_url(board.round_id), json={"top": 1}, headers=headers)
    assert response.status_code == 200 and response.json()["advanced"] == [board.a]


async def test_top_n_needs_scores(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory, scored=False, status="closed")
    await support.contest_round(board.contest.call_id, kind="final", status="draft")
    response = await client.post(
        advance_url(board.round_id), json={"top": 2}, headers=board.organiser.headers
    )
    assert response.status_code == 409 and response.json()["code"] == "no_ranked_entries"
