"""Rounds of a call, their rubric, entries and panel, through the judging API."""

from __future__ import annotations

import httpx

from tests.factories import Factory
from tests.roadshows import support
from tests.roadshows.judging_support import panel, score_url

ROUND = {"kind": "preliminary", "name_en": "Preliminary", "name_zh": "初赛", "scale_min": 1, "scale_max": 10}


async def _call(factory: Factory) -> tuple[support.TestUser, int]:
    organiser, organisation_id = await factory.organiser()
    event_id = await factory.event(organisation_id, kind="contest")
    return organiser, await support.call(event_id)


async def test_rounds_go_preliminary_semi_final_final(client: httpx.AsyncClient, factory: Factory) -> None:
    organiser, call_id = await _call(factory)
    url = f"/api/v1/calls/{call_id}/rounds"
    semi = await client.post(
        url, json={**ROUND, "kind": "semi_final", "name_en": "Semi"}, headers=organiser.headers
    )
    assert semi.status_code == 201, semi.text
    assert semi.json()["status"] == "draft" and semi.json()["allowed_moves"] == ["scoring"]
    earlier = await client.post(url, json=ROUND, headers=organiser.headers)
    assert earlier.status_code == 409 and earlier.json()["code"] == "round_order"
    again = await client.post(url, json={**ROUND, "kind": "semi_final"}, headers=organiser.headers)
    assert again.status_code == 409
    final = await client.post(
        url, json={**ROUND, "kind": "final", "name_en": "Final", "blind": True}, headers=organiser.headers
    )
    assert final.status_code == 201 and final.json()["blind"] is True
    listed = await client.get(url, headers=organiser.headers)
    assert [r["kind"] for r in listed.json()] == ["semi_final", "final"]


async def test_a_call_may_start_with_the_final(client: httpx.AsyncClient, factory: Factory) -> None:
    organiser, call_id = await _call(factory)
    response = await client.post(
        f"/api/v1/calls/{call_id}/rounds", json={**ROUND, "kind": "final"}, headers=organiser.headers
    )
    assert response.status_code == 201


async def test_scale_must_be_sensible(client: httpx.AsyncClient, factory: Factory) -> None:
    organiser, call_id = await _call(factory)
    url = f"/api/v1/calls/{call_id}/rounds"
    for scale in ({"scale_min": 5, "scale_max": 5}, {"scale_min": 0, "scale_max": 101}, {"scale_min": -1}):
        response = await client.post(url, json={**ROUND, **scale}, headers=organiser.headers)
        assert response.status_code == 422, (scale, response.text)
    ok = await client.post(url, json={**ROUND, "scale_min": 0, "scale_max": 100}, headers=organiser.headers)
    assert ok.status_code == 201
    bad_update = await client.patch(
        f"/api/v1/rounds/{ok.json()['id']}", json={"scale_min": 100}, headers=organiser.headers
    )
    assert bad_update.status_code == 422 and bad_update.json()["errors"][0]["field"] == "scale_max"


async def test_status_moves_and_their_rules(client: httpx.AsyncClient, factory: Factory) -> None:
    organiser, call_id = await _call(factory)
    created = await client.post(f"/api/v1/calls/{call_id}/rounds", json=ROUND, headers=organiser.headers)
    round_id = created.json()["id"]
    move = f"/api/v1/rounds/{round_id}/status"
    closed = await client.post(move, json={"status": "closed"}, headers=organiser.headers)
    assert closed.status_code == 409 and closed.json()["allowed"] == ["scoring"]
    no_rubric = await client.post(move, json={"status": "scoring"}, headers=organiser.headers)
    assert no_rubric.status_code == 409 and no_rubric.json()["code"] == "no_rubric"
    criterion = await client.post(
        f"/api/v1/rounds/{round_id}/criteria",
        json={"name_en": "Team", "weight": 2},
        headers=organiser.headers,
    )
    assert criterion.status_code == 201
    for target, expected in (("scoring", "scoring"), ("closed", "closed"), ("scoring", "scoring")):
        response = await client.post(move, json={"status": target}, headers=organiser.headers)
        assert response.status_code == 200 and response.json()["status"] == expected
    published = await client.post(move, json={"status": "published"}, headers=organiser.headers)
    assert published.status_code == 422  # publication belongs to the results


async def test_published_round_cannot_move(client: httpx.AsyncClient, factory: Factory) -> None:
    contest = await support.contest(factory)
    from roadshows.tables import ContestRound

    await ContestRound.update({ContestRound.status: "published"}).where(ContestRound.id == contest.round_id)
    response = await client.post(
        f"/api/v1/rounds/{contest.round_id}/status",
        json={"status": "scoring"},
        headers=contest.organiser.headers,
    )
    assert response.status_code == 409 and response.json()["allowed"] == []


async def test_rubric_crud_and_reorder(client: httpx.AsyncClient, factory: Factory) -> None:
    contest = await support.contest(factory)
    headers, base = contest.organiser.headers, f"/api/v1/rounds/{contest.round_id}/criteria"
    added = await client.post(
        base,
        json={"name_en": "Market", "name_zh": "市场", "description_en": "Size", "weight": 0.5},
        headers=headers,
    )
    assert added.status_code == 201 and added.json()["position"] == 2
    zero = await client.post(base, json={"name_en": "Zero", "weight": 0}, headers=headers)
    assert zero.status_code == 422
    new_id = added.json()["id"]
    changed = await client.patch(f"{base}/{new_id}", json={"weight": 3}, headers=headers)
    assert changed.json()["weight"] == 3
    order = [new_id, *contest.criteria]
    reordered = await client.put(f"{base}/order", json={"criterion_ids": order}, headers=headers)
    assert [c["id"] for c in reordered.json()] == order
    partial = await client.put(f"{base}/order", json={"criterion_ids": order[:1]}, headers=headers)
    assert partial.status_code == 422
    assert (await client.delete(f"{base}/{new_id}", headers=headers)).status_code == 204
    round_ = await client.get(f"/api/v1/rounds/{contest.round_id}", headers=headers)
    assert [c["id"] for c in round_.json()["criteria"]] == contest.criteria


