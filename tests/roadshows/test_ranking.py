"""A round's ranking computed from the database (``roadshows.ranking.round_ranking``)."""

from __future__ import annotations

import math

import httpx
import pytest

from app.errors import NotFound
from roadshows.ranking import round_ranking
from tests.factories import Factory
from tests.roadshows import results_support as rs
from tests.roadshows import support

Z = math.sqrt(1.5)


async def test_ranking_normalises_per_judge(factory: Factory) -> None:
    board = await rs.board(factory)
    ranking = await round_ranking(board.round_id)

    assert [r.submission_id for r in ranking.rows] == [board.a, board.c, board.d, board.b]
    assert [r.rank for r in ranking.rows] == [1, 2, 3, 4]
    rows = {r.submission_id: r for r in ranking.rows}
    assert rows[board.a].normalised == pytest.approx(Z)
    assert rows[board.c].normalised == pytest.approx(Z / 2)
    assert rows[board.d].mean == 8.0 and rows[board.d].normalised == pytest.approx(0.0)
    assert [rows[s].judges_count for s in board.submissions] == [1, 2, 2, 1]
    assert [rows[s].incomplete for s in board.submissions] == [True, False, False, True]
    assert rows[board.c].median == 6.5
    assert rows[board.a].normalised_on_scale == pytest.approx(6 + Z * math.sqrt(28 / 6))
    assert rows[board.a].project_name_en == "Aurora Bio" and rows[board.a].project_name_zh == "极光生物"
    assert rows[board.a].team_name == "Founder 1"
    assert rows[board.a].project_id == board.projects[0]
    assert ranking.panel_size == 2 and ranking.scores_count == 6
    assert [c.weight for c in ranking.criteria] == [2.0, 1.0]
    assert ranking.status == "scoring" and not ranking.published and not ranking.blind
    assert sum(b.count for b in ranking.distribution) == 6
    assert {b.label: b.count for b in ranking.distribution}["8"] == 1


async def test_only_standing_scores_count(factory: Factory) -> None:
    board = await rs.board(factory)
    criteria = board.contest.criteria
    # The harsh judge declared a conflict with D: a score they left anyway does not count.
    await rs.score(board.round_id, board.d, board.harsh, criteria, 1, 1)
    # Someone off the panel cannot score either.
    outsider = await factory.user(name="Not On Panel")
    await rs.score(board.round_id, board.b, outsider, criteria, 10, 10)
    ranking = await round_ranking(board.round_id)
    rows = {r.submission_id: r for r in ranking.rows}
    assert rows[board.d].judges_count == 1 and rows[board.d].mean == 8.0
    assert rows[board.b].judges_count == 2 and rows[board.b].mean == 5.0
    assert ranking.scores_count == 6


async def test_totals_follow_the_current_rubric(factory: Factory) -> None:
    contest = await support.contest(factory)
    owner = await factory.user(entrepreneur=True)
    judge = await factory.user()
    sid = await support.submission(contest.call_id, await support.project(owner))
    await support.enter(contest.round_id, sid)
    await support.assign(contest.round_id, judge)
    await rs.score(contest.round_id, sid, judge, contest.criteria, 9, 3)  # (2*9 + 3) / 3 = 7
    assert (await round_ranking(contest.round_id)).rows[0].mean == pytest.approx(7.0)
    from roadshows.tables import Criterion

    await Criterion.update({Criterion.weight: 1.0}).where(Criterion.id == contest.criteria[0])
    assert (await round_ranking(contest.round_id)).rows[0].mean == pytest.approx(6.0)


async def test_empty_round_and_missing_round(factory: Factory) -> None:
    board = await rs.board(factory, scored=False)
    ranking = await round_ranking(board.round_id)
    assert ranking.scores_count == 0
    assert all(r.rank is None and r.judges_count == 0 and r.incomplete for r in ranking.rows)
    assert len(ranking.rows) == 4
    with pytest.raises(NotFound):
        await round_ranking(999_999_999)


async def test_ranking_api_for_organisers(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory)
    response = await client.get(f"/api/v1/rounds/{board.round_id}/ranking", headers=board.organiser.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [r["submission_id"] for r in body["rows"]] == [board.a, board.c, board.d, board.b]
    assert body["rows"][0]["rank"] == 1 and body["panel_size"] == 2
    assert (
        await client.get("/api/v1/rounds/999999999/ranking", headers=board.organiser.headers)
    ).status_code == 404
