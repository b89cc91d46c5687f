"""Offline mode, server side: the bundle a scanner downloads and the sync of queued scans."""

from __future__ import annotations

import base64
import datetime as dt

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from checkin.base45 import b45decode
from checkin.tables import Checkin, CheckinPresence
from tests.checkin.scan_support import door, nonce, pair_device, scan, ticket
from tests.factories import Factory


def _offline(d, token: str | None = None, *, admitted: bool = True, minutes_ago: int = 5, **extra) -> dict:
    item = {
        "list_id": d.list_id,
        "nonce": nonce(),
        "scanned_at": (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)).isoformat(),
        "admitted_offline": admitted,
        **extra,
    }
    if token is not None:
        item["token"] = token
    return item


async def test_the_bundle_lets_a_phone_verify_tickets_without_the_server(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    from checkin.tokens import issue_token

    d = await door(client, factory)
    reg_id, token = await ticket(factory, d.event_id)
    reissued_id, _old = await ticket(factory, d.event_id)
    await issue_token(reissued_id, reason="reissued")
    assert (await scan(client, d, token)).json()["code"] == "ok"

    response = await client.get(f"/api/v1/checkin/bundle?event_id={d.event_id}", headers=d.device_headers)
    assert response.status_code == 200, response.text
    bundle = response.json()
    assert bundle["event"]["id"] == d.event_id and bundle["event"]["timezone"] == "Asia/Shanghai"
    assert bundle["device"]["name"] == "Door 1"
    # The public key alone verifies a ticket's signature.
    (key,) = bundle["public_keys"]
    raw = b45decode(token)
    Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"])).verify(raw[-64:], raw[:-64])
    assert {"registration_id": reissued_id, "serial": 1} in bundle["revoked"]
    attendee = next(a for a in bundle["attendees"] if a["registration_id"] == reg_id)
    assert attendee["status"] == "confirmed" and attendee["serial"] == 1 and attendee["name"]
    assert [lst["id"] for lst in bundle["lists"]] == [d.list_id]
    assert {"list_id": d.list_id, "registration_id": reg_id, "inside": True} in bundle["checked_in"]
    assert bundle["ticket_types"][0]["name_zh"] == "标准票"


async def test_the_bundle_is_only_for_the_event_s_scanners(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    d = await door(client, factory)
    other = await door(client, factory)
    url = f"/api/v1/checkin/bundle?event_id={d.event_id}"
    assert (await client.get(url, headers=other.device_headers)).status_code == 404
    assert (await client.get(url, headers=(await factory.user()).headers)).status_code == 404
    assert (await client.get(url, headers=d.owner.headers)).status_code == 200


async def test_offline_admissions_sync_and_double_admissions_become_conflicts(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    d = await door(client, factory)
    _second_id, second_phone = await pair_device(client, d.owner, d.event_id, name="Door 2")
    reg_id, token = await ticket(factory, d.event_id)
    # Door 1 admitted the ticket online; Door 2, offline, admitted it again.
    assert (await scan(client, d, token)).json()["code"] == "ok"
    upload = {"scans": [_offline(d, token, minutes_ago=1)]}
    response = await client.post(
        "/api/v1/checkin/sync", json=upload, headers={"Authorization": f"Bearer {second_phone}"}
    )
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert (
        result["code"] == "already_checked_in" and result["admitted"] is True and result["conflict"] is True
    )
    assert result["previous"]["device"] == "Door 1"
    rows = await Checkin.select().where(Checkin.registration == reg_id).order_by(Checkin.id)
    assert [(r["admitted"], r["offline"], r["conflict"]) for r in rows] == [
        (True, False, False),
        (True, True, True),
    ]
    presence = await CheckinPresence.select().where(CheckinPresence.registration == reg_id).first()
    assert presence["entries"] == 2
    # Uploading the same queue again (the answer was lost) changes nothing.
    again = await client.post(
        "/api/v1/checkin/sync", json=upload, headers={"Authorization": f"Bearer {second_phone}"}
    )
    assert again.json()["results"][0]["scan_id"] == result["scan_id"]
    assert await Checkin.count().where(Checkin.registration == reg_id) == 2


async def test_a_queue_is_applied_in_order(client: httpx.AsyncClient, factory: Factory) -> None:
    d = await door(client, factory)
    reg_id, token = await ticket(factory, d.event_id)
    refused = _offline(d, token, admitted=False, minutes_ago=2)
    upload = {
        "scans": [
            _offline(d, token, minutes_ago=3),
            refused,
            _offline(d, registration_id=reg_id, admitted=False),
        ]
    }
    results = (await client.post("/api/v1/checkin/sync", json=upload, headers=d.device_headers)).json()[
        "results"
    ]
    assert [(r["code"], r["admitted"], r["conflict"]) for r in results] == [
        ("ok", True, False),
        ("already_checked_in", False, False),
        ("already_checked_in", False, False),
    ]
    first = await Checkin.select(Checkin.scanned_at).where(Checkin.id == results[0]["scan_id"]).first()
    assert abs(
        first["scanned_at"] - dt.datetime.fromisoformat(upload["scans"][0]["scanned_at"])
    ) < dt.timedelta(seconds=1)


async def test_an_offline_admission_of_a_revoked_ticket_is_a_conflict(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    from checkin.tokens import issue_token

    d = await door(client, factory)
    reg_id, old = await ticket(factory, d.event_id)
    await issue_token(reg_id, reason="reissued")
    (result,) = (
        await client.post(
            "/api/v1/checkin/sync", json={"scans": [_offline(d, old)]}, headers=d.device_headers
        )
    ).json()["results"]
    assert (result["code"], result["admitted"], result["conflict"]) == ("revoked", True, True)


async def test_a_malformed_upload_records_nothing(client: httpx.AsyncClient, factory: Factory) -> None:
    d = await door(client, factory)
    _reg, token = await ticket(factory, d.event_id)
    good = _offline(d, token)
    for bad in (
        {"scans": []},
        {"scans": [good, {**good, "nonce": "bad nonce!"}]},
        {"scans": [good, {**good, "list_id": 999_999}]},
        {"scans": [good] * 501},
    ):
        response = await client.post("/api/v1/checkin/sync", json=bad, headers=d.device_headers)
        assert response.status_code in (404, 422), response.text
    assert await Checkin.count().where(Checkin.checkin_list == d.list_id) == 0


async def test_search_finds_attendees_by_name_or_code(client: httpx.AsyncClient, factory: Factory) -> None:
    from events.tables import Registration

    d = await door(client, factory)
    reg_id, _token = await ticket(factory, d.event_id)
    await Registration.update({Registration.attendee_name: "王小明 Wang Xiaoming"}).where(
        Registration.id == reg_id
    )
    code = (await Registration.select(Registration.code).where(Registration.id == reg_id).first())["code"]
    for query in ("wang", "小明", code.lower()):
        hits = (
            await client.get(
                f"/api/v1/checkin/attendees?event_id={d.event_id}&q={query}", headers=d.device_headers
            )
        ).json()
        assert [h["registration_id"] for h in hits] == [reg_id], query
    assert (
        await client.get(f"/api/v1/checkin/attendees?event_id={d.event_id}&q=", headers=d.device_headers)
    ).json() == []


async def test_badge_carries_name_and_qr(client: httpx.AsyncClient, factory: Factory) -> None:
    d = await door(client, factory)
    reg_id, _token = await ticket(factory, d.event_id)
    badge = (
        await client.get(f"/api/v1/checkin/badge?registration_id={reg_id}", headers=d.device_headers)
    ).json()
    assert badge["name"] and badge["event_title"] == "Test Event" and badge["qr_svg"].startswith("<?xml")
    other = await door(client, factory)
    response = await client.get(
        f"/api/v1/checkin/badge?registration_id={reg_id}", headers=other.device_headers
    )
    assert response.status_code == 404