async def test_rubric_locks_once_scored(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await panel(factory)
    saved = await client.put(
        score_url(p.round_id, p.submissions[0]), json={"values": p.values(5, 6)}, headers=p.judge.headers
    )
    assert saved.status_code == 200, saved.text
    headers, base = p.organiser.headers, f"/api/v1/rounds/{p.round_id}/criteria"
    attempts = [
        await client.post(base, json={"name_en": "Late"}, headers=headers),
        await client.patch(f"{base}/{p.contest.criteria[0]}", json={"weight": 9}, headers=headers),
        await client.delete(f"{base}/{p.contest.criteria[0]}", headers=headers),
        await client.patch(f"/api/v1/rounds/{p.round_id}", json={"scale_max": 20}, headers=headers),
    ]
    assert [(a.status_code, a.json()["code"]) for a in attempts] == [(409, "rubric_locked")] * 4
    renamed = await client.patch(f"/api/v1/rounds/{p.round_id}", json={"name_en": "Heats"}, headers=headers)
    assert renamed.status_code == 200 and renamed.json()["name_en"] == "Heats"


async def test_entries_of_the_same_call_only(client: httpx.AsyncClient, factory: Factory) -> None:
    contest = await support.contest(factory)
    owner = await factory.user(entrepreneur=True)
    mine = [
        await support.submission(contest.call_id, await support.project(owner), status=s)
        for s in ("shortlisted", "shortlisted", "rejected")
    ]
    other_call = await support.call(contest.event_id)
    foreign = await support.submission(other_call, await support.project(owner))
    url, headers = f"/api/v1/rounds/{contest.round_id}/entries", contest.organiser.headers
    refused = await client.post(url, json={"submission_ids": [mine[0], foreign]}, headers=headers)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "submission_ids"
    both = await client.post(
        url, json={"submission_ids": [mine[0]], "all_with_status": "shortlisted"}, headers=headers
    )
    assert both.status_code == 422
    by_status = await client.post(url, json={"all_with_status": "shortlisted"}, headers=headers)
    assert by_status.status_code == 200
    assert sorted(e["submission_id"] for e in by_status.json()) == sorted(mine[:2])
    again = await client.post(url, json={"submission_ids": [mine[0], mine[2]]}, headers=headers)
    assert sorted(e["submission_id"] for e in again.json()) == sorted(mine)
    assert (await client.delete(f"{url}/{mine[2]}", headers=headers)).status_code == 204
    assert (await client.delete(f"{url}/{mine[2]}", headers=headers)).status_code == 404


async def test_scored_entry_cannot_be_removed(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await panel(factory)
    await client.put(
        score_url(p.round_id, p.submissions[0]), json={"values": p.values(5, 6)}, headers=p.judge.headers
    )
    response = await client.delete(
        f"/api/v1/rounds/{p.round_id}/entries/{p.submissions[0]}", headers=p.organiser.headers
    )
    assert response.status_code == 409 and response.json()["code"] == "entry_scored"


async def test_panel_add_list_remove(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await panel(factory, entries=3)
    url, headers = f"/api/v1/rounds/{p.round_id}/judges", p.organiser.headers
    second = await factory.user(name="Judge Er")
    by_email = await client.post(url, json={"email": second.email}, headers=headers)
    assert by_email.status_code == 200
    assert [j["user_id"] for j in by_email.json()] == [p.judge.id, second.id]
    third = await factory.user()
    by_id = await client.post(url, json={"user_id": third.id}, headers=headers)
    assert len(by_id.json()) == 3
    twice = await client.post(url, json={"user_id": third.id}, headers=headers)
    assert len(twice.json()) == 3
    unknown = await client.post(url, json={"email": "nobody@example.test"}, headers=headers)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "email"
    await client.put(
        score_url(p.round_id, p.submissions[0]), json={"values": p.values(5, 6)}, headers=p.judge.headers
    )
    progress = {j["user_id"]: j for j in (await client.get(url, headers=headers)).json()}
    assert (progress[p.judge.id]["scored"], progress[p.judge.id]["assignable"]) == (1, 3)
    assert (progress[second.id]["scored"], progress[second.id]["assignable"]) == (0, 3)
    assert (await client.delete(f"{url}/{third.id}", headers=headers)).status_code == 204
    busy = await client.delete(f"{url}/{p.judge.id}", headers=headers)
    assert busy.status_code == 409 and busy.json()["code"] == "judge_has_scores"
    assert (await client.delete(f"{url}/{third.id}", headers=headers)).status_code == 404


async def test_another_organiser_sees_nothing(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await panel(factory)
    stranger, _org = await factory.organiser()
    for path in ("", "/judges", "/scores", "/progress", "/conflicts", "/entries"):
        response = await client.get(f"/api/v1/rounds/{p.round_id}{path}", headers=stranger.headers)
        assert response.status_code == 404, path
    rounds = await client.get(f"/api/v1/calls/{p.contest.call_id}/rounds", headers=stranger.headers)
    assert rounds.status_code == 404
