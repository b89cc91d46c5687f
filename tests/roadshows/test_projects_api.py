"""The projects API: creating, reading, editing and deleting projects, with validation,
and the team's co-editors."""

from __future__ import annotations

import asyncio

import httpx

from tests.factories import Factory
from tests.roadshows import support
from tests.roadshows.projects_support import add_member, create_project, project_payload


async def test_create_read_list_update(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    created = await create_project(client, owner)
    assert created["my_role"] == "owner" and created["owner_id"] == owner.id
    assert created["name_zh"] == "湖泊传感器" and created["team"] == [{"name": "Chen Jing", "role": "CEO"}]
    assert created["deck"] is None
    project_id = created["id"]

    listed = await client.get("/api/v1/projects", headers=owner.headers)
    assert [p["id"] for p in listed.json()] == [project_id]

    patched = await client.patch(
        f"/api/v1/projects/{project_id}",
        json={"stage": "seed", "country": "sg", "summary_zh": " 湖泊水质监测 "},
        headers=owner.headers,
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["stage"] == "seed" and body["country"] == "SG" and body["summary_zh"] == "湖泊水质监测"
    assert body["name_en"] == "Lake Sensor"  # untouched
    assert body["updated_at"] > created["updated_at"]
    again = await client.get(f"/api/v1/projects/{project_id}", headers=owner.headers)
    assert again.json()["stage"] == "seed"

    members = await client.get(f"/api/v1/projects/{project_id}/members", headers=owner.headers)
    assert [(m["user_id"], m["role"]) for m in members.json()] == [(owner.id, "owner")]


async def test_only_entrepreneurs_create(client: httpx.AsyncClient, factory: Factory) -> None:
    attendee = await factory.user()
    response = await client.post("/api/v1/projects", json=project_payload(), headers=attendee.headers)
    assert response.status_code == 403
    anonymous = await client.post("/api/v1/projects", json=project_payload())
    assert anonymous.status_code == 401


async def test_validation_answers_422_with_fields(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)

    async def errors(**fields: object) -> list[str]:
        response = await client.post(
            "/api/v1/projects", json=project_payload(**fields), headers=owner.headers
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        return [e["field"] for e in response.json()["errors"]]

    assert await errors(name_en="", name_zh=" ") == ["name_en"]
    assert await errors(country="XX") == ["country"]
    assert await errors(country="CHN") == ["country"]
    assert await errors(website="javascript:alert(1)") == ["website"]
    assert await errors(video_url="ftp://video.example/pitch.mp4") == ["video_url"]
    assert await errors(sector="crypto") == ["sector"]
    assert await errors(stage="") == ["stage"]
    assert await errors(currency="BTC") == ["currency"]
    assert await errors(funding_sought=-1) == ["funding_sought"]
    assert await errors(team=[{"name": f"P{i}"} for i in range(21)]) == ["team"]
    assert (await errors(team=[{"name": ""}]))[0].startswith("team")
    assert await errors(name_en="x" * 201) == ["name_en"]
    assert await errors(unknown="x") == ["unknown"]
    # Chinese name alone is enough; http video links are fine.
    ok = await client.post(
        "/api/v1/projects",
        json=project_payload(name_en="", name_zh="仅中文", video_url="http://video.example/p"),
        headers=owner.headers,
    )
    assert ok.status_code == 201, ok.text

    project_id = ok.json()["id"]
    cleared = await client.patch(
        f"/api/v1/projects/{project_id}", json={"name_zh": ""}, headers=owner.headers
    )
    assert cleared.status_code == 422
    assert cleared.json()["errors"][0]["field"] == "name_en"


async def test_malformed_json_is_a_problem(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    response = await client.post(
        "/api/v1/projects",
        content=b'{"name_en": ',
        headers={**owner.headers, "content-type": "application/json"},
    )
    assert 400 <= response.status_code < 500
    assert response.json()["code"]


async def test_co_editor_edits_but_cannot_delete_or_manage(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True)
    editor = await factory.user()  # any account can be a co-editor
    third = await factory.user()
    project_id = (await create_project(client, owner))["id"]

    added = await add_member(client, owner, project_id, editor.email.upper())
    assert added.status_code == 201, added.text
    assert added.json()["user_id"] == editor.id and added.json()["role"] == "editor"

    seen = await client.get(f"/api/v1/projects/{project_id}", headers=editor.headers)
    assert seen.status_code == 200 and seen.json()["my_role"] == "editor"
    mine = await client.get("/api/v1/projects", headers=editor.headers)
    assert project_id in [p["id"] for p in mine.json()]
    edited = await client.patch(
        f"/api/v1/projects/{project_id}", json={"region": "Jiangsu"}, headers=editor.headers
    )
    assert edited.status_code == 200 and edited.json()["region"] == "Jiangsu"

    refused = await client.delete(f"/api/v1/projects/{project_id}", headers=editor.headers)
    assert refused.status_code == 403 and refused.json()["code"] == "owner_only"
    not_manager = await add_member(client, editor, project_id, third.email)
    assert not_manager.status_code == 403
    remove_owner = await client.delete(
        f"/api/v1/projects/{project_id}/members/{owner.id}", headers=editor.headers
    )
    assert remove_owner.status_code == 403

    # The owner stays; a co-editor may leave; the owner removes co-editors.
    owner_out = await client.delete(
        f"/api/v1/projects/{project_id}/members/{owner.id}", headers=owner.headers
    )
    assert owner_out.status_code == 409 and owner_out.json()["code"] == "owner_stays"
    assert (await add_member(client, owner, project_id, third.email)).status_code == 201
    left = await client.delete(f"/api/v1/projects/{project_id}/members/{third.id}", headers=third.headers)
    assert left.status_code == 204
    removed = await client.delete(f"/api/v1/projects/{project_id}/members/{editor.id}", headers=owner.headers)
    assert removed.status_code == 204
    gone = await client.get(f"/api/v1/projects/{project_id}", headers=editor.headers)
    assert gone.status_code == 404
    again = await client.delete(f"/api/v1/projects/{project_id}/members/{editor.id}", headers=owner.headers)
    assert again.status_code == 404


async def test_adding_members_unknown_and_twice(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    editor = await factory.user()
    project_id = (await create_project(client, owner))["id"]

    unknown = await add_member(client, owner, project_id, "nobody-here@example.test")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_account"
    bad = await add_member(client, owner, project_id, "not an email")
    assert bad.status_code == 422
    self_add = await add_member(client, owner, project_id, owner.email)
    assert self_add.status_code == 409 and self_add.json()["code"] == "already_member"

    # Two adds at once: one wins, the other is told, never a 500 (the unique index decides).
    results = await asyncio.gather(*(add_member(client, owner, project_id, editor.email) for _ in range(4)))
    codes = sorted(r.status_code for r in results)
    assert codes == [201, 409, 409, 409], [r.text for r in results]
    members = await client.get(f"/api/v1/projects/{project_id}/members", headers=owner.headers)
    assert len(members.json()) == 2


async def test_other_entrepreneurs_get_404(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    other = await factory.user(entrepreneur=True)
    project_id = (await create_project(client, owner))["id"]
    missing = 999_999_999
    for pid in (project_id, missing):
        base = f"/api/v1/projects/{pid}"
        for method, path, kwargs in [
            ("GET", base, {}),
            ("PATCH", base, {"json": {"region": "x"}}),
            ("DELETE", base, {}),
            ("GET", f"{base}/members", {}),
            ("POST", f"{base}/members", {"json": {"email": other.email}}),
            ("DELETE", f"{base}/members/{owner.id}", {}),
            ("GET", f"{base}/deck", {}),
            ("DELETE", f"{base}/deck", {}),
            ("PUT", f"{base}/deck", {"files": {"file": ("x.pdf", b"%PDF-1.4", "application/pdf")}}),
            ("GET", f"{base}/databank", {}),
            ("PUT", f"{base}/databank", {"json": {"visibility": "teaser_public"}}),
            ("DELETE", f"{base}/databank", {}),
        ]:
            response = await client.request(method, path, headers=other.headers, **kwargs)
            assert response.status_code == 404, (method, path, response.status_code, response.text)
            assert response.json()["code"] == "not_found", (method, path)
    assert (await client.get("/api/v1/projects", headers=other.headers)).json() == []
    unchanged = await client.get(f"/api/v1/projects/{project_id}", headers=owner.headers)
    assert unchanged.json()["region"] == "Zhejiang"


async def test_delete_refused_once_submitted(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    kept = (await create_project(client, owner))["id"]
    contest = await support.contest(factory)
    await support.submission(contest.call_id, kept)
    refused = await client.delete(f"/api/v1/projects/{kept}", headers=owner.headers)
    assert refused.status_code == 409 and refused.json()["code"] == "project_submitted"
    assert (await client.get(f"/api/v1/projects/{kept}", headers=owner.headers)).status_code == 200

    doomed = (await create_project(client, owner))["id"]
    assert (await client.put(
        f"/api/v1/projects/{doomed}/databank", json={"visibility": "teaser_public"}, headers=owner.headers
    )).status_code == 200  # fmt: skip
    deleted = await client.delete(f"/api/v1/projects/{doomed}", headers=owner.headers)
    assert deleted.status_code == 204
    assert (await client.get(f"/api/v1/projects/{doomed}", headers=owner.headers)).status_code == 404
    from roadshows.tables import DatabankListing, ProjectMember

    assert not await ProjectMember.exists().where(ProjectMember.project == doomed)
    assert not await DatabankListing.exists().where(DatabankListing.project == doomed)


async def test_full_details_for_investors_are_kept_and_validated(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True)
    created = await create_project(
        client,
        owner,
        financials_zh="2025年收入120万元",
        contact_name="Chen Jing",
        contact_email="chen@lake.example",
        contact_phone="+86 579 1234 5678",
    )
    assert created["financials_zh"] == "2025年收入120万元"
    assert (created["contact_email"], created["contact_phone"]) == ("chen@lake.example", "+86 579 1234 5678")
    url = f"/api/v1/projects/{created['id']}"
    for field, value in (("contact_email", "not an address"), ("contact_phone", "call me")):
        bad = await client.patch(url, json={field: value}, headers=owner.headers)
        assert bad.status_code == 422
        assert [e["field"] for e in bad.json()["errors"]] == [field]
    cleared = await client.patch(url, json={"contact_email": ""}, headers=owner.headers)
    assert cleared.status_code == 200 and cleared.json()["contact_email"] == ""
