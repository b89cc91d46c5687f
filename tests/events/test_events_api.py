"""The events API: creation rules, the lifecycle, the public listing and the dashboard."""

from __future__ import annotations

import datetime as dt

import httpx
from litestar import Litestar

from tests.events.event_helpers import create_event, event_payload, in_days, publish
from tests.factories import Factory, unique


# -- creation --------------------------------------------------------------------------------
async def test_create_event_as_draft_with_generated_slug(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    body = await create_event(client, user, org_id, title_en="Return of the Star Contest", kind="contest")
    assert body["status"] == "draft"
    assert body["slug"].startswith("return-of-the-star-contest")
    assert body["organisation_id"] == org_id
    assert body["allowed_transitions"] == ["published", "cancelled"]
    assert body["published_at"] is None
    # 09:00 in Shanghai is 01:00 UTC.
    assert dt.datetime.fromisoformat(body["starts_at"]).astimezone(dt.UTC).hour == 1
    second = await create_event(client, user, org_id, title_en="Return of the Star Contest", kind="contest")
    assert second["slug"] != body["slug"]


async def test_explicit_offsets_are_kept(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    body = await create_event(
        client,
        user,
        org_id,
        timezone="Europe/London",
        starts_at="2031-06-01T10:00:00+08:00",
        ends_at="2031-06-02T10:00:00Z",
    )
    assert dt.datetime.fromisoformat(body["starts_at"]) == dt.datetime(2031, 6, 1, 2, tzinfo=dt.UTC)
    assert body["timezone"] == "Europe/London"


async def test_creation_validation_gives_field_errors(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    cases = [
        (event_payload(org_id, kind="party"), "kind"),
        (event_payload(org_id, title_en=""), "title_en"),
        (event_payload(org_id, timezone="Mars/Olympus"), "timezone"),
        (event_payload(org_id, starts_at=in_days(10), ends_at=in_days(9)), "ends_at"),
        (event_payload(org_id, slug="Not A Slug"), "slug"),
        ({k: v for k, v in event_payload(org_id).items() if k != "starts_at"}, "starts_at"),
        (event_payload(org_id, starts_at="tomorrow"), "starts_at"),
    ]
    for payload, field in cases:
        response = await client.post("/api/v1/events", json=payload, headers=user.headers)
        assert response.status_code == 422, (field, response.text)
        body = response.json()
        assert body["code"] == "invalid_input"
        assert field in [e["field"] for e in body["errors"]], (field, body)


async def test_slug_must_be_unique(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    slug = unique("slug").lower()
    await create_event(client, user, org_id, slug=slug)
    response = await client.post(
        "/api/v1/events", json=event_payload(org_id, slug=slug), headers=user.headers
    )
    assert response.status_code == 409
    assert response.json()["code"] == "slug_taken"


async def test_cannot_create_for_a_foreign_organisation(client: httpx.AsyncClient, factory: Factory) -> None:
    user, _org = await factory.organiser()
    _other, other_org = await factory.organiser()
    response = await client.post("/api/v1/events", json=event_payload(other_org), headers=user.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organisation_id"


async def test_attendee_cannot_create_events(client: httpx.AsyncClient, factory: Factory) -> None:
    attendee = await factory.user()
    _owner, org_id = await factory.organiser()
    response = await client.post("/api/v1/events", json=event_payload(org_id), headers=attendee.headers)
    assert response.status_code == 403


async def test_update_event_partially(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    event = await create_event(client, user, org_id)
    response = await client.patch(
        f"/api/v1/events/{event['id']}",
        json={"title_zh": "新标题", "waitlist_enabled": False},
        headers=user.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title_zh"] == "新标题"
    assert body["waitlist_enabled"] is False
    assert body["title_en"] == event["title_en"]
    bad = await client.patch(
        f"/api/v1/events/{event['id']}", json={"ends_at": in_days(1)}, headers=user.headers
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "ends_at"


# -- lifecycle -------------------------------------------------------------------------------
async def test_lifecycle_and_invalid_transitions(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    event = await create_event(client, user, org_id)
    path = f"/api/v1/events/{event['id']}"
    closed_draft = await client.post(f"{path}/close", headers=user.headers)
    assert closed_draft.status_code == 409
    body = closed_draft.json()
    assert body["code"] == "invalid_transition"
    assert body["allowed"] == ["published", "cancelled"]
    assert body["status"] == 409
    assert body["event_status"] == "draft"

    published = await publish(client, user, event["id"])
    assert published["status"] == "published"
    assert published["published_at"] is not None
    again = await client.post(f"{path}/publish", headers=user.headers)
    assert again.status_code == 409
    assert again.json()["allowed"] == ["closed", "cancelled"]

    closed = await client.post(f"{path}/close", headers=user.headers)
    assert closed.json()["status"] == "closed"
    cancel = await client.post(f"{path}/cancel", headers=user.headers)
    assert cancel.status_code == 409
    assert cancel.json()["allowed"] == []


async def test_cancelled_events_are_frozen(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    event = await create_event(client, user, org_id)
    response = await client.post(f"/api/v1/events/{event['id']}/cancel", headers=user.headers)
    assert response.json()["status"] == "cancelled"
    edit = await client.patch(f"/api/v1/events/{event['id']}", json={"title_en": "x"}, headers=user.headers)
    assert edit.status_code == 409
    assert edit.json()["code"] == "event_cancelled"
    # Cancelled events vanish from the public view.
    assert (await client.get(f"/api/v1/events/{event['id']}")).status_code == 404


# -- public reads ----------------------------------------------------------------------------
async def test_drafts_are_hidden_from_the_public(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    city = unique("Draftville")
    event = await create_event(client, user, org_id, city_en=city)
    assert (await client.get(f"/api/v1/events/{event['id']}")).status_code == 404
    assert (await client.get(f"/api/v1/events/{event['id']}/ticket-types")).status_code == 404
    stranger = await factory.user()
    assert (await client.get(f"/api/v1/events/{event['id']}", headers=stranger.headers)).status_code == 404
    listing = (await client.get("/api/v1/events", params={"city": city})).json()
    assert listing["total"] == 0
    # The organiser previews the draft.
    own = await client.get(f"/api/v1/events/{event['id']}", headers=user.headers)
    assert own.status_code == 200
    await publish(client, user, event["id"])
    listing = (await client.get("/api/v1/events", params={"city": city})).json()
    assert [e["id"] for e in listing["items"]] == [event["id"]]


async def test_listing_filters(client: httpx.AsyncClient, factory: Factory) -> None:
    _user, org_id = await factory.organiser()
    city = unique("Yiwu")
    city_zh = unique("义乌")
    start = dt.datetime(2031, 3, 10, 1, tzinfo=dt.UTC)
    common = {"city_en": city, "city_zh": city_zh}
    roadshow = await factory.event(
        org_id, kind="roadshow", title_en="Yangtze Delta Open-Air Roadshow", title_zh="长三角露天路演",
        starts_at=start, ends_at=start + dt.timedelta(hours=8), **common,
    )  # fmt: skip
    retreat = await factory.event(
        org_id, kind="retreat", title_en="Academician Retreat", title_zh="院士休养",
        starts_at=start + dt.timedelta(days=20), ends_at=start + dt.timedelta(days=25), **common,
    )  # fmt: skip
    await factory.event(org_id, kind="contest", status="draft", starts_at=start, ends_at=start, **common)

    async def ids(**params: str) -> list[int]:
        response = await client.get("/api/v1/events", params=params)
        assert response.status_code == 200, response.text
        return [e["id"] for e in response.json()["items"]]

    assert await ids(city=city) == [roadshow, retreat]
    assert await ids(city=city.upper()) == [roadshow, retreat]
    assert await ids(city=city_zh) == [roadshow, retreat]
    assert await ids(city=city, kind="retreat") == [retreat]
    assert await ids(city=city, **{"from": "2031-03-11"}) == [retreat]
    assert await ids(city=city, to="2031-03-10") == [roadshow]
    assert await ids(city=city, **{"from": "2031-04-01", "to": "2031-04-02"}) == [retreat]  # overlap
    assert await ids(city=city, **{"from": "2031-05-01"}) == []
    assert await ids(city=city, q="open-air") == [roadshow]
    assert await ids(city=city, q="院士") == [retreat]
    bad = await client.get("/api/v1/events", params={"kind": "party"})
    assert bad.status_code == 422


async def test_listing_pagination(client: httpx.AsyncClient, factory: Factory) -> None:
    _user, org_id = await factory.organiser()
    city = unique("Pagetown")
    start = dt.datetime(2032, 1, 1, tzinfo=dt.UTC)
    created = [
        await factory.event(org_id, city_en=city, starts_at=start + dt.timedelta(days=i), ends_at=start)
        for i in range(5)
    ]
    first = (await client.get("/api/v1/events", params={"city": city, "per_page": 2})).json()
    assert first["total"] == 5
    assert [e["id"] for e in first["items"]] == created[:2]
    last = (await client.get("/api/v1/events", params={"city": city, "per_page": 2, "page": 3})).json()
    assert [e["id"] for e in last["items"]] == created[4:]
    assert (await client.get("/api/v1/events", params={"per_page": 1000})).status_code == 422


# -- sub-resources ---------------------------------------------------------------------------
async def test_dashboard_lists_my_events_with_counts(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    _other, other_org = await factory.organiser()
    draft = await create_event(client, user, org_id)
    foreign = await factory.event(other_org)
    response = await client.get("/api/v1/dashboard/events", headers=user.headers)
    assert response.status_code == 200
    body = response.json()
    ids = [e["id"] for e in body["items"]]
    assert draft["id"] in ids and foreign not in ids
    assert body["items"][0]["counts"] == {"confirmed": 0, "waitlisted": 0, "pending": 0, "offered": 0}


# Routes under an event's path that belong to the domains built on events (their own tags).
OTHER_DOMAIN_PATH_PARTS = (
    "checkin-lists",
    "scanner-devices",
    "checkin-stats",
    "checkin-conflicts",
    "/calls",
    "/slots",
    "/show",
    "/run-of-show",
    "/results",
    "/streams",
    "/retreat",
    "/payments",
)


async def test_openapi_tags_and_summaries(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    operations = [
        (path, op)
        for path, item in schema["paths"].items()
        if path.startswith(("/api/v1/events", "/api/v1/dashboard"))
        and "registrations" not in path
        and not any(part in path for part in OTHER_DOMAIN_PATH_PARTS)
        for op in item.values()
    ]
    assert len(operations) >= 25
    for path, op in operations:
        assert op["tags"] == ["events"], path
        assert op.get("summary"), path


async def test_publishing_emits_event_published(
    client: httpx.AsyncClient, factory: Factory, app: Litestar
) -> None:
    import asyncio

    from litestar.events import listener

    received: list[dict] = []

    async def on_published(**payload: object) -> None:
        received.append(payload)

    listeners = app.event_emitter.listeners["event.published"]
    probe = listener("event.published")(on_published)
    listeners.add(probe)
    try:
        user, org_id = await factory.organiser()
        event = await create_event(client, user, org_id)
        await publish(client, user, event["id"])
        for _ in range(50):
            if received:
                break
            await asyncio.sleep(0.01)
    finally:
        listeners.discard(probe)
    assert received == [{"event_id": event["id"], "organisation_id": org_id}]
