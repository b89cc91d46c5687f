"""Registering through the API: statuses, refusals, invitations, answers, visibility."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest

from tests.events.registration_support import (
    error_fields,
    event_with_ticket,
    mails_to,
    problem_code,
    register,
    taken,
)
from tests.factories import Factory

NOW = dt.datetime.now(dt.UTC)


async def test_confirmed_registration_takes_a_seat_and_queues_mail(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    setup = await event_with_ticket(factory, capacity=5)
    user = await factory.user(name="Li Wei")

    response = await register(
        client, user, setup.event_id, setup.ticket_id, attendee_organisation="Zhejiang Univ"
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["event_id"] == setup.event_id and body["ticket_type_id"] == setup.ticket_id
    assert body["attendee_name"] == "Li Wei" and body["attendee_email"] == user.email
    assert body["attendee_organisation"] == "Zhejiang Univ"
    assert len(body["code"]) == 8 and body["code"].isalnum()
    assert await taken(setup.ticket_id) == 1
    mails = await mails_to(user.email, "registration.confirmed")
    assert len(mails) == 1
    assert body["code"] in mails[0]["body_text"] and "Test Event" in mails[0]["subject"]


async def test_mail_follows_the_attendees_language(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory, capacity=5)
    user = await factory.user(locale="zh", name="<b>王小明</b>")
    response = await register(client, user, setup.event_id, setup.ticket_id)
    assert response.status_code == 201
    [mail] = await mails_to(user.email, "registration.confirmed")
    assert "测试活动" in mail["subject"]
    assert "<b>王小明</b>" in mail["body_text"]
    assert "&lt;b&gt;王小明&lt;/b&gt;" in mail["body_html"] and "<b>王小明</b>" not in mail["body_html"]


async def test_full_ticket_type_waitlists_or_refuses(client: httpx.AsyncClient, factory: Factory) -> None:
    with_list = await event_with_ticket(factory, capacity=1)
    without = await event_with_ticket(factory, capacity=1, event_fields={"waitlist_enabled": False})
    first, second = await factory.user(), await factory.user()

    assert (await register(client, first, with_list.event_id, with_list.ticket_id)).json()[
        "status"
    ] == "confirmed"
    late = await register(client, second, with_list.event_id, with_list.ticket_id)
    assert late.status_code == 201 and late.json()["status"] == "waitlisted"
    assert await mails_to(second.email, "registration.waitlisted")
    assert await taken(with_list.ticket_id) == 1

    assert (await register(client, first, without.event_id, without.ticket_id)).status_code == 201
    refused = await register(client, second, without.event_id, without.ticket_id)
    assert refused.status_code == 409 and problem_code(refused) == "capacity_exhausted"
    assert await taken(without.ticket_id) == 1


async def test_approval_required_is_pending_without_a_seat(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    setup = await event_with_ticket(factory, capacity=3, requires_approval=True)
    user = await factory.user()
    response = await register(client, user, setup.event_id, setup.ticket_id)
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert await taken(setup.ticket_id) == 0
    assert await mails_to(user.email, "registration.pending")


async def test_second_live_registration_is_a_conflict(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory, capacity=5)
    other_ticket = await factory.ticket_type(setup.event_id, capacity=5)
    user = await factory.user()
    first = await register(client, user, setup.event_id, setup.ticket_id)
    again = await register(client, user, setup.event_id, other_ticket)
    assert again.status_code == 409 and problem_code(again) == "already_registered"

    cancelled = await client.post(f"/api/v1/registrations/{first.json()['id']}/cancel", headers=user.headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (await register(client, user, setup.event_id, other_ticket)).status_code == 201


async def test_sales_window_and_event_status(client: httpx.AsyncClient, factory: Factory) -> None:
    user = await factory.user()
    early = await event_with_ticket(factory, sales_start=NOW + dt.timedelta(days=1))
    late = await event_with_ticket(factory, sales_end=NOW - dt.timedelta(minutes=1))
    closed = await event_with_ticket(factory, event_fields={"status": "closed"})
    draft = await event_with_ticket(factory, event_fields={"status": "draft"})
    over = await event_with_ticket(
        factory,
        event_fields={"starts_at": NOW - dt.timedelta(days=2), "ends_at": NOW - dt.timedelta(days=1)},
    )

    cases = [
        (early, 409, "sales_not_open"),
        (late, 409, "sales_closed"),
        (closed, 409, "registration_closed"),
    ]
    cases += [(draft, 404, "not_found"), (over, 409, "sales_closed")]
    for setup, status, code in cases:
        response = await register(client, user, setup.event_id, setup.ticket_id)
        assert (response.status_code, problem_code(response)) == (status, code), response.text

    # The organiser of the draft learns it is closed rather than missing.
    own = await register(client, draft.organiser, draft.event_id, draft.ticket_id)
    assert own.status_code == 409 and problem_code(own) == "registration_closed"


async def test_ticket_type_of_another_event_and_missing_event(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    one, two = await event_with_ticket(factory), await event_with_ticket(factory)
    user = await factory.user()
    mixed = await register(client, user, one.event_id, two.ticket_id)
    assert mixed.status_code == 422 and error_fields(mixed) == {"ticket_type_id"}
    missing = await register(client, user, 10_000_000, one.ticket_id)
    assert missing.status_code == 404


async def test_anonymous_and_malformed_requests(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory)
    anonymous = await client.post(
        f"/api/v1/events/{setup.event_id}/registrations", json={"ticket_type_id": setup.ticket_id}
    )
    assert anonymous.status_code == 401
    user = await factory.user()
    bad = await client.post(
        f"/api/v1/events/{setup.event_id}/registrations", json={"ticket_type_id": "x"}, headers=user.headers
    )
    assert bad.status_code == 422 and problem_code(bad) == "invalid_input"


async def test_visibility_of_a_registration(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory)
    attendee, stranger = await factory.user(), await factory.user()
    other_organiser, _org = await factory.organiser()
    registration = (await register(client, attendee, setup.event_id, setup.ticket_id)).json()
    path = f"/api/v1/registrations/{registration['id']}"

    assert (await client.get(path, headers=attendee.headers)).json()["code"] == registration["code"]
    assert (await client.get(path, headers=setup.organiser.headers)).status_code == 200
    assert (await client.get(path, headers=stranger.headers)).status_code == 404
    assert (await client.get(path, headers=other_organiser.headers)).status_code == 404
    # Nor may a stranger cancel it.
    cancel = await client.post(f"{path}/cancel", headers=stranger.headers)
    assert cancel.status_code == 404


async def test_my_registrations_lists_mine_only(client: httpx.AsyncClient, factory: Factory) -> None:
    one, two = await event_with_ticket(factory), await event_with_ticket(factory)
    me, someone = await factory.user(), await factory.user()
    await register(client, me, one.event_id, one.ticket_id)
    await register(client, me, two.event_id, two.ticket_id)
    await register(client, someone, one.event_id, one.ticket_id)
    mine = (await client.get("/api/v1/me/registrations", headers=me.headers)).json()
    assert sorted(r["event_id"] for r in mine) == sorted([one.event_id, two.event_id])
    assert all(r["attendee_email"] == me.email and r["event_title_zh"] == "测试活动" for r in mine)


async def test_concurrent_registrations_never_oversell(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory, capacity=20)
    people = [await factory.user() for _ in range(60)]

    responses = await asyncio.gather(
        *(register(client, person, setup.event_id, setup.ticket_id) for person in people)
    )

    assert all(r.status_code == 201 for r in responses), [r.text for r in responses if r.status_code != 201]
    statuses = [r.json()["status"] for r in responses]
    assert statuses.count("confirmed") == 20 and statuses.count("waitlisted") == 40
    assert len({r.json()["code"] for r in responses}) == 60
    assert await taken(setup.ticket_id) == 20


async def test_the_same_person_registering_at_once_gets_one(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    setup = await event_with_ticket(factory, capacity=20)
    hasty = await factory.user()
    responses = await asyncio.gather(
        *(register(client, hasty, setup.event_id, setup.ticket_id) for _ in range(8))
    )
    assert sorted(r.status_code for r in responses) == [201] + [409] * 7
    assert {problem_code(r) for r in responses if r.status_code == 409} == {"already_registered"}
    assert await taken(setup.ticket_id) == 1


async def test_postgres_batch_falls_back_one_by_one_on_a_race(
    client: httpx.AsyncClient, factory: Factory, backend: str
) -> None:
    """Another process registered someone between the batch's pre-read and its write."""
    if backend != "postgres":
        pytest.skip("the batch statement is PostgreSQL's")
    from app.auth import user_for_token
    from app.db import fast
    from events import registration_hot as hot
    from events.registration_errors import AlreadyRegistered
    from events.registration_pg_batch import _write_plans
    from events.registration_plan import RegistrationRequest, build_plan

    setup = await event_with_ticket(factory, capacity=5)
    people = [await factory.user() for _ in range(3)]
    requests = []
    for person in people:
        current = await user_for_token(person.token)
        assert current is not None
        requests.append(RegistrationRequest(current, setup.event_id, setup.ticket_id, None, "", {}, ""))
    async with fast().pool.acquire() as conn:  # type: ignore[union-attr]
        rows = [dict(r) for r in await conn.fetch(hot.PREREAD_SQL, setup.event_id, setup.ticket_id, 0, None)]
        plans = [build_plan(request, rows) for request in requests]
        # The race: the second person registers elsewhere before this batch writes.
        assert (await register(client, people[1], setup.event_id, setup.ticket_id)).status_code == 201
        outcomes = await _write_plans(conn, plans)

    assert isinstance(outcomes[1], AlreadyRegistered)
    assert [o.status for o in (outcomes[0], outcomes[2])] == ["confirmed", "confirmed"]  # type: ignore[union-attr]
    assert await taken(setup.ticket_id) == 3  # no seat went to the refused duplicate
