"""Who may do what: anonymous callers, attendees, and organisers of another organisation (IDOR)."""

from __future__ import annotations

import httpx
import pytest

from tests.events.event_helpers import create_event, in_days, publish
from tests.factories import Factory

ORGANISER_ROUTES = [
    ("POST", "/api/v1/events", {}),
    ("PATCH", "/api/v1/events/{id}", {"title_en": "x"}),
    ("POST", "/api/v1/events/{id}/publish", None),
    ("POST", "/api/v1/events/{id}/close", None),
    ("POST", "/api/v1/events/{id}/cancel", None),
    ("POST", "/api/v1/events/{id}/sessions", {}),
    ("PATCH", "/api/v1/events/{id}/sessions/1", {}),
    ("DELETE", "/api/v1/events/{id}/sessions/1", None),
    ("POST", "/api/v1/events/{id}/ticket-types", {}),
    ("PATCH", "/api/v1/events/{id}/ticket-types/1", {}),
    ("DELETE", "/api/v1/events/{id}/ticket-types/1", None),
    ("POST", "/api/v1/events/{id}/questions", {}),
    ("PATCH", "/api/v1/events/{id}/questions/1", {}),
    ("DELETE", "/api/v1/events/{id}/questions/1", None),
    ("GET", "/api/v1/events/{id}/invitation-codes", None),
    ("POST", "/api/v1/events/{id}/invitation-codes", {}),
    ("PATCH", "/api/v1/events/{id}/invitation-codes/1", {}),
    ("DELETE", "/api/v1/events/{id}/invitation-codes/1", None),
    ("GET", "/api/v1/events/{id}/staff", None),
    ("POST", "/api/v1/events/{id}/staff", {"email": "a@example.test"}),
    ("DELETE", "/api/v1/events/{id}/staff/1", None),
    ("GET", "/api/v1/dashboard/events", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ORGANISER_ROUTES)
async def test_anonymous_gets_401(
    client: httpx.AsyncClient, factory: Factory, method: str, path: str, body: dict | None
) -> None:
    _user, org_id = await factory.organiser()
    event_id = await factory.event(org_id)
    # An API client sends JSON (a body-less anonymous POST meets the CSRF check first: 403).
    response = await client.request(method, path.format(id=event_id), json=body if body is not None else {})
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "path", "body"), ORGANISER_ROUTES)
async def test_attendee_gets_403(
    client: httpx.AsyncClient, factory: Factory, method: str, path: str, body: dict | None
) -> None:
    attendee = await factory.user()
    _user, org_id = await factory.organiser()
    event_id = await factory.event(org_id)
    response = await client.request(method, path.format(id=event_id), json=body, headers=attendee.headers)
    assert response.status_code == 403, response.text


async def test_other_organisation_gets_404_everywhere(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, org_id = await factory.organiser()
    intruder, _other_org = await factory.organiser()
    event = await create_event(client, owner, org_id)
    eid = event["id"]
    ticket = (
        await client.post(
            f"/api/v1/events/{eid}/ticket-types", json={"name_en": "A", "capacity": 5}, headers=owner.headers
        )
    ).json()
    session = (
        await client.post(
            f"/api/v1/events/{eid}/sessions",
            json={"title_en": "S", "starts_at": in_days(40, 10), "ends_at": in_days(40, 11)},
            headers=owner.headers,
        )
    ).json()
    h = intruder.headers
    attempts = [
        await client.get(f"/api/v1/events/{eid}", headers=h),  # a draft: not even readable
        await client.patch(f"/api/v1/events/{eid}", json={"title_en": "Hijacked"}, headers=h),
        await client.post(f"/api/v1/events/{eid}/publish", headers=h),
        await client.post(f"/api/v1/events/{eid}/cancel", headers=h),
        await client.patch(
            f"/api/v1/events/{eid}/ticket-types/{ticket['id']}", json={"capacity": 0}, headers=h
        ),
        await client.delete(f"/api/v1/events/{eid}/ticket-types/{ticket['id']}", headers=h),
        await client.delete(f"/api/v1/events/{eid}/sessions/{session['id']}", headers=h),
        await client.post(f"/api/v1/events/{eid}/invitation-codes", json={}, headers=h),
        await client.get(f"/api/v1/events/{eid}/invitation-codes", headers=h),
        await client.post(f"/api/v1/events/{eid}/staff", json={"email": intruder.email}, headers=h),
        await client.get(f"/api/v1/events/{eid}/staff", headers=h),
    ]
    for response in attempts:
        assert response.status_code == 404, (response.request.method, response.request.url, response.text)
        assert response.json()["code"] == "not_found"
    # Same answer as for an event that does not exist.
    missing = await client.patch("/api/v1/events/999999999", json={"title_en": "x"}, headers=h)
    assert missing.status_code == 404
    # Nothing changed.
    mine = (await client.get(f"/api/v1/events/{eid}", headers=owner.headers)).json()
    assert mine["title_en"] == event["title_en"] and mine["status"] == "draft"
    dashboard = (await client.get("/api/v1/dashboard/events", headers=h)).json()
    assert eid not in [e["id"] for e in dashboard["items"]]


async def test_published_event_is_public_but_not_editable(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, org_id = await factory.organiser()
    intruder, _other = await factory.organiser()
    event = await create_event(client, owner, org_id)
    await publish(client, owner, event["id"])
    assert (await client.get(f"/api/v1/events/{event['id']}", headers=intruder.headers)).status_code == 200
    edit = await client.patch(
        f"/api/v1/events/{event['id']}", json={"title_en": "x"}, headers=intruder.headers
    )
    assert edit.status_code == 404
    close = await client.post(f"/api/v1/events/{event['id']}/close", headers=intruder.headers)
    assert close.status_code == 404


async def test_sub_resources_of_another_event_are_404(client: httpx.AsyncClient, factory: Factory) -> None:
    """An organiser of two events cannot reach event B's ticket type through event A's URL."""
    owner, org_id = await factory.organiser()
    other_owner, other_org = await factory.organiser()
    mine = await create_event(client, owner, org_id)
    theirs = await create_event(client, other_owner, other_org)
    ticket = (
        await client.post(
            f"/api/v1/events/{theirs['id']}/ticket-types",
            json={"name_en": "B", "capacity": 5},
            headers=other_owner.headers,
        )
    ).json()
    response = await client.patch(
        f"/api/v1/events/{mine['id']}/ticket-types/{ticket['id']}",
        json={"capacity": 1},
        headers=owner.headers,
    )
    assert response.status_code == 404
    response = await client.delete(
        f"/api/v1/events/{mine['id']}/ticket-types/{ticket['id']}", headers=owner.headers
    )
    assert response.status_code == 404


async def test_admin_may_manage_any_event(client: httpx.AsyncClient, factory: Factory) -> None:
    admin = await factory.user(admin=True)
    _owner, org_id = await factory.organiser()
    event_id = await factory.event(org_id, status="draft")
    response = await client.post(f"/api/v1/events/{event_id}/publish", headers=admin.headers)
    assert response.status_code == 200
