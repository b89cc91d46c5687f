"""The organiser's results page of a round and an event's public results page."""

from __future__ import annotations

import json
import re

import httpx

from tests.factories import Factory, web_login
from tests.roadshows import results_support as rs
from tests.roadshows import support

HTML = {"accept": "text/html"}


def page_url(round_id: int) -> str:
    return f"/dashboard/rounds/{round_id}/results"


async def test_empty_state_before_anybody_scores(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory, scored=False)
    await web_login(client, board.organiser)
    response = await client.get(page_url(board.round_id), headers=HTML)
    assert response.status_code == 200, response.text
    assert 'data-testid="no-scores"' in response.text
    assert 'data-testid="score-chart"' not in response.text
    assert 'data-testid="no-next-round"' in response.text
    assert 'data-testid="publish-not-yet"' in response.text


async def test_ranking_chart_and_exports_on_the_page(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory)
    await support.contest_round(board.contest.call_id, kind="semi_final", status="draft")
    await web_login(client, board.organiser)
    response = await client.get(page_url(board.round_id), headers=HTML)
    assert response.status_code == 200
    text = response.text
    order = [int(m) for m in re.findall(r'data-testid="ranking-row" data-submission-id="(\d+)"', text)]
    assert order == [board.a, board.c, board.d, board.b]
    assert "Aurora Bio" in text and "Founder 1" in text
    config = json.loads(re.search(r'id="score-chart-config">(.*?)</script>', text, re.S).group(1))
    assert config["labels"][0] == "1" and sum(config["counts"]) == 6
    assert "/static/js/roadshows/score_chart.js" in text
    assert f"/api/v1/rounds/{board.round_id}/results.xlsx" in text
    assert 'data-testid="advance-not-yet"' in text  # still scoring


async def test_advance_and_publish_through_the_forms(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory, status="closed")
    semi_id, _ = await support.contest_round(board.contest.call_id, kind="semi_final", status="draft")
    csrf = await web_login(client, board.organiser)
    url = page_url(board.round_id)

    page = await client.get(url, headers=HTML)
    assert 'data-testid="advance-top-form"' in page.text and "data-confirm=" in page.text

    bad = await client.post(
        f"{url}/advance", data={"mode": "top", "top": "none", "_csrf_token": csrf}, headers=HTML
    )
    assert bad.status_code == 422 and "field-error" in bad.text
    none_ticked = await client.post(
        f"{url}/advance", data={"mode": "pick", "_csrf_token": csrf}, headers=HTML
    )
    assert none_ticked.status_code == 422
    assert await rs.entries_of(semi_id) == {}

    done = await client.post(f"{url}/advance", data={"mode": "top", "top": "1", "_csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"].startswith(url)
    assert set(await rs.entries_of(semi_id)) == {board.a}
    after = await client.get(url, headers=HTML)
    assert 'data-testid="flash"' in after.text and "Entries advanced" in after.text

    picked = await client.post(
        f"{url}/advance", data={"mode": "pick", "submission_ids": [str(board.d)], "_csrf_token": csrf}
    )
    assert picked.status_code == 303
    assert set(await rs.entries_of(semi_id)) == {board.a, board.d}

    published = await client.post(f"{url}/publish", data={"_csrf_token": csrf})
    assert published.status_code == 303
    assert (await rs.entries_of(board.round_id))[board.a]["rank"] == 1
    page = await client.get(url, headers=HTML)
    assert 'data-testid="published-note"' in page.text

    again = await client.post(f"{url}/publish", data={"_csrf_token": csrf})
    assert again.status_code == 303
    assert "already published" in (await client.get(url, headers=HTML)).text


async def test_forms_need_csrf(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory, status="closed")
    await web_login(client, board.organiser)
    response = await client.post(f"{page_url(board.round_id)}/publish", data={})
    assert response.status_code == 403
    assert (await rs.entries_of(board.round_id))[board.a]["rank"] is None


async def test_other_people_get_not_found(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory, status="closed")
    other_organiser, _ = await factory.organiser()
    for user in (board.harsh, board.owners[0], other_organiser):
        async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as own:
            csrf = await web_login(own, user)
            assert (await own.get(page_url(board.round_id), headers=HTML)).status_code == 404
            response = await own.post(f"{page_url(board.round_id)}/publish", data={"_csrf_token": csrf})
            assert response.status_code == 404
    assert (await rs.entries_of(board.round_id))[board.a]["rank"] is None


async def test_public_results_page(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory, status="closed")
    url = f"/events/{board.contest.event_id}/results"
    empty = await client.get(url, headers=HTML)
    assert empty.status_code == 200 and 'data-testid="no-results"' in empty.text
    assert "Aurora Bio" not in empty.text

    await client.post(f"/api/v1/rounds/{board.round_id}/publish", headers=board.organiser.headers)
    response = await client.get(url, headers=HTML)
    assert response.status_code == 200
    assert len(re.findall('data-testid="results-row"', response.text)) == 4
    assert response.text.index("Aurora Bio") < response.text.index("Beacon AI")
    for secret in ("Judge Harsh", "Judge Lenient", "Founder 1"):
        assert secret not in response.text

    chinese = await client.get(url, headers=HTML, cookies={"lang": "zh"})
    assert "极光生物" in chinese.text, chinese.text[-3000:]
    assert "比赛成绩" in chinese.text and "最终得分" in chinese.text
