"""Approve, reject, cancel, and the organiser's list, with object-level access checks."""

from __future__ import annotations

import httpx

from tests.events.registration_support import (
    event_with_ticket,
    mails_to,
    problem_code,
    register,
    status_of,
    taken,
)
from tests.factories import Factory


async def test_approve_takes_a_seat_or_waitlists(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory, capacity=1, requires_approval=True)
    first, second = await factory.user(), await factory.user()
    one = (await register(client, first, setup.event_id, setup.ticket_id)).json()
    two = (await register(client, second, setup.event_id, setup.ticket_id)).json()
    assert one["status"] == two["status"] == "pending"

    approved = await client.post(
        f"/api/v1/registrations/{one['id']}/approve", headers=setup.organiser.headers
    )
    assert approved.status_code == 200 and approved.json()["status"] == "confirmed"
    assert await taken(setup.ticket_id) == 1
    assert await mails_to(first.email, "registration.confirmed")

    full = await client.post(f"/api/v1/registrations/{two['id']}/approve", headers=setup.organiser.headers)
    assert full.json()["status"] == "waitlisted"
    assert await mails_to(second.email, "registration.waitlisted")

    again = await client.post(f"/api/v1/registrations/{one['id']}/approve", headers=setup.organiser.headers)
    assert again.status_code == 409 and problem_code(again) == "not_pending"


async def test_reject_frees_nothing(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory, capacity=2, requires_approval=True)
    user = await factory.user()
    pending = (await register(client, user, setup.event_id, setup.ticket_id)).json()
    rejected = await client.post(
        f"/api/v1/registrations/{pending['id']}/reject", headers=setup.organiser.headers
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert await taken(setup.ticket_id) == 0
    assert await mails_to(user.email, "registration.rejected")
    # Rejected is not live: the person may apply again.
    assert (await register(client, user, setup.event_id, setup.ticket_id)).status_code == 201


async def test_only_the_events_organisers_may_approve(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory, requires_approval=True)
    attendee = await factory.user()
    other_organiser, _org = await factory.organiser()
    pending = (await register(client, attendee, setup.event_id, setup.ticket_id)).json()

    foreign = await client.post(
        f"/api/v1/registrations/{pending['id']}/approve", headers=other_organiser.headers
    )
    assert foreign.status_code == 404
    reject = await client.post(
        f"/api/v1/registrations/{pending['id']}/reject", headers=other_organiser.headers
    )
    assert reject.status_code == 404
    own = await client.post(f"/api/v1/registrations/{pending['id']}/approve", headers=attendee.headers)
    assert own.status_code == 403  # not an organiser at all
    assert await status_of(pending["id"]) == "pending"


async def test_organiser_cancels_and_attendee_cannot_cancel_twice(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    setup = await event_with_ticket(factory, capacity=3)
    user = await factory.user()
    reg = (await register(client, user, setup.event_id, setup.ticket_id)).json()
    cancelled = await client.post(
        f"/api/v1/registrations/{reg['id']}/cancel", headers=setup.organiser.headers
    )
    assert cancelled.json()["status"] == "cancelled"
    assert await taken(setup.ticket_id) == 0
    assert await mails_to(user.email, "registration.cancelled")
    twice = await client.post(f"/api/v1/registrations/{reg['id']}/cancel", headers=user.headers)
    assert twice.status_code == 409 and problem_code(twice) == "not_cancellable"
    assert await taken(setup.ticket_id) == 0


async def test_organiser_list_search_filter_and_pages(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory, capacity=2)
    vip = await factory.ticket_type(setup.event_id, capacity=5, requires_approval=True)
    people = [await factory.user(name=f"Person {i}") for i in range(4)]
    codes = []
    for person in people[:3]:
        codes.append((await register(client, person, setup.event_id, setup.ticket_id)).json()["code"])
    await register(
        client, people[3], setup.event_id, vip, attendee_name="张院士", attendee_organisation="中国科学院"
    )
    path = f"/api/v1/events/{setup.event_id}/registrations"
    headers = setup.organiser.headers

    everything = (await client.get(path, headers=headers)).json()
    assert everything["total"] == 4 and len(everything["items"]) == 4
    assert everything["counts"]["confirmed"] == 2 and everything["counts"]["waitlisted"] == 1
    assert everything["counts"]["pending"] == 1 and everything["counts"]["cancelled"] == 0

    by_org = (await client.get(path, params={"q": "科学院"}, headers=headers)).json()
    assert [r["attendee_name"] for r in by_org["items"]] == ["张院士"]
    by_code = (await client.get(path, params={"q": codes[1].lower()}, headers=headers)).json()
    assert [r["code"] for r in by_code["items"]] == [codes[1]]
    by_email = (await client.get(path, params={"q": people[0].email.upper()}, headers=headers)).json()
    assert by_email["total"] == 1
    waiting = (await client.get(path, params={"status": "waitlisted"}, headers=headers)).json()
    assert [r["code"] for r in waiting["items"]] == [codes[2]]
    vip_only = (await client.get(path, params={"ticket_type_id": vip}, headers=headers)).json()
    assert vip_only["total"] == 1 and vip_only["items"][0]["status"] == "pending"
    paged = (await client.get(path, params={"limit": 3, "offset": 3}, headers=headers)).json()
    assert paged["total"] == 4 and len(paged["items"]) == 1
    wildcard = (await client.get(path, params={"q": "%"}, headers=headers)).json()
    assert wildcard["total"] == 0  # LIKE wildcards are taken literally

    other_organiser, _org = await factory.organiser()
    assert (await client.get(path, headers=other_organiser.headers)).status_code == 404
    assert (await client.get(path, headers=people[0].headers)).status_code == 403
