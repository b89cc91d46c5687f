"""Complimentary access (platform admins) and databank seats (institution admins): limits, who may
do what, and access following grants and revocations at once."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx

from roadshows.tables import InstitutionSeat
from tests.factories import Factory
from tests.roadshows.subscriptions_support import full_access, institution

SOON = (dt.date.today() + dt.timedelta(days=30)).isoformat()


async def _grant(client: httpx.AsyncClient, admin_headers: dict[str, str], inst_id: int, seats: int) -> dict:
    response = await client.post(
        f"/api/v1/institutions/{inst_id}/complimentary",
        json={"seats": seats, "until": SOON, "note": "Pilot partner"},
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _assign(
    client: httpx.AsyncClient, headers: dict[str, str], inst_id: int, user_id: int
) -> httpx.Response:
    return await client.post(
        f"/api/v1/institutions/{inst_id}/seats", json={"user_id": user_id}, headers=headers
    )


async def test_complimentary_grant_gives_access_to_seat_holders_and_revoke_takes_it(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    platform = await factory.user(admin=True)
    inst = await institution(factory, members=1)
    grant = await _grant(client, platform.headers, inst.id, seats=2)
    assert (grant["source"], grant["plan"], grant["status"], grant["live"]) == (
        "complimentary",
        "complimentary",
        "active",
        True,
    )
    assert grant["current_period_end"].startswith(SOON)
    assert not await full_access(inst.admin)  # no seat yet

    assert (await _assign(client, inst.admin.headers, inst.id, inst.admin.id)).status_code == 200
    assert await full_access(inst.admin)
    assert not await full_access(inst.members[0])

    revoked = await client.post(f"/api/v1/subscriptions/{grant['id']}/revoke", headers=platform.headers)
    assert revoked.status_code == 200 and revoked.json()["status"] == "canceled"
    assert not await full_access(inst.admin)


async def test_only_platform_admins_grant_and_revoke(client: httpx.AsyncClient, factory: Factory) -> None:
    platform = await factory.user(admin=True)
    organiser, _org = await factory.organiser()
    inst = await institution(factory)
    body = {"seats": 1, "until": SOON}
    for person in (organiser, inst.admin):
        response = await client.post(
            f"/api/v1/institutions/{inst.id}/complimentary", json=body, headers=person.headers
        )
        assert response.status_code == 403
    grant = await _grant(client, platform.headers, inst.id, seats=1)
    response = await client.post(f"/api/v1/subscriptions/{grant['id']}/revoke", headers=inst.admin.headers)
    assert response.status_code == 403
    past = await client.post(
        f"/api/v1/institutions/{inst.id}/complimentary",
        json={"seats": 1, "until": "2020-01-01"},
        headers=platform.headers,
    )
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "until"
    missing = await client.post(
        "/api/v1/institutions/999999/complimentary", json=body, headers=platform.headers
    )
    assert missing.status_code == 404


async def test_seat_limit_is_the_sum_of_live_subscriptions(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    platform = await factory.user(admin=True)
    inst = await institution(factory, members=3)
    a, b, c = inst.members

    none_yet = await _assign(client, inst.admin.headers, inst.id, a.id)
    assert none_yet.status_code == 409 and none_yet.json()["code"] == "no_free_seat"

    await _grant(client, platform.headers, inst.id, seats=2)
    assert (await _assign(client, inst.admin.headers, inst.id, a.id)).status_code == 200
    assert (await _assign(client, inst.admin.headers, inst.id, a.id)).status_code == 200  # idempotent
    assert (await _assign(client, inst.admin.headers, inst.id, b.id)).status_code == 200
    full = await _assign(client, inst.admin.headers, inst.id, c.id)
    assert full.status_code == 409 and full.json()["code"] == "no_free_seat"

    freed = await client.delete(f"/api/v1/institutions/{inst.id}/seats/{a.id}", headers=inst.admin.headers)
    assert freed.status_code == 204
    assert not await full_access(a)
    assert (await _assign(client, inst.admin.headers, inst.id, c.id)).status_code == 200
    assert await full_access(c)

    await _grant(client, platform.headers, inst.id, seats=1)  # a second grant adds its seats
    assert (await _assign(client, inst.admin.headers, inst.id, a.id)).status_code == 200
    seats = (await client.get(f"/api/v1/institutions/{inst.id}/seats", headers=b.headers)).json()
    assert {s["user_id"] for s in seats} == {a.id, b.id, c.id}


async def test_the_last_seat_cannot_be_taken_twice_at_once(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    platform = await factory.user(admin=True)
    inst = await institution(factory, members=4)
    await _grant(client, platform.headers, inst.id, seats=1)
    responses = await asyncio.gather(
        *(_assign(client, inst.admin.headers, inst.id, person.id) for person in inst.members)
    )
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409]
    assert await InstitutionSeat.count().where(InstitutionSeat.institution == inst.id) == 1


async def test_who_may_manage_seats(client: httpx.AsyncClient, factory: Factory) -> None:
    platform = await factory.user(admin=True)
    inst = await institution(factory, members=1)
    other = await institution(factory)
    outsider = await factory.user()
    await _grant(client, platform.headers, inst.id, seats=3)
    member = inst.members[0]

    by_member = await _assign(client, member.headers, inst.id, member.id)
    assert by_member.status_code == 403 and by_member.json()["code"] == "not_institution_admin"
    assert (await _assign(client, other.admin.headers, inst.id, member.id)).status_code == 404
    not_member = await _assign(client, inst.admin.headers, inst.id, outsider.id)
    assert not_member.status_code == 404 and not_member.json()["code"] == "not_a_member"
    cross = await _assign(client, inst.admin.headers, inst.id, other.admin.id)
    assert cross.status_code == 404
    assert (
        await client.get(f"/api/v1/institutions/{inst.id}/seats", headers=other.admin.headers)
    ).status_code == 404

    assert (await _assign(client, inst.admin.headers, inst.id, member.id)).status_code == 200
    remove = f"/api/v1/institutions/{inst.id}/seats/{member.id}"
    assert (await client.delete(remove, headers=other.admin.headers)).status_code == 404
    assert (await client.delete(remove, headers=member.headers)).status_code == 403
    assert (await client.delete(remove, headers=inst.admin.headers)).status_code == 204
    assert (await client.delete(remove, headers=inst.admin.headers)).status_code == 404


async def test_an_ended_grant_gives_no_access(client: httpx.AsyncClient, factory: Factory) -> None:
    from roadshows.tables import InstitutionSubscription

    platform = await factory.user(admin=True)
    inst = await institution(factory)
    grant = await _grant(client, platform.headers, inst.id, seats=1)
    assert (await _assign(client, inst.admin.headers, inst.id, inst.admin.id)).status_code == 200
    assert await full_access(inst.admin)
    await InstitutionSubscription.update(
        {InstitutionSubscription.current_period_end: dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)}
    ).where(InstitutionSubscription.id == grant["id"])
    assert not await full_access(inst.admin)
