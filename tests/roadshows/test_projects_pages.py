"""The entrepreneur's project pages, in English and Chinese: list, new, edit, team, deck and
databank forms (CSRF, PRG, errors re-rendered with 422)."""

from __future__ import annotations

import re

import httpx

from tests.factories import Factory, web_login
from tests.roadshows import support
from tests.roadshows.projects_support import create_project, small_pdf

HTML = {"accept": "text/html"}
ZH = {"accept": "text/html", "accept-language": "zh-CN,zh;q=0.9"}


def new_form(token: str, **fields: str) -> dict[str, object]:
    data: dict[str, object] = {
        "_csrf_token": token,
        "name_en": "River Robotics",
        "name_zh": "河流机器人",
        "summary_en": "Robots that clean rivers.",
        "sector": "advanced_manufacturing",
        "stage": "seed",
        "region": "Zhejiang",
        "country": "CN",
        "funding_sought": "8000000",
        "currency": "CNY",
        "website": "https://river.example",
        "video_url": "",
        "team_name": ["Wang Fang", "Li Lei", ""],
        "team_role": ["CEO", "CTO", ""],
    }
    data.update(fields)
    return data


async def test_empty_list_then_create_and_edit(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    token = await web_login(client, owner)
    empty = await client.get("/me/projects", headers=HTML)
    assert empty.status_code == 200
    assert 'data-testid="no-projects"' in empty.text and 'href="/me/projects/new"' in empty.text

    form = await client.get("/me/projects/new", headers=HTML)
    assert form.status_code == 200 and 'name="_csrf_token"' in form.text
    assert "Artificial intelligence" in form.text and "Series A" in form.text

    created = await client.post("/me/projects/new", data=new_form(token), headers=HTML)
    assert created.status_code == 303, created.text
    location = created.headers["location"]
    project_id = int(re.search(r"/me/projects/(\d+)", location).group(1))  # type: ignore[union-attr]
    shown = await client.get(location, headers=HTML)
    assert shown.status_code == 200
    assert "River Robotics" in shown.text and 'data-testid="flash"' in shown.text
    assert "Wang Fang" in shown.text and "A PDF file of at most 20 MB." in shown.text
    api = await client.get(f"/api/v1/projects/{project_id}", headers=owner.headers)
    assert api.json()["team"] == [{"name": "Wang Fang", "role": "CEO"}, {"name": "Li Lei", "role": "CTO"}]
    assert api.json()["funding_sought"] == 8_000_000

    edited = await client.post(
        f"/me/projects/{project_id}", data=new_form(token, stage="series_a", team_name="", team_role=""),
        headers=HTML,
    )  # fmt: skip
    assert edited.status_code == 303
    after = (await client.get(f"/api/v1/projects/{project_id}", headers=owner.headers)).json()
    assert after["stage"] == "series_a" and after["team"] == []

    listed = await client.get("/me/projects", headers=HTML)
    assert f'data-testid="project-{project_id}"' in listed.text


async def test_invalid_forms_rerender_with_422(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    token = await web_login(client, owner)
    no_name = await client.post(
        "/me/projects/new", data=new_form(token, name_en="", name_zh=""), headers=HTML
    )
    assert no_name.status_code == 422
    assert "Give the project a name in English or in Chinese." in no_name.text
    assert 'value="https://river.example"' in no_name.text  # input kept
    bad_link = await client.post(
        "/me/projects/new", data=new_form(token, website="river.example"), headers=HTML
    )
    assert bad_link.status_code == 422 and "http://" in bad_link.text
    no_sector = await client.post("/me/projects/new", data=new_form(token, sector=""), headers=HTML)
    assert no_sector.status_code == 422

    project_id = (await create_project(client, owner))["id"]
    bad_edit = await client.post(
        f"/me/projects/{project_id}", data=new_form(token, country="ZZ"), headers=HTML
    )
    assert bad_edit.status_code == 422 and 'data-testid="form-errors"' in bad_edit.text

    unknown = await client.post(
        f"/me/projects/{project_id}/members", data={"_csrf_token": token, "email": "ghost@example.test"},
        headers=HTML,
    )  # fmt: skip
    assert unknown.status_code == 404 and "No account uses this email address." in unknown.text


async def test_forms_need_csrf(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    await web_login(client, owner)
    project_id = (await create_project(client, owner))["id"]
    refused = await client.post(f"/me/projects/{project_id}/delete", data={}, headers=HTML)
    assert refused.status_code == 403
    assert (await client.get(f"/api/v1/projects/{project_id}", headers=owner.headers)).status_code == 200


async def test_members_deck_and_databank_forms(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    editor = await factory.user()
    token = await web_login(client, owner)
    project_id = (await create_project(client, owner))["id"]
    base = f"/me/projects/{project_id}"

    added = await client.post(
        f"{base}/members", data={"_csrf_token": token, "email": editor.email}, headers=HTML
    )
    assert added.status_code == 303
    page = await client.get(base, headers=HTML)
    assert f'data-testid="member-{editor.id}"' in page.text

    pdf = small_pdf(1, "page upload")
    uploaded = await client.post(
        f"{base}/deck", data={"_csrf_token": token}, files={"file": ("pitch.pdf", pdf, "application/pdf")},
        headers=HTML,
    )  # fmt: skip
    assert uploaded.status_code == 303, uploaded.text
    page = await client.get(base, headers=HTML)
    assert 'data-testid="deck-download"' in page.text and "pitch.pdf" in page.text
    download = await client.get(f"/api/v1/projects/{project_id}/deck")  # the session cookie
    assert download.status_code == 200 and download.content == pdf

    refused = await client.post(
        f"{base}/deck", data={"_csrf_token": token}, files={"file": ("x.pdf", b"MZ\x90\x00" * 50, "application/pdf")},
        headers=HTML,
    )  # fmt: skip
    assert refused.status_code == 415 and 'data-testid="deck-error"' in refused.text
    assert (await client.get(f"/api/v1/projects/{project_id}/deck")).content == pdf  # kept

    published = await client.post(
        f"{base}/databank", data={"_csrf_token": token, "visibility": "teaser_public"}, headers=HTML
    )
    assert published.status_code == 303
    listing = (await client.get(f"/api/v1/projects/{project_id}/databank", headers=owner.headers)).json()
    assert listing["listed"] and listing["visibility"] == "teaser_public"
    withdrawn = await client.post(f"{base}/databank/withdraw", data={"_csrf_token": token}, headers=HTML)
    assert withdrawn.status_code == 303
    page = await client.get(base, headers=HTML)
    assert "Withdrawn on" in page.text

    removed = await client.post(f"{base}/deck/delete", data={"_csrf_token": token}, headers=HTML)
    assert removed.status_code == 303
    assert (await client.get(f"/api/v1/projects/{project_id}/deck")).status_code == 404

    deleted = await client.post(f"{base}/delete", data={"_csrf_token": token}, headers=HTML)
    assert deleted.status_code == 303 and deleted.headers["location"] == "/me/projects"
    assert (await client.get(base, headers=HTML)).status_code == 404


async def test_submitted_project_delete_shows_why(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    token = await web_login(client, owner)
    project_id = (await create_project(client, owner))["id"]
    contest = await support.contest(factory)
    await support.submission(contest.call_id, project_id)
    response = await client.post(
        f"/me/projects/{project_id}/delete", data={"_csrf_token": token}, headers=HTML
    )
    assert response.status_code == 303
    page = await client.get(f"/me/projects/{project_id}", headers=HTML)
    assert "can no longer be deleted" in page.text


async def test_pages_in_chinese(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True, locale="zh")
    await web_login(client, owner)
    empty = await client.get("/me/projects", headers=ZH)
    assert "我的项目" in empty.text and "新建项目" in empty.text
    form = await client.get("/me/projects/new", headers=ZH)
    assert "人工智能" in form.text and "中国" in form.text
    project_id = (await create_project(client, owner))["id"]
    page = await client.get(f"/me/projects/{project_id}", headers=ZH)
    assert page.status_code == 200
    assert "湖泊传感器" in page.text and "路演材料" in page.text and "项目库" in page.text


async def test_guards_and_other_people(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = (await create_project(client, owner))["id"]
    anonymous = await client.get("/me/projects", headers=HTML)
    assert anonymous.status_code in (302, 303) and anonymous.headers["location"].startswith("/login")

    attendee = await factory.user()
    token = await web_login(client, attendee)
    assert (await client.get("/me/projects", headers=HTML)).status_code == 200
    assert (await client.get("/me/projects/new", headers=HTML)).status_code == 403
    assert (await client.get(f"/me/projects/{project_id}", headers=HTML)).status_code == 404
    for path in ("", "/members", "/deck", "/databank", "/delete"):
        response = await client.post(
            f"/me/projects/{project_id}{path}", data={"_csrf_token": token}, headers=HTML
        )
        assert response.status_code == 404, path
