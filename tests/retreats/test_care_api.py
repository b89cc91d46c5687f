"""Care data behind a permission: refusals logged, every read logged, owners grant and revoke,
the guest enters their party's needs, ``care_for`` for manifests."""

from __future__ import annotations

import httpx
import pytest

from app.auth import user_for_token
from app.errors import Forbidden
from events.retreats.care import care_for
from tests.factories import Factory
from tests.retreats import care_support as cs


def care_url(event_id: int, suffix: str = "") -> str:
    return f"/api/v1/events/{event_id}/retreat/care{suffix}"


async def test_organiser_without_permission_is_refused_and_logged(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    r = await cs.retreat(factory)
    listing = await client.get(care_url(r.event_id), headers=r.organiser.headers)
    assert listing.status_code == 403
    assert listing.json()["code"] == "care_permission_required"
    assert "Wheelchair" not in listing.text
    one = await client.get(care_url(r.event_id, f"/{r.guest_registration}"), headers=r.organiser.headers)
    assert one.status_code == 403
    change = await client.put(
        care_url(r.event_id, f"/{r.guest_registration}"), json={"medical": "x"}, headers=r.organiser.headers
    )
    assert change.status_code == 403
    refused = await cs.log_rows(r.event_id, "refused")
    assert [(row["user"], row["registration"]) for row in refused] == [
        (r.organiser.id, None),
        (r.organiser.id, r.guest_registration),
        (r.organiser.id, r.guest_registration),
    ]
    assert refused[0]["detail"] == "api: care list"
    assert refused[2]["detail"] == "update care record"
    assert await cs.log_rows(r.event_id, "list") == []
    # Even the owner needs the permission to read; holding the role is not enough.
    assert (await client.get(care_url(r.event_id), headers=r.owner.headers)).status_code == 403
    # The overview tells any organiser that care data exists, never what it says.
    overview = await client.get(care_url(r.event_id, "/overview"), headers=r.organiser.headers)
    assert overview.json() == {
        "event_id": r.event_id, "people_with_care_data": 1, "may_read": False, "may_grant": False,
    }  # fmt: skip


async def test_other_organisations_get_404_and_the_attempt_is_logged(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    r = await cs.retreat(factory)
    stranger, _org = await factory.organiser()
    response = await client.get(care_url(r.event_id), headers=stranger.headers)
    assert response.status_code == 404
    refused = await cs.log_rows(r.event_id, "refused")
    assert len(refused) == 1 and refused[0]["user"] == stranger.id
    assert refused[0]["detail"].startswith("not an organiser")


async def test_owner_grants_then_every_read_is_logged(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await cs.retreat(factory, companions=2)
    granted = await client.post(
        care_url(r.event_id, "/permissions"), json={"user_id": r.organiser.id}, headers=r.owner.headers
    )
    assert granted.status_code == 201, granted.text
    assert [p["user_id"] for p in granted.json()] == [r.organiser.id]
    assert len(await cs.log_rows(r.event_id, "granted")) == 1

    listing = await client.get(care_url(r.event_id), headers=r.organiser.headers)
    assert listing.status_code == 200, listing.text
    people = listing.json()
    assert [p["registration_id"] for p in people] == [r.guest_registration]  # only people with data
    assert people[0]["answers"][0]["answer"] == "Wheelchair, low-salt diet"
    assert people[0]["answers"][0]["label_en"] == cs.HEALTH_EN
    for _ in range(2):
        one = await client.get(care_url(r.event_id, f"/{r.guest_registration}"), headers=r.organiser.headers)
        assert one.status_code == 200
    assert len(await cs.log_rows(r.event_id, "list")) == 1
    reads = await cs.log_rows(r.event_id, "read")
    assert [(x["user"], x["registration"]) for x in reads] == [(r.organiser.id, r.guest_registration)] * 2

    changed = await client.put(
        care_url(r.event_id, f"/{r.companions[0]}"),
        json={"dietary": "Vegetarian", "medical": "Insulin at 8:00"},
        headers=r.organiser.headers,
    )
    assert changed.status_code == 200 and changed.json()["role"] == "companion"
    updates = await cs.log_rows(r.event_id, "update")
    assert [(u["registration"], u["detail"]) for u in updates] == [(r.companions[0], "organiser")]

    user = await user_for_token(r.organiser.token)
    assert user is not None
    found = await care_for(
        user, r.event_id, [r.guest_registration, r.companions[0], r.companions[1]], "restaurant"
    )
    assert found[r.companions[0]].dietary == "Vegetarian"
    assert set(found) == {r.guest_registration, *r.companions}
    exports = await cs.log_rows(r.event_id, "export")
    assert len(exports) == 1 and exports[0]["detail"] == "restaurant (3)"

    # Revoked: refused again, and the refusal logged.
    gone = await client.delete(
        care_url(r.event_id, f"/permissions/{r.organiser.id}"), headers=r.owner.headers
    )
    assert gone.status_code == 204
    assert (await client.get(care_url(r.event_id), headers=r.organiser.headers)).status_code == 403
    assert len(await cs.log_rows(r.event_id, "revoked")) == 1
    assert len(await cs.log_rows(r.event_id, "refused")) == 1


async def test_care_for_without_permission_raises_and_logs(factory: Factory) -> None:
    r = await cs.retreat(factory)
    user = await user_for_token(r.organiser.token)
    assert user is not None
    with pytest.raises(Forbidden):
        await care_for(user, r.event_id, [r.guest_registration], "restaurant")
    refused = await cs.log_rows(r.event_id, "refused")
    assert [x["detail"] for x in refused] == ["export: restaurant"]
    assert await cs.log_rows(r.event_id, "export") == []


async def test_only_owners_grant(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await cs.retreat(factory)
    self_grant = await client.post(
        care_url(r.event_id, "/permissions"), json={"user_id": r.organiser.id}, headers=r.organiser.headers
    )
    assert self_grant.status_code == 403 and self_grant.json()["code"] == "care_owners_only"
    assert len(await cs.log_rows(r.event_id, "refused")) == 1
    outsider = await factory.user()
    not_member = await client.post(
        care_url(r.event_id, "/permissions"), json={"user_id": outsider.id}, headers=r.owner.headers
    )
    assert not_member.status_code == 422
    own = await client.post(
        care_url(r.event_id, "/permissions"), json={"user_id": r.owner.id}, headers=r.owner.headers
    )
    assert own.status_code == 201
    again = await client.post(
        care_url(r.event_id, "/permissions"), json={"user_id": r.owner.id}, headers=r.owner.headers
    )
    assert again.status_code == 201 and len(again.json()) == 1
    assert len(await cs.log_rows(r.event_id, "granted")) == 1  # granting twice changes nothing
    log = await client.get(care_url(r.event_id, "/log"), headers=r.owner.headers)
    assert log.status_code == 200
    assert [i["action"] for i in log.json()["items"]] == ["granted", "refused"]
    assert (await client.get(care_url(r.event_id, "/log"), headers=r.organiser.headers)).status_code == 403


async def test_guest_enters_the_party_needs(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await cs.retreat(factory)
    mine = f"/api/v1/me/retreats/{r.event_id}/care"
    saved = await client.put(
        f"{mine}/{r.companions[0]}", json={"mobility": "Walking stick", "dietary": "No seafood"},
        headers=r.guest.headers,
    )  # fmt: skip
    assert saved.status_code == 200, saved.text
    assert saved.json()["mobility"] == "Walking stick"
    party = await client.get(mine, headers=r.guest.headers)
    assert [p["registration_id"] for p in party.json()] == [r.guest_registration, r.companions[0]]
    assert party.json()[0]["answers"][0]["answer"] == "Wheelchair, low-salt diet"
    # Someone else's registration: 404, as if it did not exist.
    other = await cs.retreat(factory)
    assert (
        await client.put(f"{mine}/{other.guest_registration}", json={}, headers=r.guest.headers)
    ).status_code == 404
    assert (await client.get(mine, headers=other.organiser.headers)).status_code == 404
    updates = await cs.log_rows(r.event_id, "update")
    assert [(u["user"], u["registration"], u["detail"]) for u in updates] == [
        (r.guest.id, r.companions[0], "self")
    ]
    assert await cs.log_rows(r.event_id, "read") == []  # the guest's own view is not an organiser read


async def test_care_csv_for_holders_only(client: httpx.AsyncClient, factory: Factory) -> None:
    import csv
    import io

    r = await cs.retreat(factory, companions=2)
    url = care_url(r.event_id, "/export.csv")
    refused = await client.get(url, headers=r.organiser.headers)
    assert refused.status_code == 403
    assert [x["detail"] for x in await cs.log_rows(r.event_id, "refused")] == ["export: care csv"]
    await cs.grant(r.organiser.id, r.event_id, r.owner.id)
    mine = f"/api/v1/me/retreats/{r.event_id}/care/{r.companions[1]}"
    assert (await client.put(mine, json={"dietary": "No pork"}, headers=r.guest.headers)).status_code == 200
    response = await client.get(url, headers=r.organiser.headers)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(x["Name"], x["Role"], x["Party of"]) for x in rows] == [
        ("Academician Zhang", "Guest", ""),
        ("Companion 2", "Companion", "Academician Zhang"),
    ]
    assert (
        rows[0][cs.HEALTH_EN] == "Wheelchair, low-salt diet" and rows[1]["Dietary requirements"] == "No pork"
    )
    exports = await cs.log_rows(r.event_id, "export")
    assert [(x["user"], x["detail"]) for x in exports] == [(r.organiser.id, "care csv (3)")]
