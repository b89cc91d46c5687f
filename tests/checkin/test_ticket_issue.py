"""Tokens are issued when a registration is confirmed, by every path that confirms one."""

from __future__ import annotations

import asyncio

import httpx

from checkin.keys import public_keys
from checkin.tables import TicketToken
from checkin.tokens import live_token, verify_token
from tests.events.registration_support import event_with_ticket, register
from tests.factories import Factory


async def _issued(registration_id: int) -> str:
    """The listener runs in the background after the response: wait for its token."""
    for _ in range(200):
        token = await live_token(registration_id)
        if token is not None:
            return token
        await asyncio.sleep(0.02)
    raise AssertionError(f"no token was issued for registration {registration_id}")


async def test_registering_issues_the_token_without_visiting_the_ticket(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    setup = await event_with_ticket(factory)
    user = await factory.user()
    reg = (await register(client, user, setup.event_id, setup.ticket_id)).json()
    assert reg["status"] == "confirmed"
    token = await _issued(reg["id"])
    claims = verify_token(token, await public_keys(setup.event_id))
    assert (claims.registration_id, claims.serial) == (reg["id"], 1)
    page = await client.get(f"/me/registrations/{reg['id']}/ticket", headers=user.headers)
    assert page.status_code == 200 and await live_token(reg["id"]) == token  # the same token
    assert await TicketToken.count().where(TicketToken.registration == reg["id"]) == 1


async def test_approval_and_an_accepted_offer_issue_tokens(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    setup = await event_with_ticket(factory, capacity=1, requires_approval=True)
    first, second = await factory.user(), await factory.user()
    a = (await register(client, first, setup.event_id, setup.ticket_id)).json()
    b = (await register(client, second, setup.event_id, setup.ticket_id)).json()
    assert a["status"] == b["status"] == "pending"
    approve = f"/api/v1/registrations/{a['id']}/approve"
    assert (await client.post(approve, headers=setup.organiser.headers)).json()["status"] == "confirmed"
    await _issued(a["id"])
    approve_b = f"/api/v1/registrations/{b['id']}/approve"
    assert (await client.post(approve_b, headers=setup.organiser.headers)).json()["status"] == "waitlisted"

    # The first cancels: the seat is offered to the second, who accepts it.
    assert (
        await client.post(f"/api/v1/registrations/{a['id']}/cancel", headers=first.headers)
    ).status_code == 200
    for _ in range(100):
        mine = await client.get(f"/api/v1/registrations/{b['id']}", headers=second.headers)
        if mine.json()["status"] == "offered":
            break
        await asyncio.sleep(0.02)
    assert mine.json()["status"] == "offered"
    assert await live_token(b["id"]) is None  # an offer is not a ticket yet
    accepted = await client.post(f"/api/v1/registrations/{b['id']}/accept-offer", headers=second.headers)
    assert accepted.status_code == 200 and accepted.json()["status"] == "confirmed"
    await _issued(b["id"])
    for _ in range(100):  # and the cancelled one's token is revoked by its own listener
        if await live_token(a["id"]) is None:
            break
        await asyncio.sleep(0.02)
    assert await live_token(a["id"]) is None


async def test_waitlisted_and_pending_registrations_get_no_token(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    setup = await event_with_ticket(factory, capacity=1)
    first, second = await factory.user(), await factory.user()
    confirmed = (await register(client, first, setup.event_id, setup.ticket_id)).json()
    waiting = (await register(client, second, setup.event_id, setup.ticket_id)).json()
    assert waiting["status"] == "waitlisted"
    await _issued(confirmed["id"])  # listeners of both registrations have had their turn
    await asyncio.sleep(0.05)
    assert await live_token(waiting["id"]) is None
