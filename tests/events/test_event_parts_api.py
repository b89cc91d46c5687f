"""The parts of an event through the API: agenda, ticket types, questions, invitation codes, staff."""

from __future__ import annotations

import httpx

from tests.events.event_helpers import create_event, in_days, publish
from tests.factories import Factory


async def test_agenda_sessions(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    event = await create_event(client, user, org_id)
    path = f"/api/v1/events/{event['id']}/sessions"
    session = {
        "title_en": "Opening",
        "title_zh": "开幕式",
        "starts_at": in_days(40, 9),
        "ends_at": in_days(40, 10),
        "room": "Hall A",
        "speakers": ["Li Wei", "Anna Smith"],
    }
    created = await client.post(path, json=session, headers=user.headers)
    assert created.status_code == 201, created.text
    assert created.json()["speakers"] == ["Li Wei", "Anna Smith"]
    outside = await client.post(
        path, json={**session, "starts_at": in_days(60), "ends_at": in_days(60, 10)}, headers=user.headers
    )
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["field"] == "starts_at"
    sid = created.json()["id"]
    patched = await client.patch(f"{path}/{sid}", json={"room": "Hall B"}, headers=user.headers)
    assert patched.json()["room"] == "Hall B"
    listed = await client.get(path, headers=user.headers)
    assert [s["id"] for s in listed.json()] == [sid]
    # Moving the event away from its agenda is refused.
    move = await client.patch(
        f"/api/v1/events/{event['id']}",
        json={"starts_at": in_days(80), "ends_at": in_days(81)},
        headers=user.headers,
    )
    assert move.status_code == 422
    assert (await client.delete(f"{path}/{sid}", headers=user.headers)).status_code == 204
    assert (await client.delete(f"{path}/{sid}", headers=user.headers)).status_code == 404


async def test_ticket_types_capacity_rules(client: httpx.AsyncClient, factory: Factory) -> None:
    from events.tables import TicketType

    user, org_id = await factory.organiser()
    event = await create_event(client, user, org_id)
    path = f"/api/v1/events/{event['id']}/ticket-types"
    created = await client.post(
        path,
        json={"name_en": "Scientist", "name_zh": "科学家", "capacity": 10, "sales_start": in_days(-1)},
        headers=user.headers,
    )
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert ticket["available"] == 10
    assert ticket["price_cents"] == 0
    assert ticket["sales_state"] == "open"
    # Someone else's seats (the registration service owns ``taken``).
    await TicketType.update({TicketType.taken: 6}).where(TicketType.id == ticket["id"])
    too_low = await client.patch(f"{path}/{ticket['id']}", json={"capacity": 5}, headers=user.headers)
    assert too_low.status_code == 409
    assert too_low.json()["code"] == "capacity_below_taken"
    assert too_low.json()["taken"] == 6
    ok = await client.patch(f"{path}/{ticket['id']}", json={"capacity": 6}, headers=user.headers)
    assert ok.status_code == 200
    assert ok.json()["available"] == 0
    assert ok.json()["taken"] == 6
    grown = await client.patch(f"{path}/{ticket['id']}", json={"capacity": 20}, headers=user.headers)
    assert grown.json()["capacity"] == 20
    window = await client.post(
        path,
        json={"name_en": "Late", "capacity": 1, "sales_start": in_days(5), "sales_end": in_days(4)},
        headers=user.headers,
    )
    assert window.status_code == 422
    assert window.json()["errors"][0]["field"] == "sales_end"
    paid = await client.post(
        path, json={"name_en": "VIP", "capacity": 1, "price_cents": 100}, headers=user.headers
    )
    assert paid.status_code == 422
    later = await client.post(
        path, json={"name_en": "Later", "capacity": 3, "sales_start": in_days(3)}, headers=user.headers
    )
    assert later.json()["sales_state"] == "not_open"
    assert (await client.delete(f"{path}/{later.json()['id']}", headers=user.headers)).status_code == 204


async def test_questions(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    event = await create_event(client, user, org_id)
    await publish(client, user, event["id"])
    path = f"/api/v1/events/{event['id']}/questions"
    choice = {
        "kind": "single",
        "label_en": "Field of research",
        "label_zh": "研究领域",
        "required": True,
        "options": [
            {"value": "bio", "en": "Biology", "zh": "生物"},
            {"value": "ai", "en": "AI", "zh": "人工智能"},
        ],
    }
    created = await client.post(path, json=choice, headers=user.headers)
    assert created.status_code == 201, created.text
    assert created.json()["options"][1]["zh"] == "人工智能"
    no_options = await client.post(path, json={**choice, "options": []}, headers=user.headers)
    assert no_options.status_code == 422
    assert no_options.json()["errors"][0]["field"] == "options"
    dupes = await client.post(
        path, json={**choice, "options": [choice["options"][0]] * 2}, headers=user.headers
    )
    assert dupes.status_code == 422
    text = await client.post(path, json={"kind": "text", "label_en": "Dietary needs"}, headers=user.headers)
    assert text.json()["options"] == []
    public = await client.get(path)
    assert [q["label_en"] for q in public.json()] == ["Field of research", "Dietary needs"]
    qid = created.json()["id"]
    patched = await client.patch(f"{path}/{qid}", json={"required": False}, headers=user.headers)
    assert patched.json()["required"] is False
    assert (await client.delete(f"{path}/{qid}", headers=user.headers)).status_code == 204


async def test_invitation_codes(client: httpx.AsyncClient, factory: Factory) -> None:
    from events.invitations import ALPHABET, normalise_code

    user, org_id = await factory.organiser()
    event = await create_event(client, user, org_id, invitation_only=True)
    path = f"/api/v1/events/{event['id']}/invitation-codes"
    batch = await client.post(path, json={"count": 5, "max_uses": 2, "note": "Jinhua"}, headers=user.headers)
    assert batch.status_code == 201, batch.text
    codes = batch.json()
    assert len({c["code"] for c in codes}) == 5
    assert all(set(c["code"]) <= set(ALPHABET) and c["max_uses"] == 2 for c in codes)
    chosen = await client.post(path, json={"code": "star-2026"}, headers=user.headers)
    assert chosen.json()[0]["code"] == normalise_code(" Star-2026 ") == "STAR-2026"
    duplicate = await client.post(path, json={"code": "STAR-2026"}, headers=user.headers)
    assert duplicate.status_code == 409
    listed = await client.get(path, headers=user.headers)
    assert len(listed.json()) == 6
    code_id = codes[0]["id"]
    patched = await client.patch(f"{path}/{code_id}", json={"max_uses": 10}, headers=user.headers)
    assert patched.json()["max_uses"] == 10
    assert (await client.delete(f"{path}/{code_id}", headers=user.headers)).status_code == 204
    assert (await client.get(path)).status_code == 401  # organisers only


async def test_staff(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    helper = await factory.user()
    event = await create_event(client, user, org_id)
    path = f"/api/v1/events/{event['id']}/staff"
    added = await client.post(path, json={"email": helper.email.upper()}, headers=user.headers)
    assert added.status_code == 201, added.text
    assert added.json()["user_id"] == helper.id
    assert (await client.post(path, json={"email": helper.email}, headers=user.headers)).status_code == 409
    unknown = await client.post(path, json={"email": "nobody@example.test"}, headers=user.headers)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "email"
    me = (await client.get("/api/v1/me", headers=helper.headers)).json()
    assert "checkin_staff" in me["roles"]
    staff_id = added.json()["id"]
    assert (await client.delete(f"{path}/{staff_id}", headers=user.headers)).status_code == 204
    assert (await client.get(path, headers=user.headers)).json() == []
