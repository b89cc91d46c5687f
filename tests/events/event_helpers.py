"""Shared bits of the events tests: a valid creation payload and API shortcuts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from tests.factories import TestUser, unique


def in_days(days: int, hour: int = 9) -> str:
    """A naive local time (read in the event's time zone) ``days`` from today."""
    day = dt.date.today() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour)).isoformat()


def event_payload(org_id: int, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "organisation_id": org_id,
        "kind": "conference",
        "title_en": f"Jinhua Development Conference {unique('t')}",
        "title_zh": "金华发展大会",
        "city_en": "Jinhua",
        "city_zh": "金华",
        "venue_en": "Jinhua Expo Centre",
        "venue_zh": "金华会展中心",
        "timezone": "Asia/Shanghai",
        "starts_at": in_days(40),
        "ends_at": in_days(41, 17),
    }
    payload.update(overrides)
    return payload


async def create_event(client: httpx.AsyncClient, user: TestUser, org_id: int, **overrides: Any) -> dict:
    response = await client.post(
        "/api/v1/events", json=event_payload(org_id, **overrides), headers=user.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def publish(client: httpx.AsyncClient, user: TestUser, event_id: int) -> dict:
    response = await client.post(f"/api/v1/events/{event_id}/publish", headers=user.headers)
    assert response.status_code == 200, response.text
    return response.json()
