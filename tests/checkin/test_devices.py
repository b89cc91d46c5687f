"""Scanner devices: pairing codes are single-use and expire, tokens are revocable, access is scoped."""

from __future__ import annotations

import datetime as dt

import httpx

from checkin.tables import ScannerDevice
from tests.checkin.scan_support import door, event_now, nonce, ticket
from tests.factories import Factory


async def _create(client: httpx.AsyncClient, owner, event_id: int, **fields) -> dict:
    response = await client.post(
        f"/api/v1/events/{event_id}/scanner-devices",
        json={"name": "Gate phone", **fields},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_pairing_code_pairs_one_phone_once(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await event_now(factory)
    created = await _create(client, owner, event_id)
    assert created["device"]["status"] == "awaiting_pairing"
    assert created["pairing_url_path"] == f"/scanner/pair#{created['code']}"
    stored = await ScannerDevice.select().where(ScannerDevice.id == created["device"]["id"]).first()
    assert created["code"] not in str(stored)  # only hashes are kept

    typed = created["code"].lower().replace("-", " ")  # typed by hand from the screen
    first = await client.post("/api/v1/checkin/pair", json={"code": typed})
    assert first.status_code == 201, first.text
    assert first.json()["device"]["event_id"] == event_id
    assert first.json()["device_token"].startswith("lyd_")
    second = await client.post("/api/v1/checkin/pair", json={"code": created["code"]})
    assert second.status_code == 404 and second.json()["code"] == "pairing_invalid"

    listed = (await client.get(f"/api/v1/events/{event_id}/scanner-devices", headers=owner.headers)).json()
    assert [(d["name"], d["status"]) for d in listed] == [("Gate phone", "paired")]


async def test_an_expired_pairing_code_is_refused(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await event_now(factory)
    created = await _create(client, owner, event_id)
    await ScannerDevice.update(
        {ScannerDevice.pairing_expires_at: dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)}
    ).where(ScannerDevice.id == created["device"]["id"])
    response = await client.post("/api/v1/checkin/pair", json={"code": created["code"]})
    assert response.status_code == 404


async def test_re_pairing_moves_the_device_to_a_new_phone(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    d = await door(client, factory)
    _reg, token = await ticket(factory, d.event_id)
    renewed = await client.post(
        f"/api/v1/events/{d.event_id}/scanner-devices/{d.device_id}/pairing", headers=d.owner.headers
    )
    assert renewed.status_code == 201
    new_phone = (await client.post("/api/v1/checkin/pair", json={"code": renewed.json()["code"]})).json()
    body = {"list_id": d.list_id, "nonce": nonce(), "token": token}
    headers = {"Authorization": f"Bearer {new_phone['device_token']}"}
    assert (await client.post("/api/v1/checkin/scans", json=body, headers=headers)).status_code == 200
    # The old phone's token was replaced.
    old = await client.post(
        "/api/v1/checkin/scans", json={**body, "nonce": nonce()}, headers=d.device_headers
    )
    assert old.status_code == 401


async def test_only_the_event_s_organisers_manage_devices(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    from events.tables import EventStaff

    d = await door(client, factory)
    staff = await factory.user()
    await EventStaff(event=d.event_id, user=staff.id).save()
    stranger_owner, _other_event = await event_now(factory)
    base = f"/api/v1/events/{d.event_id}/scanner-devices"
    for who in (staff, stranger_owner):
        assert (await client.get(base, headers=who.headers)).status_code == 404
        assert (await client.post(base, json={"name": "x"}, headers=who.headers)).status_code == 404
        assert (await client.post(f"{base}/{d.device_id}/revoke", headers=who.headers)).status_code == 404
    # A device token is not a user: it cannot reach organiser routes.
    assert (await client.get(base, headers=d.device_headers)).status_code == 401


async def test_devices_only_take_lists_of_their_event(client: httpx.AsyncClient, factory: Factory) -> None:
    d = await door(client, factory)
    other = await door(client, factory)
    response = await client.post(
        f"/api/v1/events/{d.event_id}/scanner-devices",
        json={"name": "x", "list_ids": [other.list_id]},
        headers=d.owner.headers,
    )
    assert response.status_code == 422
