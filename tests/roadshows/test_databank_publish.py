"""Publishing projects to the databank: by the team (visibility, withdrawal, again), and by an
organiser after a pitch."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import Factory
from tests.roadshows import support
from tests.roadshows.projects_support import create_project


@pytest.fixture
def emitted(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    from roadshows import databank

    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(databank, "emit", lambda name, **payload: calls.append((name, payload)))
    return calls


async def test_team_publishes_changes_withdraws_and_publishes_again(
    client: httpx.AsyncClient, factory: Factory, emitted: list
) -> None:
    owner = await factory.user(entrepreneur=True)
    editor = await factory.user()
    project_id = (await create_project(client, owner))["id"]
    await client.post(
        f"/api/v1/projects/{project_id}/members", json={"email": editor.email}, headers=owner.headers
    )
    url = f"/api/v1/projects/{project_id}/databank"

    missing = await client.get(url, headers=owner.headers)
    assert missing.status_code == 404 and missing.json()["code"] == "not_listed"
    bad = await client.put(url, json={"visibility": "everyone"}, headers=owner.headers)
    assert bad.status_code == 422

    published = await client.put(url, json={"visibility": "teaser_public"}, headers=owner.headers)
    assert published.status_code == 200, published.text
    listing = published.json()
    assert listing["listed"] and listing["visibility"] == "teaser_public"
    assert listing["published_by"] == owner.id and listing["origin_submission_id"] is None
    assert emitted == [("databank.published", {"project_id": project_id})]

    changed = await client.put(url, json={"visibility": "full_on_introduction"}, headers=editor.headers)
    assert changed.json()["visibility"] == "full_on_introduction"
    assert changed.json()["published_at"] == listing["published_at"]
    same = await client.put(url, json={"visibility": "full_on_introduction"}, headers=owner.headers)
    assert same.status_code == 200
    assert len(emitted) == 2  # the change is announced, a no-op is not

    withdrawn = await client.delete(url, headers=owner.headers)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["listed"] is False and withdrawn.json()["withdrawn_at"]
    assert emitted[-1] == ("databank.withdrawn", {"project_id": project_id})
    twice = await client.delete(url, headers=owner.headers)
    assert twice.status_code == 200 and len(emitted) == 3
    read = await client.get(url, headers=editor.headers)
    assert read.json()["listed"] is False

    again = await client.put(url, json={"visibility": "full_subscribers"}, headers=owner.headers)
    assert again.json()["listed"] is True and again.json()["withdrawn_at"] is None
    assert again.json()["visibility"] == "full_subscribers"
    assert emitted[-1] == ("databank.published", {"project_id": project_id})
    from roadshows.tables import DatabankListing

    assert await DatabankListing.count().where(DatabankListing.project == project_id) == 1


@pytest.mark.parametrize(
    "status", ["submitted", "under_review", "shortlisted", "scheduled", "rejected", "withdrawn"]
)
async def test_organiser_cannot_publish_before_the_pitch(
    client: httpx.AsyncClient, factory: Factory, status: str
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = (await create_project(client, owner))["id"]
    contest = await support.contest(factory)
    submission_id = await support.submission(contest.call_id, project_id, status=status)
    response = await client.post(
        f"/api/v1/submissions/{submission_id}/databank", json={}, headers=contest.organiser.headers
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_pitched" and response.json()["submission_status"] == status


@pytest.mark.parametrize("status", ["pitched", "awarded"])
async def test_organiser_publishes_after_the_pitch(
    client: httpx.AsyncClient, factory: Factory, emitted: list, status: str
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = (await create_project(client, owner))["id"]
    contest = await support.contest(factory)
    submission_id = await support.submission(contest.call_id, project_id, status=status)
    url = f"/api/v1/submissions/{submission_id}/databank"

    # Another organiser, the team, and an investor cannot use this route (404 / 403).
    stranger, _org = await factory.organiser()
    assert (await client.post(url, json={}, headers=stranger.headers)).status_code == 404
    assert (await client.post(url, json={}, headers=owner.headers)).status_code == 403

    response = await client.post(url, json={}, headers=contest.organiser.headers)
    assert response.status_code == 200, response.text
    listing = response.json()
    assert listing["listed"] and listing["origin_submission_id"] == submission_id
    assert listing["visibility"] == "full_on_introduction"  # most reserved until the team chooses
    assert listing["published_by"] == contest.organiser.id
    assert emitted == [("databank.published", {"project_id": project_id})]

    team_view = await client.get(f"/api/v1/projects/{project_id}/databank", headers=owner.headers)
    assert team_view.json()["origin_submission_id"] == submission_id


async def test_organiser_keeps_the_team_choice_and_respects_a_withdrawal(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = (await create_project(client, owner))["id"]
    contest = await support.contest(factory)
    submission_id = await support.submission(contest.call_id, project_id, status="awarded")
    team_url = f"/api/v1/projects/{project_id}/databank"
    organiser_url = f"/api/v1/submissions/{submission_id}/databank"
    await client.put(team_url, json={"visibility": "teaser_public"}, headers=owner.headers)

    kept = await client.post(organiser_url, json={}, headers=contest.organiser.headers)
    assert kept.json()["visibility"] == "teaser_public"
    assert kept.json()["origin_submission_id"] == submission_id

    await client.delete(team_url, headers=owner.headers)
    refused = await client.post(organiser_url, json={}, headers=contest.organiser.headers)
    assert refused.status_code == 409 and refused.json()["code"] == "withdrawn_by_team"
    assert (await client.get(team_url, headers=owner.headers)).json()["listed"] is False


async def test_concurrent_publications_make_one_listing(client: httpx.AsyncClient, factory: Factory) -> None:
    import asyncio

    from roadshows.tables import DatabankListing

    owner = await factory.user(entrepreneur=True)
    project_id = (await create_project(client, owner))["id"]
    url = f"/api/v1/projects/{project_id}/databank"
    results = await asyncio.gather(
        *(client.put(url, json={"visibility": "teaser_public"}, headers=owner.headers) for _ in range(4))
    )
    assert [r.status_code for r in results] == [200] * 4, [r.text for r in results]
    assert await DatabankListing.count().where(DatabankListing.project == project_id) == 1
