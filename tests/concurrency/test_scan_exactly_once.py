"""Simultaneous scans over real sockets at running servers: each ticket gets in exactly once.

Ten phones scanning the same ticket at the same moment, the same nonce retried in parallel,
and the same burst split across two server processes (which share only the database): one
``ok`` per ticket and list, and the database holds exactly one admission.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import httpx
import pytest

from checkin.tables import Checkin, CheckinPresence
from tests.checkin.scan_support import event_now, ticket
from tests.factories import Factory, TestUser
from tests.live import LiveServer
from tests.live_fixtures import StartLiveServer

pytestmark = pytest.mark.concurrency

TICKETS = 15
PHONES = 10


async def _door(base_url: str, factory: Factory) -> tuple[TestUser, int, int, list[str]]:
    """(organiser, event id, list id, device tokens of PHONES paired phones) via the live server."""
    owner, event_id = await event_now(factory)
    async with httpx.AsyncClient(base_url=base_url, headers=owner.headers) as http:
        made = await http.post(f"/api/v1/events/{event_id}/checkin-lists", json={"name_en": "Hall"})
        assert made.status_code == 201, made.text
        tokens = []
        for n in range(PHONES):
            device = await http.post(
                f"/api/v1/events/{event_id}/scanner-devices", json={"name": f"Phone {n}"}
            )
            paired = await http.post("/api/v1/checkin/pair", json={"code": device.json()["code"]}, headers={})
            assert paired.status_code == 201, paired.text
            tokens.append(paired.json()["device_token"])
    return owner, event_id, made.json()["id"], tokens


async def _scan(
    http: httpx.AsyncClient, list_id: int, device: str, token: str, nonce: str | None = None
) -> dict:
    response = await http.post(
        "/api/v1/checkin/scans",
        json={"list_id": list_id, "nonce": nonce or uuid.uuid4().hex, "token": token},
        headers={"Authorization": f"Bearer {device}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _stored_admissions(list_id: int) -> Counter[int]:
    rows = await Checkin.select(Checkin.registration).where(
        (Checkin.checkin_list == list_id) & (Checkin.admitted == True)  # noqa: E712
    )
    return Counter(r["registration"] for r in rows)


async def test_ten_phones_scanning_each_ticket_at_once_admit_it_once(
    live_server: LiveServer, factory: Factory
) -> None:
    _owner, event_id, list_id, phones = await _door(live_server.base_url, factory)
    tickets = [await ticket(factory, event_id) for _ in range(TICKETS)]
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=30) as http:
        answers = await asyncio.gather(
            *(_scan(http, list_id, phone, token) for _reg, token in tickets for phone in phones)
        )
    codes = Counter(a["code"] for a in answers)
    assert codes == Counter(ok=TICKETS, already_checked_in=TICKETS * (PHONES - 1)), codes
    per_ticket = Counter(a["attendee"]["registration_id"] for a in answers if a["code"] == "ok")
    assert set(per_ticket.values()) == {1} and len(per_ticket) == TICKETS
    assert await _stored_admissions(list_id) == Counter({reg: 1 for reg, _t in tickets})
    assert await CheckinPresence.count().where(CheckinPresence.checkin_list == list_id) == TICKETS
    assert await Checkin.count().where(Checkin.checkin_list == list_id) == TICKETS * PHONES


async def test_a_nonce_retried_in_parallel_is_recorded_once(
    live_server: LiveServer, factory: Factory
) -> None:
    _owner, event_id, list_id, phones = await _door(live_server.base_url, factory)
    reg_id, token = await ticket(factory, event_id)
    nonce = uuid.uuid4().hex
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=30) as http:
        answers = await asyncio.gather(*(_scan(http, list_id, phones[0], token, nonce) for _ in range(8)))
    assert {a["code"] for a in answers} == {"ok"}
    assert len({a["scan_id"] for a in answers}) == 1
    assert await Checkin.count().where(Checkin.registration == reg_id) == 1


async def test_two_server_processes_admit_each_ticket_once(
    start_live_server: StartLiveServer, factory: Factory
) -> None:
    first, second = start_live_server(), start_live_server()
    try:
        _owner, event_id, list_id, phones = await _door(first.base_url, factory)
        tickets = [await ticket(factory, event_id) for _ in range(TICKETS)]
        async with (
            httpx.AsyncClient(base_url=first.base_url, timeout=30) as one,
            httpx.AsyncClient(base_url=second.base_url, timeout=30) as two,
        ):
            answers = await asyncio.gather(
                *(
                    _scan(one if n % 2 else two, list_id, phone, token)
                    for _reg, token in tickets
                    for n, phone in enumerate(phones)
                )
            )
    finally:
        first.stop()
        second.stop()
    codes = Counter(a["code"] for a in answers)
    assert codes == Counter(ok=TICKETS, already_checked_in=TICKETS * (PHONES - 1)), codes
    assert await _stored_admissions(list_id) == Counter({reg: 1 for reg, _t in tickets})


async def test_control_run_without_the_guard_admits_twice(
    start_live_server: StartLiveServer, factory: Factory
) -> None:
    """The same burst against the naive read-then-write path double-admits: the tests above can fail."""
    server = start_live_server(LUYAN_UNGUARDED_CHECKIN="1")
    try:
        _owner, event_id, list_id, phones = await _door(server.base_url, factory)
        tickets = [await ticket(factory, event_id) for _ in range(TICKETS)]
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            answers = await asyncio.gather(
                *(_scan(http, list_id, phone, token) for _reg, token in tickets for phone in phones)
            )
    finally:
        server.stop()
    codes = Counter(a["code"] for a in answers)
    stored = await _stored_admissions(list_id)
    print(
        f"control run: {dict(codes)}; tickets admitted more than once: {sum(n > 1 for n in stored.values())}"
    )
    assert codes["ok"] > TICKETS, f"the unguarded path did not double-admit: {codes}"
    assert max(stored.values()) > 1
