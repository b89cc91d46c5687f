"""The databank search page in English and Chinese: results, facets, empty state, pages and
saving a search."""

from __future__ import annotations

import re

import httpx

from tests.factories import Factory, web_login
from tests.roadshows.databank_search_support import cjk_marker, investor, listed, marker

HTML = {"accept": "text/html"}


async def test_search_page_in_english(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    tag = marker()
    hit = await listed(owner, name_en=f"Sodium-ion cells {tag}", name_zh="钠离子电池", sector="new_energy")
    hidden = await listed(owner, name_en=f"Hidden {tag}", visibility="full_subscribers")
    response = await client.get("/databank", params={"q": tag}, headers=HTML)
    assert response.status_code == 200
    page = response.text
    assert "Project databank" in page
    assert f'data-testid="result-{hit}"' in page and f"/databank/projects/{hit}" in page
    assert f'data-testid="result-{hidden}"' not in page
    assert "1 project" in page
    assert 'name="sector" value="new_energy"' in page  # the facet, with its count
    assert re.search(r"New energy</span>\s*<span class=\"count\">1</span>", page)
    assert "Sign in to save this search" in page and 'data-testid="public-note"' in page
    assert "financials" not in page.lower()


async def test_search_page_in_chinese(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    tag = cjk_marker()
    hit = await listed(
        owner, name_en="Solid-state cells", name_zh=f"硫化物固态电池电芯{tag}", sector="new_energy"
    )
    client.cookies.set("lang", "zh")
    response = await client.get("/databank", params={"q": f"固态电池 {tag}"}, headers=HTML)
    assert response.status_code == 200
    page = response.text
    assert "项目库" in page and "搜索" in page
    assert f"硫化物固态电池电芯{tag}" in page and f'data-testid="result-{hit}"' in page
    assert "1 个项目" in page
    assert "新能源" in page  # the sector's label
    empty = await client.get("/databank", params={"q": f"石墨烯 {tag}"}, headers=HTML)
    assert "没有符合此搜索的项目。" in empty.text


async def test_empty_state_pages_and_bad_values(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    tag = marker()
    nothing = await client.get("/databank", params={"q": f"nothing {tag}"}, headers=HTML)
    assert nothing.status_code == 200 and 'data-testid="no-results"' in nothing.text
    assert "No projects match this search." in nothing.text
    made = [await listed(owner, name_en=f"Project {number} {tag}") for number in range(21)]
    first = await client.get("/databank", params={"q": tag, "sort": "newest"}, headers=HTML)
    assert "21 projects" in first.text and 'data-testid="next-page"' in first.text
    assert f'data-testid="result-{made[-1]}"' in first.text
    second = await client.get("/databank", params={"q": tag, "sort": "newest", "page": "2"}, headers=HTML)
    assert f'data-testid="result-{made[0]}"' in second.text and "page 2 of 2" in second.text
    bad = await client.get("/databank", params={"sector": "spaceships", "page": "x"}, headers=HTML)
    assert bad.status_code == 422 and 'data-testid="search-errors"' in bad.text


async def test_investor_saves_and_deletes_a_search_from_the_page(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    person = await investor(factory)
    csrf = await web_login(client, person)
    page = await client.get("/databank", params={"q": "电池", "sector": "new_energy"}, headers=HTML)
    assert 'data-testid="save-search-button"' in page.text
    query = re.search(r'name="query" value="([^"]*)"', page.text)
    assert query is not None
    response = await client.post(
        "/databank/saved-searches",
        data={
            "name": "Batteries",
            "frequency": "daily",
            "query": query.group(1).replace("&amp;", "&"),
            "_csrf_token": csrf,
        },
    )
    assert response.status_code in (302, 303), response.text
    assert response.headers["location"] == "/databank/saved-searches"
    listing = await client.get("/databank/saved-searches", headers=HTML)
    assert "Batteries" in listing.text and "Search saved" in listing.text
    saved = (await client.get("/api/v1/databank/saved-searches", headers=person.headers)).json()
    assert saved[0]["query"]["q"] == "电池" and saved[0]["query"]["sector"] == ["new_energy"]
    assert saved[0]["frequency"] == "daily"
    deleted = await client.post(
        f"/databank/saved-searches/{saved[0]['id']}/delete", data={"_csrf_token": csrf}
    )
    assert deleted.status_code in (302, 303)
    assert (
        'data-testid="no-saved-searches"' in (await client.get("/databank/saved-searches", headers=HTML)).text
    )
    # without the form's token the post is refused
    refused = await client.post("/databank/saved-searches", data={"name": "x", "query": ""})
    assert refused.status_code == 403


async def test_saved_searches_page_is_for_investors(client: httpx.AsyncClient, factory: Factory) -> None:
    anonymous = await client.get("/databank/saved-searches", headers=HTML)
    assert anonymous.status_code in (302, 303) and anonymous.headers["location"].startswith("/login")
    entrepreneur = await factory.user(entrepreneur=True)
    await web_login(client, entrepreneur)
    assert (await client.get("/databank/saved-searches", headers=HTML)).status_code == 403
    page = await client.get("/databank", headers=HTML)
    assert page.status_code == 200 and "Members of an investment institution" in page.text
