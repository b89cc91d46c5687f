"""Facets of a databank search: counts per value, funding buckets, originating event and award,
sorting and pages."""

from __future__ import annotations

import httpx

from tests.factories import Factory
from tests.roadshows.databank_search_support import ids, listed, listed_from_event, marker

SEARCH = "/api/v1/databank/projects"
FACETS = "/api/v1/databank/facets"


def counts(facets: dict, facet: str) -> dict[str, int]:
    return {value["value"]: value["count"] for value in facets[facet]}


async def test_facet_counts_follow_the_query(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    tag = marker()
    await listed(owner, name_en=f"A {tag}", sector="ai", stage="seed", region="Zhejiang")
    await listed(owner, name_en=f"B {tag}", sector="ai", stage="series_a", region="Zhejiang")
    await listed(owner, name_en=f"C {tag}", sector="biotech", stage="seed", region="Jiangsu")
    await listed(owner, name_en=f"D {tag}", sector="new_energy", stage="growth", region="浙江")
    await listed(owner, name_en=f"E {tag}", sector="ai", visibility="full_subscribers")  # not public
    facets = (await client.get(FACETS, params={"q": tag})).json()
    assert facets["total"] == 4
    assert counts(facets, "sector") == {"ai": 2, "biotech": 1, "new_energy": 1}
    assert counts(facets, "stage") == {"seed": 2, "series_a": 1, "growth": 1}
    assert counts(facets, "region") == {"Zhejiang": 2, "Jiangsu": 1, "浙江": 1}
    labels = {v["value"]: v["label"] for v in facets["sector"]}
    assert labels["ai"] == "Artificial intelligence"
    # choosing a sector: its own counts stay (to pick another), the other facets narrow
    facets = (await client.get(FACETS, params={"q": tag, "sector": "ai"})).json()
    assert counts(facets, "sector") == {"ai": 2, "biotech": 1, "new_energy": 1}
    assert counts(facets, "stage") == {"seed": 1, "series_a": 1}
    assert [v["value"] for v in facets["sector"] if v["selected"]] == ["ai"]
    assert facets["total"] == 2
    # two facets combine; two values of one facet add up
    body = (await client.get(SEARCH, params={"q": tag, "sector": ["ai", "biotech"], "stage": "seed"})).json()
    assert body["total"] == 2
    assert counts((await client.get(FACETS, params={"q": tag, "stage": "seed"})).json(), "region") == {
        "Zhejiang": 1,
        "Jiangsu": 1,
    }
    # a selected value with no results is still offered (to unselect it)
    facets = (await client.get(FACETS, params={"q": tag, "region": "Tibet"})).json()
    assert {"value": "Tibet", "label": "Tibet", "count": 0, "selected": True} in facets["region"]
    # labels in Chinese
    zh = (await client.get(FACETS, params={"q": tag}, headers={"Accept-Language": "zh-CN"})).json()
    assert {v["value"]: v["label"] for v in zh["sector"]}["ai"] == "人工智能"


async def test_funding_buckets_compare_currencies(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    tag = marker()
    small = await listed(owner, name_en=f"Small {tag}", funding_sought=800_000, currency="CNY")
    dollars = await listed(owner, name_en=f"Dollars {tag}", funding_sought=2_000_000, currency="USD")
    yuan = await listed(owner, name_en=f"Yuan {tag}", funding_sought=12_000_000, currency="CNY")
    unstated = await listed(owner, name_en=f"Unstated {tag}", funding_sought=0)
    huge = await listed(owner, name_en=f"Huge {tag}", funding_sought=150_000_000)
    facets = (await client.get(FACETS, params={"q": tag})).json()
    assert counts(facets, "funding") == {"not_stated": 1, "under_1m": 1, "5m_20m": 2, "100m_plus": 1}
    body = (await client.get(SEARCH, params={"q": tag, "funding": "5m_20m"})).json()
    assert set(ids(body)) == {dollars, yuan}  # US$2m is about ¥14m
    body = (await client.get(SEARCH, params={"q": tag, "funding": ["under_1m", "not_stated"]})).json()
    assert set(ids(body)) == {small, unstated}
    ascending = ids((await client.get(SEARCH, params={"q": tag, "sort": "funding_asc"})).json())
    assert ascending == [small, yuan, dollars, huge, unstated]  # not stated comes last
    descending = ids((await client.get(SEARCH, params={"q": tag, "sort": "funding_desc"})).json())
    assert descending[:3] == [huge, dollars, yuan]


async def test_originating_event_and_award_facets(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    tag = marker()
    gold, event_id = await listed_from_event(
        factory,
        owner,
        status="awarded",
        award_en="Gold Award",
        award_zh="金奖",
        name_en=f"Gold {tag}",
        event_title=f"Battery Contest {tag}",
    )
    pitched, _same = await listed_from_event(factory, owner, event_id=event_id, name_en=f"Pitched {tag}")
    elsewhere, other_event = await listed_from_event(
        factory, owner, status="awarded", name_en=f"Elsewhere {tag}", event_title=f"Chip Roadshow {tag}"
    )
    direct = await listed(owner, name_en=f"Direct {tag}")
    facets = (await client.get(FACETS, params={"q": tag})).json()
    assert counts(facets, "event") == {str(event_id): 2, str(other_event): 1}
    assert {v["value"]: v["label"] for v in facets["event"]}[str(event_id)] == f"Battery Contest {tag}"
    assert counts(facets, "award") == {"Gold Award": 1}
    assert facets["awarded"] == 2  # awarded status, with or without an award name
    body = (await client.get(SEARCH, params={"q": tag, "event": event_id})).json()
    assert set(ids(body)) == {gold, pitched}
    body = (await client.get(SEARCH, params={"q": tag, "award": "金奖"})).json()
    assert ids(body) == [gold]
    body = (await client.get(SEARCH, params={"q": tag, "awarded": "true"})).json()
    assert set(ids(body)) == {gold, elsewhere}
    assert direct not in ids(body)
    item = next(i for i in body["items"] if i["id"] == gold)
    assert item["origin_event"]["id"] == event_id
    assert (item["awarded"], item["award_en"], item["award_zh"]) == (True, "Gold Award", "金奖")
    zh = (await client.get(FACETS, params={"q": tag}, headers={"Accept-Language": "zh"})).json()
    assert {v["value"]: v["label"] for v in zh["award"]}["Gold Award"] == "金奖"


async def test_sorting_and_pages_with_totals(client: httpx.AsyncClient, factory: Factory) -> None:
    import datetime as dt

    owner = await factory.user(entrepreneur=True)
    tag = marker()
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    made = []
    for number, name in enumerate(["Delta", "alpha", "Charlie", "Bravo", "echo"]):
        made.append(
            await listed(
                owner,
                name_en=f"{name} {tag}",
                name_zh=f"项目{number}",
                published_at=start + dt.timedelta(days=number),
            )
        )
    newest = (await client.get(SEARCH, params={"q": tag, "per_page": 2, "sort": "newest"})).json()
    assert newest["sort"] == "newest"
    assert (newest["total"], newest["pages"], newest["page"]) == (5, 3, 1)
    assert ids(newest) == [made[4], made[3]]
    page3 = (await client.get(SEARCH, params={"q": tag, "per_page": 2, "page": 3})).json()
    assert page3["sort"] == "relevance"  # the default with text: equal relevance, then newest
    assert ids(page3) == [made[0]] and page3["total"] == 5
    beyond = (await client.get(SEARCH, params={"q": tag, "per_page": 2, "page": 9})).json()
    assert beyond["items"] == [] and beyond["total"] == 5
    by_name = ids((await client.get(SEARCH, params={"q": tag, "sort": "name"})).json())
    assert by_name == [made[1], made[3], made[2], made[0], made[4]]  # case-insensitive
    # relevance: a term in the name first, then newest
    summary_hit = await listed(owner, name_en=f"Zulu {tag}", summary_en="an alpha prototype")
    relevance = (await client.get(SEARCH, params={"q": f"alpha {tag}"})).json()
    assert relevance["sort"] == "relevance"
    assert ids(relevance) == [made[1], summary_hit]
    # relevance without text falls back to newest
    assert (await client.get(SEARCH, params={"q": "", "sort": "relevance"})).json()["sort"] == "newest"
