"""The scan API: every code, nonce idempotency, forged and tampered tokens, rules, access."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx

from checkin.base45 import b45decode, b45encode
from checkin.tables import Checkin, CheckinPresence
from tests.checkin.scan_support import Door, door, event_now, make_list, nonce, pair_device, scan, ticket
from tests.factories import Factory


async def _admissions(list_id: int, registration_id: int) -> int:
    return await Checkin.count().where(
        (Checkin.checkin_list == list_id)
        & (Checkin.registration == registration_id)
        & (Checkin.admitted == True)  # noqa: E712
    )


async def test_a_genuine_ticket_gets_in_once_then_is_already_checked_in(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    d = await door(client, factory)
    reg_id, token = await ticket(factory, d.event_id)

    first = await scan(client, d, token)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["code"] == "ok" and body["admitted"] is True
    assert body["attendee"]["registration_id"] == reg_id
    assert body["attendee"]["ticket_type"] == "Standard"
    assert body["previous"] is None

    second = (await scan(client, d, token)).json()
    assert second["code"] == "already_checked_in" and second["admitted"] is False
    assert second["previous"]["list_id"] == d.list_id
    assert second["previous"]["device"] == "Door 1"
    assert second["previous"]["list_name"] == "Main gate"
    assert await _admissions(d.list_id, reg_id) == 1
    assert await CheckinPresence.count().where(CheckinPresence.registration == reg_id) == 1


async def test_answers_are_localised(client: httpx.AsyncClient, factory: Factory) -> None:
    d = await door(client, factory)
    _reg, token = await ticket(factory, d.event_id)
    response = await client.post(
        "/api/v1/checkin/scans",
        json={"list_id": d.list_id, "nonce": nonce(), "token": token},
        headers={**d.device_headers, "Accept-Language": "zh-CN"},
    )
    body = response.json()
    assert body["code"] == "ok"
    assert body["attendee"]["ticket_type"] == "标准票"
    assert body["message"] != "Welcome! Checked in." and body["message"]


async def test_a_retried_nonce_returns_the_first_answer_and_records_nothing(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    d = await door(client, factory)
    reg_id, token = await ticket(factory, d.event_id)
    key = nonce()
    first = (await scan(client, d, token, key=key)).json()
    again = (await scan(client, d, token, key=key)).json()
    assert first["code"] == again["code"] == "ok"
    assert first["scan_id"] == again["scan_id"]
    assert await Checkin.count().where(Checkin.registration == reg_id) == 1
    # A new nonce is a new scan.
    assert (await scan(client, d, token)).json()["code"] == "already_checked_in"
    assert await Checkin.count().where(Checkin.registration == reg_id) == 2


async def test_ten_simultaneous_scans_of_one_ticket_give_exactly_one_ok(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    d = await door(client, factory)
    reg_id, token = await ticket(factory, d.event_id)
    responses = await asyncio.gather(*(scan(client, d, token) for _ in range(10)))
    codes = sorted(r.json()["code"] for r in responses)
    assert codes == ["already_checked_in"] * 9 + ["ok"]
    assert await _admissions(d.list_id, reg_id) == 1


async def test_garbage_forged_and_tampered_tokens_get_one_uniform_answer(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    d = await door(client, factory)
    reg_id, token = await ticket(factory, d.event_id)
    raw = b45decode(token)
    flipped = bytearray(raw)
    flipped[3] ^= 0x01  # an altered payload (another registration id or serial)
    forged_signature = raw[:-64] + bytes(64)
    bad = [
        "hello",
        "",
        "A" * 300,
        token[:-3],
        b45encode(bytes(flipped)),
        b45encode(forged_signature),
        b45encode(b"\x11" + bytes(80)),
    ]
    answers = []
    for candidate in bad:
        response = await scan(client, d, candidate or "x")
        assert response.status_code in (200, 422), response.text
        if response.status_code == 200:
            answers.append(response.json())
    assert answers and all(a["code"] == "unknown" and a["attendee"] is None for a in answers)
    assert len({a["message"] for a in answers}) == 1
    assert {frozenset(a) for a in answers} == {frozenset(answers[0])}  # same shape every time
    assert await _admissions(d.list_id, reg_id) == 0


async def test_a_ticket_of_another_event_is_wrong_event(client: httpx.AsyncClient, factory: Factory) -> None:
    d = await door(client, factory)
    _owner, other_event = await event_now(factory)
    _reg, foreign = await ticket(factory, other_event)
    body = (await scan(client, d, foreign)).json()
    assert body["code"] == "wrong_event" and body["attendee"] is None


async def test_a_reissued_or_cancelled_ticket_is_revoked(client: httpx.AsyncClient, factory: Factory) -> None:
    from checkin.tokens import issue_token
    from events.tables import Registration

    d = await door(client, factory)
    reg_id, old = await ticket(factory, d.event_id)
    new = await issue_token(reg_id, reason="reissued")
    assert (await scan(client, d, old)).json()["code"] == "revoked"
    reg2, token2 = await ticket(factory, d.event_id)
    await Registration.update({Registration.status: "cancelled"}).where(Registration.id == reg2)
    assert (await scan(client, d, token2)).json()["code"] == "revoked"
    assert (await scan(client, d, new)).json()["code"] == "ok"


async def test_an_unconfirmed_registration_is_not_approved(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    from events.tables import Registration

    d = await door(client, factory)
    reg_id, token = await ticket(factory, d.event_id)
    await Registration.update({Registration.status: "pending"}).where(Registration.id == reg_id)
    assert (await scan(client, d, token)).json()["code"] == "not_approved"


async def test_expired_and_future_tickets_are_not_valid_now(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    for start in (dt.timedelta(days=-10), dt.timedelta(days=10)):
        now = dt.datetime.now(dt.UTC)
        owner, event_id = await event_now(
            factory, starts_at=now + start, ends_at=now + start + dt.timedelta(hours=8)
        )
        list_id = await make_list(client, owner, event_id)
        _device, device_token = await pair_device(client, owner, event_id)
        _reg, token = await ticket(factory, event_id)
        response = await client.post(
            "/api/v1/checkin/scans",
            json={"list_id": list_id, "nonce": nonce(), "token": token},
            headers={"Authorization": f"Bearer {device_token}"},
        )
        assert response.json()["code"] == "not_valid_now"


async def test_list_rules_ticket_types_reentry_and_exit(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await event_now(factory)
    vip = await factory.ticket_type(event_id, name_en="VIP", name_zh="贵宾")
    vip_list = await make_list(
        client, owner, event_id, ticket_type_ids=[vip], allow_reentry=True, allow_exit=True
    )
    _dev, device_token = await pair_device(client, owner, event_id)
    d = Door(owner, event_id, vip, vip_list, device_token, 0)
    _reg, standard_token = await ticket(factory, event_id)  # a Standard ticket type
    assert (await scan(client, d, standard_token)).json()["code"] == "wrong_list"

    from events.tables import Registration

    reg_id, token = await ticket(factory, event_id)
    await Registration.update({Registration.ticket_type: vip}).where(Registration.id == reg_id)
    from checkin.tokens import issue_token

    token = await issue_token(reg_id, reason="ticket type changed")
    assert (await scan(client, d, token)).json()["code"] == "ok"
    assert (await scan(client, d, token)).json()["code"] == "already_checked_in"  # inside: exit first
    assert (await scan(client, d, token, direction="exit")).json()["code"] == "ok"
    assert (await scan(client, d, token, direction="exit")).json()["code"] == "not_inside"
    assert (await scan(client, d, token)).json()["code"] == "ok"  # re-entry after exit
    presence = await CheckinPresence.select().where(CheckinPresence.registration == reg_id).first()
    assert presence["entries"] == 2 and presence["inside"]


async def test_exit_scans_on_a_list_without_exits_are_refused(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    d = await door(client, factory)
    _reg, token = await ticket(factory, d.event_id)
    response = await scan(client, d, token, direction="exit")
    assert response.status_code == 422 and response.json()["code"] == "exit_not_allowed"


async def test_manual_check_in_by_registration_id(client: httpx.AsyncClient, factory: Factory) -> None:
    d = await door(client, factory)
    reg_id, _token = await ticket(factory, d.event_id)
    body = (await scan(client, d, registration_id=reg_id)).json()
    assert body["code"] == "ok" and body["attendee"]["registration_id"] == reg_id
    assert (await scan(client, d, registration_id=reg_id)).json()["code"] == "already_checked_in"
    both = await scan(client, d, "x", registration_id=reg_id)
    assert both.status_code == 422


async def test_a_registration_of_another_event_cannot_be_checked_in_by_id(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    d = await door(client, factory)
    _owner, other_event = await event_now(factory)
    other_reg, _token = await ticket(factory, other_event)
    body = (await scan(client, d, registration_id=other_reg)).json()
    assert body["code"] == "wrong_event" and body["attendee"] is None


async def test_scanners_reach_only_their_event_and_lists(client: httpx.AsyncClient, factory: Factory) -> None:
    d = await door(client, factory)
    other = await door(client, factory)
    _reg, token = await ticket(factory, d.event_id)
    # A device of another event: the list is "not found".
    response = await client.post(
        "/api/v1/checkin/scans",
        json={"list_id": d.list_id, "nonce": nonce(), "token": token},
        headers=other.device_headers,
    )
    assert response.status_code == 404
    # A device limited to one list cannot use another list of the same event.
    second_list = await make_list(client, d.owner, d.event_id)
    _dev, limited = await pair_device(client, d.owner, d.event_id, name="Side door", list_ids=[second_list])
    response = await client.post(
        "/api/v1/checkin/scans",
        json={"list_id": d.list_id, "nonce": nonce(), "token": token},
        headers={"Authorization": f"Bearer {limited}"},
    )
    assert response.status_code == 404
    # Strangers, anonymous callers and bad device tokens.
    stranger = await factory.user()
    body = {"list_id": d.list_id, "nonce": nonce(), "token": token}
    assert (
        await client.post("/api/v1/checkin/scans", json=body, headers=stranger.headers)
    ).status_code == 404
    assert (await client.post("/api/v1/checkin/scans", json=body)).status_code in (401, 403)
    bad = {"Authorization": "Bearer lyd_not-a-real-token"}
    assert (await client.post("/api/v1/checkin/scans", json=body, headers=bad)).status_code == 401


async def test_check_in_staff_can_scan_with_their_own_account(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    from events.tables import EventStaff

    d = await door(client, factory)
    staff = await factory.user()
    await EventStaff(event=d.event_id, user=staff.id).save()
    _reg, token = await ticket(factory, d.event_id)
    response = await client.post(
        "/api/v1/checkin/scans",
        json={"list_id": d.list_id, "nonce": nonce(), "token": token},
        headers=staff.headers,
    )
    assert response.json()["code"] == "ok"


async def test_a_revoked_device_stops_at_once(client: httpx.AsyncClient, factory: Factory) -> None:
    d = await door(client, factory)
    _reg, token = await ticket(factory, d.event_id)
    assert (await scan(client, d, token)).status_code == 200
    revoked = await client.post(
        f"/api/v1/events/{d.event_id}/scanner-devices/{d.device_id}/revoke", headers=d.owner.headers
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert (await scan(client, d, token)).status_code == 401


async def test_malformed_scans_are_422_never_500(client: httpx.AsyncClient, factory: Factory) -> None:
    d = await door(client, factory)
    for body in (
        {},
        {"list_id": d.list_id, "nonce": "short", "token": "x"},
        {"list_id": d.list_id, "nonce": "has spaces in it", "token": "x"},
        {"list_id": "one", "nonce": nonce(), "token": "x"},
        {"list_id": d.list_id, "nonce": nonce()},
        {"list_id": d.list_id, "nonce": nonce(), "token": "x", "direction": "sideways"},
        {"list_id": d.list_id, "nonce": nonce(), "token": "x", "extra": 1},
    ):
        response = await client.post("/api/v1/checkin/scans", json=body, headers=d.device_headers)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["code"] in ("invalid_input", "exit_not_allowed")


async def test_scanning_too_fast_is_rate_limited_per_device(
    client: httpx.AsyncClient, factory: Factory, monkeypatch
) -> None:
    import dataclasses

    from app.settings import get_settings

    slow = dataclasses.replace(get_settings(), scan_rate_per_second=1)  # 10 per 10-second window
    monkeypatch.setattr("checkin.ratelimit.get_settings", lambda: slow)
    d = await door(client, factory)
    other = await door(client, factory)
    _reg, token = await ticket(factory, d.event_id)
    statuses = [(await scan(client, d, token)).status_code for _ in range(12)]
    limited = [s for s in statuses if s == 429]
    assert limited, statuses
    response = await scan(client, d, token)
    assert response.status_code == 429 and int(response.headers["retry-after"]) >= 1
    assert response.json()["code"] == "scan_rate_limited"
    _reg2, token2 = await ticket(factory, other.event_id)
    assert (await scan(client, other, token2)).status_code == 200  # other devices are not affected


async def test_a_list_with_scans_cannot_be_deleted(client: httpx.AsyncClient, factory: Factory) -> None:
    d = await door(client, factory)
    _reg, token = await ticket(factory, d.event_id)
    await scan(client, d, token)
    url = f"/api/v1/events/{d.event_id}/checkin-lists/{d.list_id}"
    response = await client.delete(url, headers=d.owner.headers)
    assert response.status_code == 409 and response.json()["code"] == "checkin_list_in_use"
    assert await Checkin.count().where(Checkin.checkin_list == d.list_id) == 1
