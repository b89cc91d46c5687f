"""Investors and entrepreneurs (even the team of an entered project) see no judging data:
every judging route answers them 403 or 404, and "my rounds" is empty."""

from __future__ import annotations

import re

import httpx
import pytest
from litestar import Litestar

from tests.factories import Factory, TestUser, web_login
from tests.roadshows.judging_support import Panel, investor, panel

MODULES = ("roadshows.judging_controllers", "roadshows.judge_pages", "roadshows.round_pages")
EMPTY_FOR_EVERYONE = {"/api/v1/rounds", "/judge"}  # my own rounds: empty, not refused


def judging_routes(app: Litestar) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if getattr(handler.fn, "__module__", "") in MODULES:
                found += [
                    (method, route.path) for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"})
                ]
    return found


def concrete(path: str, p: Panel) -> str:
    ids = {
        "call_id": p.contest.call_id,
        "round_id": p.round_id,
        "submission_id": p.submissions[0],
        "criterion_id": p.contest.criteria[0],
        "user_id": p.judge.id,
        "conflict_id": 1,
        "target": "closed",
        "verb": "up",
    }
    return re.sub(r"\{(\w+):\w+\}", lambda m: str(ids[m.group(1)]), path)


def body(path: str, p: Panel) -> dict:
    if path.endswith("/score"):
        return {"values": p.values(5, 5)}
    if path.endswith("/conflict"):
        return {"reason": "none"}
    return {}


@pytest.mark.parametrize("role", ["investor", "entrepreneur"])
async def test_no_judging_data_for_investors_and_entrepreneurs(
    app: Litestar, client: httpx.AsyncClient, factory: Factory, role: str
) -> None:
    p = await panel(factory)
    user: TestUser = await investor(factory) if role == "investor" else p.owner
    routes = judging_routes(app)
    assert len(routes) > 40
    token = await web_login(client, user)
    checked = []
    for method, path in routes:
        url = concrete(path, p)
        if path in EMPTY_FOR_EVERYONE:
            continue
        if path.startswith("/api/"):
            response = await client.request(
                method, url, json=body(path, p) if method != "GET" else None, headers=user.headers
            )
        elif method == "GET":
            response = await client.get(url, headers={"accept": "text/html"})
        else:
            response = await client.post(
                url, data={"_csrf_token": token, "email": user.email}, headers={"accept": "text/html"}
            )
        assert response.status_code in (403, 404), f"{method} {path}: {response.status_code}"
        checked.append(f"{method} {path} {response.status_code}")
    assert (await client.get("/api/v1/rounds", headers=user.headers)).json() == []
    home = await client.get("/judge", headers={"accept": "text/html"})
    assert home.status_code == 200 and 'data-testid="judge-empty"' in home.text
    from roadshows.tables import Score

    assert not await Score.exists().where(Score.judge == user.id)
    assert len(checked) > 40, checked
