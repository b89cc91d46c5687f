"""Scoring, conflicts of interest and what judges may see, through the judging API."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.factories import Factory
from tests.roadshows.judging_support import panel, score_url


async def test_score_is_saved_and_replaced(
    client: httpx.AsyncClient, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import roadshows.judging

    emitted: list[tuple[str, dict]] = []
    monkeypatch.setattr(roadshows.judging, "emit", lambda name, **payload: emitted.append((name, payload)))
    p = await panel(factory)
    url = score_url(p.round_id, p.submissions[0])
    assert (await client.get(url, headers=p.judge.headers)).status_code == 404
    first = await client.put(
        url, json={"values": p.values(8, 5), "comment": "Strong team"}, headers=p.judge.headers
    )
    assert first.status_code == 200, first.text
    assert first.json()["total"] == pytest.approx((8 * 2 + 5 * 1) / 3, abs=1e-3)
    second = await client.put(url, json={"values": p.values(2, 2)}, headers=p.judge.headers)
    assert second.json()["total"] == 2 and second.json()["comment"] == ""
    mine = await client.get(url, headers=p.judge.headers)
    assert mine.json()["values"] == p.values(2, 2)
    from roadshows.tables import Score

    assert await Score.count().where(Score.round == p.round_id) == 1
    payload = {"round_id": p.round_id, "submission_id": p.submissions[0], "judge_id": p.judge.id}
    assert emitted == [("judging.scored", payload)] * 2


async def test_concurrent_saves_leave_one_score(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await panel(factory)
    url = score_url(p.round_id, p.submissions[0])
    responses = await asyncio.gather(
        *[client.put(url, json={"values": p.values(n, n)}, headers=p.judge.headers) for n in range(1, 9)]
    )
    assert [r.status_code for r in responses] == [200] * 8
    from roadshows.tables import Score

    rows = await Score.select().where(Score.round == p.round_id)
    assert len(rows) == 1 and rows[0]["total"] in {float(n) for n in range(1, 9)}


async def test_every_criterion_within_the_scale(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await panel(factory)
    url = score_url(p.round_id, p.submissions[0])
    first, second = (str(c) for c in p.contest.criteria)
    cases = [
        ({first: 5}, {f"values.{second}"}),
        ({first: 5, second: 11}, {f"values.{second}"}),
        ({first: 0, second: 5}, {f"values.{first}"}),
        ({first: 5, second: 5, "999999": 5}, {"values.999999"}),
    ]
    for values, fields in cases:
        response = await client.put(url, json={"values": values}, headers=p.judge.headers)
        assert response.status_code == 422, values
        assert {e["field"] for e in response.json()["errors"]} == fields
    named = await client.put(url, json={"values": {first: 5}}, headers=p.judge.headers)
    assert "Criterion 2" in named.json()["errors"][0]["message"]
    long_comment = await client.put(
        url, json={"values": p.values(5, 5), "comment": "x" * 5000}, headers=p.judge.headers
    )
    assert long_comment.status_code == 422


@pytest.mark.parametrize("status", ["draft", "closed", "published"])
async def test_scoring_only_while_scoring(client: httpx.AsyncClient, factory: Factory, status: str) -> None:
    p = await panel(factory, status=status)
    response = await client.put(
        score_url(p.round_id, p.submissions[0]), json={"values": p.values(5, 5)}, headers=p.judge.headers
    )
    assert response.status_code == 409 and response.json()["code"] == "round_not_scoring"


async def test_judge_off_the_panel_gets_404(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await panel(factory)
    other = await factory.user()
    for path in ("", "/entries", f"/entries/{p.submissions[0]}/score"):
        response = await client.get(f"/api/v1/rounds/{p.round_id}{path}", headers=other.headers)
        assert response.status_code == 404, path
    put = await client.put(
        score_url(p.round_id, p.submissions[0]), json={"values": p.values(5, 5)}, headers=other.headers
    )
    assert put.status_code == 404
    conflict = await client.post(
        f"/api/v1/rounds/{p.round_id}/entries/{p.submissions[0]}/conflict", json={}, headers=other.headers
    )
    assert conflict.status_code == 404
    assert (await client.get("/api/v1/rounds", headers=other.headers)).json() == []


async def test_judge_sees_only_their_rounds_entries(client: httpx.AsyncClient, factory: Factory) -> None:
    mine = await panel(factory, entries=2)
    theirs = await panel(factory, entries=1)
    entries = await client.get(f"/api/v1/rounds/{mine.round_id}/entries", headers=mine.judge.headers)
    assert sorted(e["submission_id"] for e in entries.json()) == sorted(mine.submissions)
    assert {e["my_state"] for e in entries.json()} == {"pending"}
    assert "scores_count" not in entries.json()[0]
    other = await client.get(f"/api/v1/rounds/{theirs.round_id}/entries", headers=mine.judge.headers)
    assert other.status_code == 404
    not_entered = await client.put(
        score_url(mine.round_id, theirs.submissions[0]),
        json={"values": mine.values(5, 5)},
        headers=mine.judge.headers,
    )
    assert not_entered.status_code == 404
    rounds = (await client.get("/api/v1/rounds", headers=mine.judge.headers)).json()
    assert [(r["id"], r["scored"], r["assignable"]) for r in rounds] == [(mine.round_id, 0, 2)]


async def test_blind_round_hides_the_team(client: httpx.AsyncClient, factory: Factory) -> None:
    blind = await panel(factory, blind=True)
    entries = (
        await client.get(f"/api/v1/rounds/{blind.round_id}/entries", headers=blind.judge.headers)
    ).json()
    text = str(entries)
    assert "Project 1" in text
    for hidden in ("Teammate Tang", "Founder Fang", "team1.example.test"):
        assert hidden not in text
    organiser_view = (
        await client.get(f"/api/v1/rounds/{blind.round_id}/entries", headers=blind.organiser.headers)
    ).json()
    assert "Teammate Tang" in str(organiser_view) and organiser_view[0]["owner_name"] == "Founder Fang"
    open_round = await panel(factory, blind=False)
    seen = (
        await client.get(f"/api/v1/rounds/{open_round.round_id}/entries", headers=open_round.judge.headers)
    ).json()
    assert "Teammate Tang" in str(seen) and "Founder Fang" in str(seen)


async def test_conflict_blocks_scoring_and_removes_the_score(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    p = await panel(factory)
    url = score_url(p.round_id, p.submissions[0])
    await client.put(url, json={"values": p.values(9, 9)}, headers=p.judge.headers)
    declared = await client.post(
        f"/api/v1/rounds/{p.round_id}/entries/{p.submissions[0]}/conflict",
        json={"reason": "I advised this team"},
        headers=p.judge.headers,
    )
    assert declared.status_code == 204
    assert (await client.get(url, headers=p.judge.headers)).status_code == 404
    blocked = await client.put(url, json={"values": p.values(9, 9)}, headers=p.judge.headers)
    assert blocked.status_code == 409 and blocked.json()["code"] == "conflict_of_interest"
    from roadshows.access import has_conflict

    assert await has_conflict(p.judge.id, p.projects[0])
    entries = (await client.get(f"/api/v1/rounds/{p.round_id}/entries", headers=p.judge.headers)).json()
    states = {e["submission_id"]: e["my_state"] for e in entries}
    assert states == {p.submissions[0]: "conflict", p.submissions[1]: "pending"}
    conflicts = (
        await client.get(f"/api/v1/rounds/{p.round_id}/conflicts", headers=p.organiser.headers)
    ).json()
    assert [(c["judge_id"], c["submission_id"], c["reason"]) for c in conflicts] == [
        (p.judge.id, p.submissions[0], "I advised this team")
    ]
    judges = (await client.get(f"/api/v1/rounds/{p.round_id}/judges", headers=p.organiser.headers)).json()
    assert (judges[0]["scored"], judges[0]["assignable"], judges[0]["conflicts"]) == (0, 1, 1)


async def test_organiser_records_and_withdraws_a_conflict(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    p = await panel(factory)
    url, headers = f"/api/v1/rounds/{p.round_id}/conflicts", p.organiser.headers
    stranger = await factory.user()
    off_panel = await client.post(
        url, json={"judge_id": stranger.id, "submission_id": p.submissions[0]}, headers=headers
    )
    assert off_panel.status_code == 422
    recorded = await client.post(
        url,
        json={"judge_id": p.judge.id, "submission_id": p.submissions[1], "reason": "Investor in it"},
        headers=headers,
    )
    assert recorded.status_code == 200 and recorded.json()[0]["submission_id"] == p.submissions[1]
    blocked = await client.put(
        score_url(p.round_id, p.submissions[1]), json={"values": p.values(5, 5)}, headers=p.judge.headers
    )
    assert blocked.status_code == 409
    assert (await client.delete(f"{url}/{recorded.json()[0]['id']}", headers=headers)).status_code == 204
    allowed = await client.put(
        score_url(p.round_id, p.submissions[1]), json={"values": p.values(5, 5)}, headers=p.judge.headers
    )
    assert allowed.status_code == 200


async def test_organiser_sees_raw_scores_and_progress(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await panel(factory)
    second = await factory.user(name="Judge Er")
    from tests.roadshows.support import assign

    await assign(p.round_id, second)
    await client.put(
        score_url(p.round_id, p.submissions[0]), json={"values": p.values(6, 3)}, headers=p.judge.headers
    )
    await client.put(
        score_url(p.round_id, p.submissions[0]), json={"values": p.values(9, 9)}, headers=second.headers
    )
    scores = (await client.get(f"/api/v1/rounds/{p.round_id}/scores", headers=p.organiser.headers)).json()
    assert sorted((s["judge_name"], s["total"]) for s in scores) == [("Judge Er", 9.0), ("Judge Ju", 5.0)]
    matrix = (await client.get(f"/api/v1/rounds/{p.round_id}/progress", headers=p.organiser.headers)).json()
    assert [j["user_id"] for j in matrix["judges"]] == [p.judge.id, second.id]
    cells = {row["submission_id"]: [c["state"] for c in row["cells"]] for row in matrix["rows"]}
    assert cells == {p.submissions[0]: ["scored", "scored"], p.submissions[1]: ["pending", "pending"]}
    # A judge never sees another judge's score.
    for_judge = await client.get(f"/api/v1/rounds/{p.round_id}/scores", headers=second.headers)
    assert for_judge.status_code == 403
    round_ = (await client.get(f"/api/v1/rounds/{p.round_id}", headers=second.headers)).json()
    assert round_["scores_count"] == 1 and round_["allowed_moves"] == []


async def test_conflict_keeps_published_scores_and_removes_open_ones(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    """Scores in rounds whose results are published stay as announced; open rounds lose them."""
    from roadshows.tables import ContestRound, Score
    from tests.roadshows import support

    p = await panel(factory)
    final_id, final_criteria = await support.contest_round(p.contest.call_id, kind="final", weights=(1.0,))
    await support.enter(final_id, p.submissions[0])
    await support.assign(final_id, p.judge)
    await client.put(
        score_url(p.round_id, p.submissions[0]), json={"values": p.values(4, 4)}, headers=p.judge.headers
    )
    await ContestRound.update({ContestRound.status: "published"}).where(ContestRound.id == p.round_id)
    await client.put(
        score_url(final_id, p.submissions[0]),
        json={"values": {str(final_criteria[0]): 8}},
        headers=p.judge.headers,
    )
    declared = await client.post(
        f"/api/v1/rounds/{final_id}/entries/{p.submissions[0]}/conflict", json={}, headers=p.judge.headers
    )
    assert declared.status_code == 204
    assert await Score.exists().where((Score.round == p.round_id) & (Score.judge == p.judge.id))
    assert not await Score.exists().where((Score.round == final_id) & (Score.judge == p.judge.id))


async def test_one_score_per_judge_and_entry_is_enforced_by_the_database(factory: Factory) -> None:
    """The unique index the upsert relies on: a plain second insert fails (the race it prevents)."""
    from roadshows.tables import Score

    p = await panel(factory)
    row = {
        "round": p.round_id,
        "submission": p.submissions[0],
        "judge": p.judge.id,
        "values": {},
        "total": 1.0,
    }
    await Score(**row).save()
    with pytest.raises(Exception, match=r"(?i)unique"):
        await Score(**row).save()
