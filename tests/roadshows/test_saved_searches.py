"""Saved databank searches: create, list, delete over the API, and the digest mailed once."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest

from tests.factories import Factory
from tests.roadshows.databank_search_support import investor, listed, marker

SAVED = "/api/v1/databank/saved-searches"


async def test_saved_searches_crud_and_ownership(client: httpx.AsyncClient, factory: Factory) -> None:
    person = await investor(factory)
    body = {"name": "Batteries", "frequency": "daily", "query": {"q": "固态电池", "sector": ["new_energy"]}}
    response = await client.post(SAVED, json=body, headers=person.headers)
    assert response.status_code == 201, response.text
    saved = response.json()
    assert (saved["name"], saved["frequency"], saved["last_sent_at"]) == ("Batteries", "daily", None)
    assert saved["query"]["q"] == "固态电池" and saved["query"]["sector"] == ["new_energy"]
    assert saved["url"].startswith("/databank?") and "sector=new_energy" in saved["url"]
    listed_ = (await client.get(SAVED, headers=person.headers)).json()
    assert [s["id"] for s in listed_] == [saved["id"]]
    assert (await client.get(f"{SAVED}/{saved['id']}", headers=person.headers)).json()["name"] == "Batteries"
    # someone else's saved search is missing for them (404, not 403)
    other = await investor(factory)
    assert (await client.get(f"{SAVED}/{saved['id']}", headers=other.headers)).status_code == 404
    assert (await client.delete(f"{SAVED}/{saved['id']}", headers=other.headers)).status_code == 404
    assert (await client.get(SAVED, headers=other.headers)).json() == []
    # only investors; anonymous callers must sign in
    entrepreneur = await factory.user(entrepreneur=True)
    assert (await client.get(SAVED, headers=entrepreneur.headers)).status_code == 403
    assert (await client.get(SAVED)).status_code == 401
    # delete
    assert (await client.delete(f"{SAVED}/{saved['id']}", headers=person.headers)).status_code == 204
    assert (await client.get(SAVED, headers=person.headers)).json() == []
    assert (await client.delete(f"{SAVED}/{saved['id']}", headers=person.headers)).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "query": {}},
        {"name": "x", "frequency": "hourly"},
        {"name": "x", "query": {"sector": ["spaceships"]}},
        {"name": "x", "query": {"colour": "red"}},
        {"name": "x" * 121},
    ],
)
async def test_saved_search_validation(client: httpx.AsyncClient, factory: Factory, body: dict) -> None:
    person = await investor(factory)
    response = await client.post(SAVED, json=body, headers=person.headers)
    assert response.status_code == 422, response.text
    assert (await client.post(SAVED, content=b'{"name": ', headers=person.headers)).status_code in (400, 422)


async def _due_search(person_id: int, name: str, query: dict, *, frequency: str = "daily") -> int:
    """A saved search last mailed two days ago (so a daily digest is due)."""
    from roadshows.tables import SavedSearch

    row = SavedSearch(
        user=person_id,
        name=name,
        query=query,
        frequency=frequency,
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3),
        last_sent_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2),
    )
    await row.save()
    return row.id


async def _mails(email: str) -> list[dict]:
    from app.mail.tables import OutboxMessage

    return await OutboxMessage.select().where(
        (OutboxMessage.to_address == email) & (OutboxMessage.kind == "databank.saved_search_digest")
    )


async def test_digest_mails_new_matches_once(factory: Factory) -> None:
    from roadshows.saved_searches import send_due_digests
    from roadshows.tables import SavedSearch

    owner = await factory.user(entrepreneur=True)
    person = await investor(factory)
    tag = marker()
    search_id = await _due_search(person.id, "Solid-state", {"q": f"固态电池 {tag}"})
    recent = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    new = await listed(
        owner,
        name_en=f"Sulfide cells {tag}",
        name_zh="硫化物固态电池电芯",
        published_at=recent,
        visibility="full_subscribers",  # investors hear about every listed project
    )
    await listed(
        owner, name_en=f"Old cells {tag}", name_zh="固态电池", published_at=recent - dt.timedelta(days=5)
    )
    await listed(owner, name_en=f"Chips {tag}", name_zh="芯片", published_at=recent)
    await send_due_digests()
    mails = await _mails(person.email)
    assert len(mails) == 1
    mail = mails[0]
    assert mail["subject"] == "New in the databank: Solid-state"
    assert f"Sulfide cells {tag}" in mail["body_text"] and f"/databank/projects/{new}" in mail["body_text"]
    assert "Old cells" not in mail["body_text"] and "Chips" not in mail["body_text"]
    assert "1 project newly listed" in mail["body_text"]
    row = await SavedSearch.select().where(SavedSearch.id == search_id).first()
    assert row["last_sent_at"] > recent
    # nothing new: no second mail
    await send_due_digests()
    assert len(await _mails(person.email)) == 1


async def test_digest_in_chinese_and_none_without_matches(factory: Factory) -> None:
    from roadshows.saved_searches import send_due_digests

    owner = await factory.user(entrepreneur=True)
    person = await investor(factory, locale="zh")
    tag = marker()
    await _due_search(person.id, "电池", {"q": f"电池 {tag}"})
    await _due_search(person.id, "Nothing", {"q": f"graphene {tag}"})
    await _due_search(person.id, "Never", {"q": tag}, frequency="never")
    await listed(
        owner,
        name_en=f"Cells {tag}",
        name_zh=f"钠离子电池{tag}",
        published_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2),
    )
    await send_due_digests()
    mails = await _mails(person.email)
    assert len(mails) == 1
    assert mails[0]["subject"] == "项目库新项目：电池"
    assert f"钠离子电池{tag}" in mails[0]["body_text"]


@pytest.mark.parametrize("protected", [True, False], ids=["conditional-update", "control-without"])
async def test_two_concurrent_passes_send_one_mail(
    factory: Factory, monkeypatch: pytest.MonkeyPatch, protected: bool
) -> None:
    """Two passes at once (as two processes would): the conditional update lets one claim the
    digest. The control replaces it with an unconditional update and shows both sending."""
    from roadshows import saved_searches

    if not protected:
        monkeypatch.setattr(
            saved_searches,
            "_claim_sql",
            lambda dialect: (
                "UPDATE luyan_saved_search SET last_sent_at = $1 WHERE id = $2 "
                "AND (CAST($3 AS TIMESTAMP WITH TIME ZONE) IS NULL OR 1 = 1)"
            ),
        )
    owner = await factory.user(entrepreneur=True)
    person = await investor(factory)
    tag = marker()
    await _due_search(person.id, "Race", {"q": tag})
    await listed(owner, name_en=f"Racing {tag}", published_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    await asyncio.gather(saved_searches.send_due_digests(), saved_searches.send_due_digests())
    assert len(await _mails(person.email)) == (1 if protected else 2)
