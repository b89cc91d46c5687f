"""Test data for retreat invitations: a retreat, invitations through the API, accepted guests."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import httpx

from tests import factories
from tests.factories import Factory, csrf_token


@dataclass
class Guest:
    """A guest who accepted through the personal link; ``client`` is signed in as them."""

    owner: factories.TestUser
    event_id: int
    invitation_id: int
    secret: str
    user_id: int
    email: str
    registration_id: int
    headers: dict[str, str]  # bearer token of the guest's account, for the API


async def retreat(factory: Factory, *, days_ahead: int = 20, **fields: Any) -> tuple[factories.TestUser, int]:
    """An organiser and their published, invitation-only retreat of five days."""
    owner, org_id = await factory.organiser()
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=days_ahead)
    values: dict[str, Any] = {
        "kind": "retreat",
        "invitation_only": True,
        "title_en": "Academician Retreat",
        "title_zh": "院士疗休养",
        "starts_at": start,
        "ends_at": start + dt.timedelta(days=5),
        **fields,
    }
    return owner, await factory.event(org_id, **values)


def secret_of(link: str) -> str:
    match = re.search(r"/retreat-invitations/([A-Za-z0-9_-]+)$", link)
    assert match, link
    return match.group(1)


async def invite(
    client: httpx.AsyncClient, owner: factories.TestUser, event_id: int, **fields: Any
) -> tuple[int, str]:
    """Invite through the API: (invitation id, the link's secret)."""
    body = {"name": "王院士", "email": f"{factories.unique('guest')}@example.test", **fields}
    response = await client.post(
        f"/api/v1/events/{event_id}/retreat-invitations", json=body, headers=owner.headers
    )
    assert response.status_code == 201, response.text
    created = response.json()
    return created["invitation"]["id"], secret_of(created["link"])


async def accept_on_page(client: httpx.AsyncClient, secret: str) -> httpx.Response:
    token = await csrf_token(client, f"/retreat-invitations/{secret}")
    return await client.post(f"/retreat-invitations/{secret}/accept", data={"_csrf_token": token})


async def accepted_guest(
    client: httpx.AsyncClient, factory: Factory, *, companions_allowed: int = 2, days_ahead: int = 20
) -> Guest:
    """A retreat and a guest without an account who accepts: the account is made and signed in."""
    from app.accounts.services import create_api_token
    from events.tables import RetreatInvitation

    owner, event_id = await retreat(factory, days_ahead=days_ahead)
    invitation_id, secret = await invite(client, owner, event_id, companions_allowed=companions_allowed)
    response = await accept_on_page(client, secret)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/me/retreats/{event_id}"
    row = await RetreatInvitation.select().where(RetreatInvitation.id == invitation_id).first()
    assert row is not None and row["status"] == "accepted"
    token, _ = await create_api_token(row["user"], "tests")
    return Guest(
        owner=owner,
        event_id=event_id,
        invitation_id=invitation_id,
        secret=secret,
        user_id=row["user"],
        email=row["email"],
        registration_id=row["registration"],
        headers={"Authorization": f"Bearer {token}"},
    )


async def add_companion(
    client: httpx.AsyncClient, guest: Guest, name: str = "李女士", **fields: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/me/retreats/{guest.event_id}/companions",
        json={"name": name, **fields},
        headers=guest.headers,
    )
