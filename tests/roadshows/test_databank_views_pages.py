"""The databank detail page, the investors' pages and the team's activity page: who reaches
which page, and what each one shows."""

from __future__ import annotations

import httpx

from tests.factories import Factory, csrf_token, web_login
from tests.roadshows import investors_support as inv

HTML = {"accept": "text/html"}


async def test_hidden_project_page_is_the_missing_page(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    subscribers_only = await inv.listed_project(owner, "full_subscribers")
    withdrawn = await inv.listed_project(owner, "teaser_public", withdrawn=True)
    missing = await client.get("/databank/projects/99999999", headers=HTML)
    assert missing.status_code == 404
    for project_id in (subscribers_only, withdrawn):
        response = await client.get(f"/databank/projects/{project_id}", headers=HTML)
        assert response.status_code == 404
        assert "Test Project" not in response.text
    attendee = await factory.user()
    await web_login(client, attendee)
    response = await client.get(f"/databank/projects/{subscribers_only}", headers=HTML)
    assert response.status_code == 404 and "Test Project" not in response.text


async def test_investor_pages_refuse_non_investors(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "teaser_public")
    entrepreneur = await factory.user(entrepreneur=True)
    await web_login(client, entrepreneur)
    for path in ("/databank/watchlist", "/databank/introductions"):
        assert (await client.get(path, headers=HTML)).status_code == 403
    token = await csrf_token(client, f"/databank/projects/{project_id}")
    for action in ("follow", "note", "introductions"):
        response = await client.post(
            f"/databank/projects/{project_id}/{action}",
            data={"_csrf_token": token, "message": "x", "body": "x"},
        )
        assert response.status_code == 403
    # Not on the team: the team's page is a 404, like any other project.
    assert (await client.get(f"/me/projects/{project_id}/databank", headers=HTML)).status_code == 404


async def test_anonymous_investor_pages_ask_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/databank/watchlist", headers=HTML)
    assert response.status_code in (302, 303) and response.headers["location"].startswith("/login")


async def test_teaser_page_offers_tools_and_an_introduction(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_on_introduction", name_en="Lake Sensor")
    found = await inv.investor(factory)
    second = await inv.institution("Second Fund")
    from app.accounts.tables import InstitutionMember

    await InstitutionMember(institution=second, user=found.user.id).save()
    await web_login(client, found.user)
    page = await client.get(f"/databank/projects/{project_id}", headers=HTML)
    assert page.status_code == 200
    assert 'data-access="teaser"' in page.text and 'data-testid="locked"' in page.text
    assert 'data-testid="follow"' in page.text and 'data-testid="introduction-form"' in page.text
    assert 'name="institution_id"' in page.text  # two institutions: choose one
    assert "wang.li@lake.example" not in page.text and "Revenue 12M" not in page.text
    token = await csrf_token(client, f"/databank/projects/{project_id}")
    sent = await client.post(
        f"/databank/projects/{project_id}/introductions",
        data={"_csrf_token": token, "message": "Hello", "institution_id": str(second)},
    )
    assert sent.status_code == 303
    page = await client.get(f"/databank/projects/{project_id}", headers=HTML)
    assert (
        'data-testid="introduction-status"' in page.text
        and 'data-testid="introduction-form"' not in page.text
    )
    again = await client.post(
        f"/databank/projects/{project_id}/introductions",
        data={"_csrf_token": token, "message": "Hello", "institution_id": str(second)},
    )
    assert again.status_code == 303  # a flash explains the pending request
    flashed = await client.get(f"/databank/projects/{project_id}", headers=HTML)
    assert 'data-testid="flash"' in flashed.text


async def test_team_preview_and_empty_activity_page(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_subscribers")
    await web_login(client, owner)
    preview = await client.get(f"/databank/projects/{project_id}", headers=HTML)
    assert preview.status_code == 200 and 'data-testid="team-preview"' in preview.text
    assert "wang.li@lake.example" in preview.text and 'data-testid="follow"' not in preview.text
    activity = await client.get(f"/me/projects/{project_id}/databank", headers=HTML)
    assert activity.status_code == 200
    assert 'data-testid="no-views"' in activity.text and 'data-testid="no-requests"' in activity.text
    manage = await client.get(f"/me/projects/{project_id}", headers=HTML)
    assert f'href="/me/projects/{project_id}/databank"' in manage.text


async def test_activity_page_in_chinese(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_subscribers")
    await web_login(client, owner)
    client.cookies.set("luyan_lang", "zh")
    page = await client.get(
        f"/me/projects/{project_id}/databank", headers={**HTML, "accept-language": "zh-CN"}
    )
    assert page.status_code == 200 and "谁浏览了您的项目" in page.text
