"""Investors' own tools: following projects (the watchlist) and private notes."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx

from tests.factories import Factory, csrf_token, web_login
from tests.roadshows import investors_support as inv


async def test_follow_unfollow_and_watchlist(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    first = await inv.listed_project(owner, "full_subscribers", name_en="Lake Sensor")
    second = await inv.listed_project(owner, "teaser_public", name_en="Grid Battery")
    found = await inv.investor(factory)
    headers = found.user.headers

    empty = await client.get("/api/v1/databank/watchlist", headers=headers)
    assert empty.status_code == 200 and empty.json() == []

    followed = await asyncio.gather(
        client.put(f"/api/v1/databank/projects/{first}/follow", headers=headers),
        client.put(f"/api/v1/databank/projects/{first}/follow", headers=headers),
    )
    assert [r.status_code for r in followed] == [200, 200]
    assert followed[0].json()["following"] is True and followed[0].json()["since"]
    await client.put(f"/api/v1/databank/projects/{second}/follow", headers=headers)
    listing = (await client.get("/api/v1/databank/watchlist", headers=headers)).json()
    assert {i["name_en"] for i in listing} == {"Lake Sensor", "Grid Battery"}
    assert all(i["listed"] for i in listing)
    detail = (await client.get(f"/api/v1/databank/projects/{first}", headers=headers)).json()
    assert detail["viewer"]["following"] is True

    from roadshows.tables import DatabankListing, ProjectFollow

    assert await ProjectFollow.count().where(ProjectFollow.project == first) == 1
    await DatabankListing.update({DatabankListing.withdrawn_at: dt.datetime.now(dt.UTC)}).where(
        DatabankListing.project == second
    )
    listing = {
        i["project_id"]: i for i in (await client.get("/api/v1/databank/watchlist", headers=headers)).json()
    }
    assert listing[second]["listed"] is False and listing[first]["listed"] is True

    # Unfollowing works even once the project is no longer listed; twice is harmless.
    gone = await client.delete(f"/api/v1/databank/projects/{second}/follow", headers=headers)
    assert gone.status_code == 200 and gone.json()["following"] is False
    again = await client.delete(f"/api/v1/databank/projects/{first}/follow", headers=headers)
    twice = await client.delete(f"/api/v1/databank/projects/{first}/follow", headers=headers)
    assert again.status_code == twice.status_code == 200
    assert (await client.get("/api/v1/databank/watchlist", headers=headers)).json() == []


async def test_cannot_follow_hidden_projects(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    withdrawn = await inv.listed_project(owner, withdrawn=True)
    never = await inv.support.project(owner)
    found = await inv.investor(factory)
    for project_id in (withdrawn, never, 99999999):
        response = await client.put(
            f"/api/v1/databank/projects/{project_id}/follow", headers=found.user.headers
        )
        assert response.status_code == 404
        note = await client.put(
            f"/api/v1/databank/projects/{project_id}/note", json={"body": "x"}, headers=found.user.headers
        )
        assert note.status_code == 404


async def test_notes_are_private_to_their_author(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_subscribers")
    author = await inv.subscriber(factory)
    colleague = await inv.member(factory, author.institution_id)
    await inv.seat(author.institution_id, colleague)
    other = await inv.investor(factory, name_en="Other Fund")
    url = f"/api/v1/databank/projects/{project_id}/note"

    saved = await client.put(url, json={"body": "  Strong team, weak moat.  "}, headers=author.user.headers)
    assert saved.status_code == 200 and saved.json()["body"] == "Strong team, weak moat."
    updated = await client.put(url, json={"body": "Call them in May."}, headers=author.user.headers)
    assert updated.json()["body"] == "Call them in May."
    mine = await client.get(url, headers=author.user.headers)
    assert mine.json()["body"] == "Call them in May." and mine.json()["updated_at"]

    for reader in (colleague, other.user):
        theirs = await client.get(url, headers=reader.headers)
        assert theirs.status_code == 200 and theirs.json()["body"] == ""
        detail = await client.get(f"/api/v1/databank/projects/{project_id}", headers=reader.headers)
        assert "Call them in May" not in detail.text and detail.json()["viewer"]["has_note"] is False
    # The team reads neither the note nor that there is one.
    team_view = await client.get(f"/api/v1/databank/projects/{project_id}", headers=owner.headers)
    assert "Call them in May" not in team_view.text and "viewer" not in team_view.json()
    assert (await client.get(url, headers=owner.headers)).status_code == 403  # not an investor
    log = await client.get(f"/api/v1/projects/{project_id}/databank/views", headers=owner.headers)
    assert "Call them in May" not in log.text

    from roadshows.tables import InvestorNote

    assert await InvestorNote.count().where(InvestorNote.project == project_id) == 1
    cleared = await client.put(url, json={"body": "   "}, headers=author.user.headers)
    assert cleared.json()["body"] == ""
    assert await InvestorNote.count().where(InvestorNote.project == project_id) == 0
    too_long = await client.put(url, json={"body": "x" * 20_001}, headers=author.user.headers)
    assert too_long.status_code == 422


async def test_tools_need_an_investor(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "teaser_public")
    attendee = await factory.user()
    entrepreneur = await factory.user(entrepreneur=True)
    for user in (attendee, entrepreneur):
        for method, path in (
            ("PUT", f"/api/v1/databank/projects/{project_id}/follow"),
            ("GET", "/api/v1/databank/watchlist"),
            ("GET", f"/api/v1/databank/projects/{project_id}/note"),
            ("GET", "/api/v1/databank/introductions"),
        ):
            response = await client.request(method, path, headers=user.headers)
            assert response.status_code == 403, (method, path)
    anonymous = await client.get("/api/v1/databank/watchlist")
    assert anonymous.status_code == 401


async def test_pages_follow_note_and_watchlist(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_subscribers", name_en="Lake Sensor")
    found = await inv.investor(factory)
    await web_login(client, found.user)
    html = {"accept": "text/html"}

    empty = await client.get("/databank/watchlist", headers=html)
    assert empty.status_code == 200 and 'data-testid="watchlist-empty"' in empty.text
    token = await csrf_token(client, f"/databank/projects/{project_id}")
    followed = await client.post(f"/databank/projects/{project_id}/follow", data={"_csrf_token": token})
    assert followed.status_code == 303
    noted = await client.post(
        f"/databank/projects/{project_id}/note", data={"_csrf_token": token, "body": "Meet at the fair."}
    )
    assert noted.status_code == 303
    page = await client.get(f"/databank/projects/{project_id}", headers=html)
    assert 'data-testid="unfollow"' in page.text and "Meet at the fair." in page.text
    watch = await client.get("/databank/watchlist", headers=html)
    assert "Lake Sensor" in watch.text and f'data-testid="watch-{project_id}"' in watch.text
    unfollowed = await client.post(
        f"/databank/projects/{project_id}/unfollow", data={"_csrf_token": token, "next": "watchlist"}
    )
    assert unfollowed.status_code == 303 and unfollowed.headers["location"] == "/databank/watchlist"
    no_csrf = await client.post(f"/databank/projects/{project_id}/follow")
    assert no_csrf.status_code == 403
