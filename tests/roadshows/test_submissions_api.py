"""Submitting a project to a call: who may, when, with what; and who sees a submission."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx

from tests.factories import Factory
from tests.roadshows import support
from tests.roadshows.calls_support import add_editor, investor, mails_to, pitch, submit


async def test_team_submits_and_follows_its_submission(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    response = await submit(client, p)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "submitted" and created["category"] == "health"
    assert created["answers"] == {"traction": "300 pilot users", "stage": "seed"}
    assert created["allowed_moves"] == ["withdrawn"]
    mine = (await client.get("/api/v1/me/submissions", headers=p.founder.headers)).json()
    assert [s["id"] for s in mine] == [created["id"]] and mine[0]["call_title_en"] == "Call for pitches"
    history = (
        await client.get(f"/api/v1/submissions/{created['id']}/moves", headers=p.founder.headers)
    ).json()
    assert [(m["from_status"], m["to_status"]) for m in history] == [("", "submitted")]
    mails = await mails_to(p.founder.email)
    assert [m["kind"] for m in mails] == ["submission.received"]
    assert "Test Project" in mails[0]["subject"]


async def test_a_co_editor_may_submit_and_is_told_too(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    editor = await factory.user(entrepreneur=True, locale="zh")
    await add_editor(p.project_id, editor)
    response = await client.post(
        f"/api/v1/calls/{p.call_id}/submissions",
        json={"project_id": p.project_id, "category": "energy", "answers": {"traction": "x"}},
        headers=editor.headers,
    )
    assert response.status_code == 201, response.text
    assert [m["kind"] for m in await mails_to(p.founder.email)] == ["submission.received"]
    zh = await mails_to(editor.email)
    assert len(zh) == 1 and "已提交" in zh[0]["subject"] and "测试项目" in zh[0]["subject"]


async def test_only_the_team_may_submit_its_project(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    other = await factory.user(entrepreneur=True)
    response = await client.post(
        f"/api/v1/calls/{p.call_id}/submissions",
        json={"project_id": p.project_id, "category": "health", "answers": {"traction": "x"}},
        headers=other.headers,
    )
    assert response.status_code == 404
    fund = await investor(factory)
    response = await client.post(
        f"/api/v1/calls/{p.call_id}/submissions",
        json={"project_id": p.project_id, "category": "health"},
        headers=fund.headers,
    )
    assert response.status_code == 403


async def test_closed_call_or_past_deadline_refuses(client: httpx.AsyncClient, factory: Factory) -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    late = await pitch(factory, deadline=past)
    response = await submit(client, late)
    assert response.status_code == 409 and response.json()["code"] == "call_closed"
    closed = await pitch(factory, status="closed")
    response = await submit(client, closed)
    assert response.status_code == 409 and response.json()["code"] == "call_closed"
    draft = await pitch(factory, status="draft")
    assert (await submit(client, draft)).status_code == 404  # drafts are not there for teams


async def test_category_and_answers_are_checked(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    response = await submit(client, p, category="space")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "category", "message": "Choose one of the call's categories."}
    ]
    response = await submit(client, p, answers={"stage": "z"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"answers.traction", "answers.stage"}
    response = await submit(client, p, answers={"traction": "ok", "colour": "blue"})
    assert {e["field"] for e in response.json()["errors"]} == {"answers.colour"}


async def test_a_project_goes_once_to_a_call(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    assert (await submit(client, p)).status_code == 201
    again = await submit(client, p)
    assert again.status_code == 409 and again.json()["code"] == "already_submitted"


async def test_two_racing_submissions_make_one(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    responses = await asyncio.gather(*(submit(client, p) for _ in range(4)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 409, 409, 409], [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"already_submitted"}
    from roadshows.tables import Submission

    assert await Submission.count().where(Submission.project == p.project_id) == 1


async def test_race_on_the_unique_index_itself_answers_409(
    client: httpx.AsyncClient, factory: Factory, monkeypatch: object
) -> None:
    """With the friendly pre-check out of the way, the unique index still decides (both DBs)."""
    from roadshows import submissions
    from roadshows.tables import Submission

    p = await pitch(factory)
    await support.submission(p.call_id, p.project_id)

    class NoPrecheck:
        def where(self, *_args: object) -> NoPrecheck:
            return self

        def __await__(self):  # type: ignore[no-untyped-def]
            return asyncio.sleep(0, result=False).__await__()

    monkeypatch.setattr(submissions.Submission, "exists", classmethod(lambda cls: NoPrecheck()))  # type: ignore[attr-defined]
    response = await submit(client, p)
    monkeypatch.undo()  # type: ignore[attr-defined]
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "already_submitted"
    assert await Submission.count().where(Submission.project == p.project_id) == 1


async def test_who_sees_a_submission(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    submission_id = (await submit(client, p)).json()["id"]
    url = f"/api/v1/submissions/{submission_id}"
    seen = await client.get(url, headers=p.organiser.headers)
    assert seen.status_code == 200 and seen.json()["allowed_moves"] == ["under_review", "rejected"]
    assert (await client.get(url, headers=p.founder.headers)).status_code == 200
    other_founder = await factory.user(entrepreneur=True)
    other_organiser, _org = await factory.organiser()
    fund = await investor(factory)
    for stranger in (other_founder, other_organiser, fund):
        assert (await client.get(url, headers=stranger.headers)).status_code == 404
        assert (await client.get(url + "/moves", headers=stranger.headers)).status_code == 404
        moved = await client.post(url + "/moves", json={"to_status": "withdrawn"}, headers=stranger.headers)
        assert moved.status_code == 404
        assert (await client.get("/api/v1/me/submissions", headers=stranger.headers)).json() == []
    listing = await client.get(f"/api/v1/calls/{p.call_id}/submissions", headers=other_organiser.headers)
    assert listing.status_code == 404
    listing = await client.get(f"/api/v1/calls/{p.call_id}/submissions", headers=fund.headers)
    assert listing.status_code == 403
    assert (await client.get(url)).status_code == 401


async def test_organiser_lists_with_filters_and_pages(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    other = await support.project(p.founder, name_en="Solar Roof", name_zh="光伏屋顶")
    third = await support.project(p.founder, name_en="Gene Lab", name_zh="基因实验室")
    await support.submission(p.call_id, p.project_id, category="health")
    await support.submission(p.call_id, other, category="energy", status="shortlisted")
    await support.submission(p.call_id, third, category="health", status="rejected")
    url = f"/api/v1/calls/{p.call_id}/submissions"
    headers = p.organiser.headers
    everything = (await client.get(url, headers=headers)).json()
    assert everything["total"] == 3 and everything["counts"]["shortlisted"] == 1
    assert everything["counts"]["rejected"] == 1 and everything["counts"]["submitted"] == 1
    health = (await client.get(url, params={"category": "health"}, headers=headers)).json()
    assert {s["project_id"] for s in health["items"]} == {p.project_id, third}
    short = (await client.get(url, params={"status": "shortlisted"}, headers=headers)).json()
    assert [s["project_id"] for s in short["items"]] == [other]
    named = (await client.get(url, params={"q": "solar"}, headers=headers)).json()
    assert [s["project_id"] for s in named["items"]] == [other]
    chinese = (await client.get(url, params={"q": "基因"}, headers=headers)).json()
    assert [s["project_id"] for s in chinese["items"]] == [third]
    page2 = (await client.get(url, params={"per_page": 2, "page": 2}, headers=headers)).json()
    assert page2["total"] == 3 and len(page2["items"]) == 1
    bad = await client.get(url, params={"status": "lost"}, headers=headers)
    assert bad.status_code == 400 or bad.status_code == 422
