"""Test data for scanning: an event happening now, a list, paired devices, ticket tokens."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from tests import factories
from tests.checkin.support import confirmed_registration
from tests.factories import Factory


@dataclass
class Door:
    owner: factories.TestUser
    event_id: int
    ticket_type_id: int
    list_id: int
    device_token: str
    device_id: int

    @property
    def device_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.device_token}"}


def nonce() -> str:
    return uuid.uuid4().hex


async def event_now(factory: Factory, **fields: Any) -> tuple[factories.TestUser, int]:
    """An organiser and their published event running from an hour ago until tomorrow."""
    owner, org_id = await factory.organiser()
    now = dt.datetime.now(dt.UTC)
    values: dict[str, Any] = {
        "starts_at": now - dt.timedelta(hours=1),
        "ends_at": now + dt.timedelta(days=1),
        "timezone": "Asia/Shanghai",
        **fields,
    }
    return owner, await factory.event(org_id, **values)


async def make_list(client: httpx.AsyncClient, owner: factories.TestUser, event_id: int, **rules: Any) -> int:
    response = await client.post(
        f"/api/v1/events/{event_id}/checkin-lists",
        json={"name_en": "Main gate", "name_zh": "正门", **rules},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def pair_device(
    client: httpx.AsyncClient, owner: factories.TestUser, event_id: int, name: str = "Door 1", **fields: Any
) -> tuple[int, str]:
    """Add a device and pair it through the API: (device id, device token)."""
    created = await client.post(
        f"/api/v1/events/{event_id}/scanner-devices", json={"name": name, **fields}, headers=owner.headers
    )
    assert created.status_code == 201, created.text
    paired = await client.post("/api/v1/checkin/pair", json={"code": created.json()["code"]})
    assert paired.status_code == 201, paired.text
    return created.json()["device"]["id"], paired.json()["device_token"]


async def door(client: httpx.AsyncClient, factory: Factory, **rules: Any) -> Door:
    owner, event_id = await event_now(factory)
    ticket_type_id = await factory.ticket_type(event_id)
    list_id = await make_list(client, owner, event_id, **rules)
    device_id, token = await pair_device(client, owner, event_id)
    return Door(owner, event_id, ticket_type_id, list_id, token, device_id)


async def ticket(factory: Factory, event_id: int) -> tuple[int, str]:
    """A confirmed registration of the event and its live token: (registration id, token)."""
    from checkin.tokens import issue_token

    reg = await confirmed_registration(factory, event_id)
    return reg["registration_id"], await issue_token(reg["registration_id"], reason="first")


async def scan(
    client: httpx.AsyncClient, d: Door, token: str | None = None, *, key: str | None = None, **extra: Any
) -> httpx.Response:
    body: dict[str, Any] = {"list_id": d.list_id, "nonce": key or nonce(), **extra}
    if token is not None:
        body["token"] = token
    return await client.post("/api/v1/checkin/scans", json=body, headers=d.device_headers)
