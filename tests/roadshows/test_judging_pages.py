"""The judges' phone pages: my rounds, a round's entries, scoring and conflicts, in EN and ZH."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.factories import Factory, web_login
from tests.roadshows.judging_support import panel

HTML = {"accept": "text/html"}
PHONE = {**HTML, "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"}


async def _signed_in(client: httpx.AsyncClient, user, locale: str = "en") -> str:
    token = await web_login(client, user)
    client.cookies.set("lang", locale)
    return token


async def test_judge_home_lists_my_rounds_or_an_empty_state(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    nobody = await factory.user()
    await _signed_in(client, nobody)
    empty = await client.get("/judge", headers=PHONE)
    assert empty.status_code == 200 and 'data-testid="judge-empty"' in empty.text
    p = await panel(factory)
    client.cookies.clear()
    await _signed_in(client, p.judge)
    home = await client.get("/judge", headers=PHONE)
    assert f'data-testid="judge-round-{p.round_id}"' in home.text
    assert "0 of 2 scored" in home.text
    assert 'name="viewport" content="width=device-width' in home.text


async def test_anonymous_is_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/judge", headers=HTML)
    assert response.status_code in (302, 303) and response.headers["location"].startswith("/login")


@pytest.mark.parametrize("locale", ["en", "zh"])
async def test_round_and_entry_pages_render(client: httpx.AsyncClient, factory: Factory, locale: str) -> None:
    p = await panel(factory)
    await _signed_in(client, p.judge, locale)
    round_page = await client.get(f"/judge/rounds/{p.round_id}", headers=PHONE)
    assert round_page.status_code == 200
    assert ("To score" if locale == "en" else "待评分") in round_page.text
    assert ("Project 1" if locale == "en" else "项目1") in round_page.text
    entry = await client.get(f"/judge/rounds/{p.round_id}/entries/{p.submissions[0]}", headers=PHONE)
    assert entry.status_code == 200
    for criterion in p.contest.criteria:
        assert f'data-testid="criterion-{criterion}"' in entry.text
        assert f'data-testid="criterion-{criterion}-10"' in entry.text
    assert 'data-testid="score-save"' in entry.text and 'data-testid="score-save-next"' in entry.text
    assert "Teammate Tang" in entry.text
    assert ("Declare a conflict of interest" if locale == "en" else "声明利益冲突") in entry.text
    assert f'lang="{"en" if locale == "en" else "zh-Hans"}"' in entry.text


async def test_blind_round_page_hides_the_team(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await panel(factory, blind=True)
    await _signed_in(client, p.judge)
    for path in (f"/judge/rounds/{p.round_id}", f"/judge/rounds/{p.round_id}/entries/{p.submissions[0]}"):
        page = await client.get(path, headers=PHONE)
        assert page.status_code == 200 and 'data-testid="blind-notice"' in page.text
        for hidden in ("Teammate Tang", "Founder Fang", "team1.example.test"):
            assert hidden not in page.text, (path, hidden)


async def test_scoring_through_the_form(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await panel(factory)
    token = await _signed_in(client, p.judge)
    first, second = p.contest.criteria
    url = f"/judge/rounds/{p.round_id}/entries/{p.submissions[0]}"
    invalid = await client.post(url, data={f"c{first}": "7", "_csrf_token": token}, headers=PHONE)
    assert invalid.status_code == 422 and f'data-testid="criterion-{second}-error"' in invalid.text
    assert re.search(rf'checked\s+data-testid="criterion-{first}-7"', invalid.text)
    saved = await client.post(
        url,
        data={
            f"c{first}": "7",
            f"c{second}": "4",
            "comment": "Clear plan",
            "then": "next",
            "_csrf_token": token,
        },
        headers=PHONE,
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/judge/rounds/{p.round_id}/entries/{p.submissions[1]}"
    again = await client.get(url, headers=PHONE)
    assert re.search(rf'checked\s+data-testid="criterion-{second}-4"', again.text)
    assert "Clear plan" in again.text
    round_page = await client.get(f"/judge/rounds/{p.round_id}", headers=PHONE)
    assert "1 of 2 scored" in round_page.text


async def test_declaring_a_conflict_needs_confirmation(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await panel(factory)
    token = await _signed_in(client, p.judge)
    url = f"/judge/rounds/{p.round_id}/entries/{p.submissions[0]}/conflict"
    unconfirmed = await client.post(
        url, data={"reason": "Former colleague", "_csrf_token": token}, headers=PHONE
    )
    assert unconfirmed.status_code == 422
    from roadshows.access import has_conflict

    assert not await has_conflict(p.judge.id, p.projects[0])
    confirmed = await client.post(
        url, data={"reason": "Former colleague", "confirm": "yes", "_csrf_token": token}, headers=PHONE
    )
    assert confirmed.status_code == 303 and await has_conflict(p.judge.id, p.projects[0])
    entry = await client.get(f"/judge/rounds/{p.round_id}/entries/{p.submissions[0]}", headers=PHONE)
    assert 'data-testid="conflict-notice"' in entry.text and 'data-testid="score-form"' not in entry.text
    assert 'data-testid="deck-link"' not in entry.text


async def test_pages_of_a_round_i_do_not_judge_are_404(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await panel(factory)
    other = await factory.user()
    token = await _signed_in(client, other)
    for path in (f"/judge/rounds/{p.round_id}", f"/judge/rounds/{p.round_id}/entries/{p.submissions[0]}"):
        assert (await client.get(path, headers=HTML)).status_code == 404, path
    posted = await client.post(
        f"/judge/rounds/{p.round_id}/entries/{p.submissions[0]}",
        data={"_csrf_token": token, f"c{p.contest.criteria[0]}": "5"},
        headers=HTML,
    )
    assert posted.status_code == 404
