"""Care pages in English and Chinese: hidden content without the permission (refusal logged),
logged reads with it, owners grant and revoke, the owners' log, the guest's own form."""

from __future__ import annotations

import httpx
import pytest

from events.tables import CareRecord
from tests.factories import Factory, web_login
from tests.retreats import care_support as cs

HTML = {"accept": "text/html"}


@pytest.mark.parametrize(
    ("lang", "hidden", "title"),
    [("en", "care needs recorded", "Care data"), ("zh", "人有照护需求记录", "照护信息")],
)
async def test_organiser_without_permission_sees_that_data_exists(
    client: httpx.AsyncClient, factory: Factory, lang: str, hidden: str, title: str
) -> None:
    r = await cs.retreat(factory)
    client.cookies.set("lang", lang)
    await web_login(client, r.organiser)
    response = await client.get(f"/dashboard/events/{r.event_id}/retreat/care", headers=HTML)
    assert response.status_code == 200, response.text
    assert 'data-testid="care-hidden"' in response.text
    assert hidden in response.text and title in response.text
    assert "Wheelchair" not in response.text
    refused = await cs.log_rows(r.event_id, "refused")
    assert [(x["user"], x["detail"]) for x in refused] == [(r.organiser.id, "care page")]


async def test_holder_reads_and_edits_and_each_view_is_logged(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    r = await cs.retreat(factory)
    await cs.grant(r.organiser.id, r.event_id, r.owner.id)
    token = await web_login(client, r.organiser)
    url = f"/dashboard/events/{r.event_id}/retreat/care"
    for _ in range(3):
        response = await client.get(url, headers=HTML)
        assert response.status_code == 200
        assert "Wheelchair, low-salt diet" in response.text
    assert len(await cs.log_rows(r.event_id, "list")) == 3
    saved = await client.post(
        f"{url}/people/{r.companions[0]}", data={"dietary": "Halal", "_csrf_token": token}
    )
    assert saved.status_code == 303
    record = await CareRecord.select().where(CareRecord.registration == r.companions[0]).first()
    assert record["dietary"] == "Halal"
    too_long = await client.post(
        f"{url}/people/{r.companions[0]}", data={"medical": "x" * 2001, "_csrf_token": token}, headers=HTML
    )
    assert too_long.status_code == 422
    assert len(await cs.log_rows(r.event_id, "update")) == 1


async def test_owner_grants_and_revokes_from_the_page(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await cs.retreat(factory)
    token = await web_login(client, r.owner)
    url = f"/dashboard/events/{r.event_id}/retreat/care"
    granted = await client.post(
        f"{url}/permissions", data={"user_id": str(r.organiser.id), "_csrf_token": token}
    )
    assert granted.status_code == 303
    page = await client.get(url, headers=HTML)
    assert r.organiser.email in page.text and 'data-testid="care-grant"' in page.text
    revoked = await client.post(f"{url}/permissions/{r.organiser.id}/revoke", data={"_csrf_token": token})
    assert revoked.status_code == 303
    client.cookies.set("lang", "zh")
    log = await client.get(f"{url}/log", headers=HTML)
    assert log.status_code == 200
    assert "照护信息访问记录" in log.text
    actions = [a for a in ("granted", "revoked", "refused") if f'data-action="{a}"' in log.text]
    assert actions == ["granted", "revoked", "refused"]  # the owner's own page view was refused too


async def test_plain_organiser_cannot_grant_or_see_the_log(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    r = await cs.retreat(factory)
    token = await web_login(client, r.organiser)
    url = f"/dashboard/events/{r.event_id}/retreat/care"
    page = await client.get(url, headers=HTML)
    assert 'data-testid="care-grant"' not in page.text
    tried = await client.post(
        f"{url}/permissions", data={"user_id": str(r.organiser.id), "_csrf_token": token}, headers=HTML
    )
    assert tried.status_code == 403
    assert (await client.get(f"{url}/log", headers=HTML)).status_code == 403


@pytest.mark.parametrize(("lang", "heading"), [("en", "Care needs"), ("zh", "照护需求")])
async def test_guest_fills_in_the_party_needs(
    client: httpx.AsyncClient, factory: Factory, lang: str, heading: str
) -> None:
    r = await cs.retreat(factory)
    client.cookies.set("lang", lang)
    token = await web_login(client, r.guest)
    url = f"/me/retreats/{r.event_id}/care"
    page = await client.get(url, headers=HTML)
    assert page.status_code == 200, page.text
    assert heading in page.text
    assert page.text.count('data-testid="my-care-person"') == 2
    saved = await client.post(
        f"{url}/{r.companions[0]}", data={"mobility": "Wheelchair", "_csrf_token": token}
    )
    assert saved.status_code == 303
    again = await client.get(url, headers=HTML)
    assert "Wheelchair</textarea>" in again.text
    other = await cs.retreat(factory)
    stolen = await client.post(
        f"{url}/{other.guest_registration}", data={"mobility": "x", "_csrf_token": token}, headers=HTML
    )
    assert stolen.status_code == 404
    assert await cs.log_rows(r.event_id, "read") == []
