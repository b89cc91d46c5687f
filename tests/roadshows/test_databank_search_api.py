"""Searching the databank over the API: text in both languages, visibility, and teasers only."""

from __future__ import annotations

import datetime as dt

import httpx

from tests.factories import Factory
from tests.roadshows.databank_search_support import cjk_marker, ids, investor, listed, marker

SEARCH = "/api/v1/databank/projects"


async def test_chinese_substring_finds_a_longer_name(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    tag = cjk_marker()
    hit = await listed(owner, name_zh=f"硫化物固态电池电芯{tag}", name_en="Sulfide cells")
    miss = await listed(owner, name_zh=f"氢燃料电池系统{tag}", name_en="Hydrogen fuel cells")
    response = await client.get(SEARCH, params={"q": f"固态电池 {tag}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert ids(body) == [hit]
    assert body["total"] == 1
    assert miss not in ids(body)
    # the tag alone finds both, a Chinese term in the summary too
    both = (await client.get(SEARCH, params={"q": tag})).json()
    assert set(ids(both)) == {hit, miss}


async def test_two_chinese_characters_match_as_a_substring(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True)
    tag = marker()
    battery = await listed(owner, name_en=f"Cells {tag}", name_zh="固态电池", summary_zh="")
    summary_only = await listed(owner, name_en=f"Packs {tag}", name_zh="储能", summary_zh="梯次利用动力电池")
    other = await listed(owner, name_en=f"Chips {tag}", name_zh="芯片", summary_zh="车规级芯片")
    body = (await client.get(SEARCH, params={"q": f"电池 {tag}"})).json()
    assert set(ids(body)) == {battery, summary_only}
    assert other not in ids(body)
    # a name match ranks before a summary match
    assert ids(body)[0] == battery
    # with a facet (the short term then filters what the facet leaves)
    faceted = (
        await client.get(SEARCH, params={"q": f"电池 {tag}", "sector": "biotech", "stage": "seed"})
    ).json()
    assert set(ids(faceted)) == {battery, summary_only}
    assert (await client.get(SEARCH, params={"q": f"电池 {tag}", "sector": "ai"})).json()["total"] == 0
    # the short term alone also works (a scan of the listed projects)
    alone = (await client.get(SEARCH, params={"q": "电池", "per_page": 50})).json()
    assert alone["total"] >= 2


async def test_english_words_prefixes_and_case(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    tag = marker()
    hit = await listed(owner, name_en=f"Solid-State Battery {tag}", summary_en="Sulfide electrolytes.")
    miss = await listed(owner, name_en=f"Wafer inspection {tag}", summary_en="Machine vision.")
    for q in ("battery", "BATT", "sulfide electro", "solid-state"):
        body = (await client.get(SEARCH, params={"q": f"{q} {tag}"})).json()
        assert ids(body) == [hit], q
    body = (await client.get(SEARCH, params={"q": f"vision {tag}"})).json()
    assert ids(body) == [miss]
    nothing = (await client.get(SEARCH, params={"q": f"graphene {tag}"})).json()
    assert nothing == {**nothing, "items": [], "total": 0, "pages": 1}
    # LIKE wildcards typed by the user are plain characters
    assert (await client.get(SEARCH, params={"q": f"% {tag}"})).json()["total"] == 0
    assert (await client.get(SEARCH, params={"q": f"_a {tag}"})).json()["total"] == 0


async def test_anonymous_sees_public_teasers_investors_all_listed(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True)
    tag = marker()
    public = await listed(owner, name_en=f"Public {tag}", visibility="teaser_public")
    subscribers = await listed(owner, name_en=f"Subscribers {tag}", visibility="full_subscribers")
    introduction = await listed(owner, name_en=f"Intro {tag}", visibility="full_on_introduction")
    anonymous = (await client.get(SEARCH, params={"q": tag})).json()
    assert ids(anonymous) == [public]
    entrepreneur = (await client.get(SEARCH, params={"q": tag}, headers=owner.headers)).json()
    assert ids(entrepreneur) == [public]
    person = await investor(factory)
    seen = (await client.get(SEARCH, params={"q": tag, "sort": "name"}, headers=person.headers)).json()
    assert set(ids(seen)) == {public, subscribers, introduction}
    assert seen["total"] == 3


async def test_results_are_teasers_without_details(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    tag = marker()
    project_id = await listed(
        owner,
        visibility="full_subscribers",
        name_en=f"Secretive {tag}",
        financials_en="Revenue 12m",
        contact_email="ceo@example.test",
        contact_phone="+86 138 0000 0000",
        contact_name="Ms Li",
    )
    person = await investor(factory)
    response = await client.get(SEARCH, params={"q": tag}, headers=person.headers)
    item = response.json()["items"][0]
    assert item["id"] == project_id
    for secret in ("financials_en", "financials_zh", "contact_name", "contact_email", "contact_phone"):
        assert secret not in item
    for secret in ("deck_file", "deck_name", "team", "website", "owner"):
        assert secret not in item
    assert "Revenue" not in response.text and "ceo@example.test" not in response.text
    assert item["url"] == f"/databank/projects/{project_id}"
    assert item["api_url"] == f"/api/v1/databank/projects/{project_id}"
    assert {"name_en", "summary_zh", "sector", "stage", "region", "country", "funding_sought"} <= set(item)


async def test_withdrawn_updated_and_deleted_listings_stay_in_sync(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    from roadshows.tables import DatabankListing, Project

    owner = await factory.user(entrepreneur=True)
    tag = marker()
    project_id = await listed(owner, name_en=f"Perovskite {tag}", name_zh="钙钛矿叠层电池")

    async def found(q: str) -> list[int]:
        return ids((await client.get(SEARCH, params={"q": f"{q} {tag}"})).json())

    assert await found("perovskite") == [project_id]
    # renamed: the old name is forgotten, the new one found
    await Project.update({Project.name_en: f"Tandem {tag}", Project.name_zh: "叠层光伏组件"}).where(
        Project.id == project_id
    )
    assert await found("perovskite") == []
    assert await found("光伏组件") == [project_id]
    # withdrawn: gone; listed again: back
    await DatabankListing.update({DatabankListing.withdrawn_at: dt.datetime.now(dt.UTC)}).where(
        DatabankListing.project == project_id
    )
    assert await found("tandem") == []
    assert await found("光伏") == []
    await DatabankListing.update({DatabankListing.withdrawn_at: None}).where(
        DatabankListing.project == project_id
    )
    assert await found("tandem") == [project_id]
    # the listing deleted: gone (and a withdrawn project renamed is not indexed behind our back)
    await DatabankListing.delete().where(DatabankListing.project == project_id)
    assert await found("tandem") == []
    await Project.update({Project.name_en: f"Renamed {tag}"}).where(Project.id == project_id)
    assert await found("renamed") == []
    await Project.delete().where(Project.id == project_id)
    assert await found("renamed") == []


async def test_publishing_through_the_service_is_found(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    tag = marker()
    from tests.roadshows import support

    project_id = await support.project(owner, name_en=f"Published {tag}")
    url = f"/api/v1/projects/{project_id}/databank"
    response = await client.put(url, json={"visibility": "teaser_public"}, headers=owner.headers)
    assert response.status_code == 200, response.text
    assert ids((await client.get(SEARCH, params={"q": tag})).json()) == [project_id]
    assert (await client.delete(url, headers=owner.headers)).status_code == 200
    assert ids((await client.get(SEARCH, params={"q": tag})).json()) == []


async def test_bad_parameters_answer_422(client: httpx.AsyncClient) -> None:
    bad = [
        {"sector": "spaceships"},
        {"stage": "unicorn"},
        {"funding": "lots"},
        {"sort": "random"},
        {"page": "0"},
        {"page": "abc"},
        {"per_page": "500"},
        {"event": "x"},
        {"q": "x" * 101},
        {"region": "r" * 101},
    ]
    for params in bad:
        response = await client.get(SEARCH, params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["code"] == "invalid_input"
    assert (await client.get("/api/v1/databank/facets", params={"sector": "nope"})).status_code == 422


def test_vocabularies_and_terms() -> None:
    from typing import get_args

    from roadshows.catalog import SECTORS, STAGES
    from roadshows.databank_index import FUNDING_BUCKETS, fts_phrase, like_pattern, split_terms
    from roadshows.databank_search_schemas import FundingBucket, SectorKey, StageKey

    assert set(get_args(SectorKey)) == set(SECTORS)
    assert set(get_args(StageKey)) == set(STAGES)
    assert set(get_args(FundingBucket)) == {"not_stated", *FUNDING_BUCKETS}
    # full-width letters and spaces, Chinese punctuation, repeats
    assert split_terms("ＡＩ　芯片，固态电池、芯片 ") == ["ai", "芯片", "固态电池"]
    assert split_terms("   ") == []
    assert len(split_terms(" ".join(f"w{i}" for i in range(20)))) == 8
    assert fts_phrase(['say "hi"', "电池"]) == '"say ""hi""" AND "电池"'
    assert like_pattern("50%_off\\") == "%50\\%\\_off\\\\%"
