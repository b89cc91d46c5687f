"""The waiting list: freed seats are offered in order, offers lapse and pass on."""

from __future__ import annotations

import httpx

from tests.events.registration_support import (
    event_with_ticket,
    mails_to,
    move_offer_into_past,
    problem_code,
    register,
    status_of,
    taken,
)
from tests.factories import Factory


async def _full_event_with_queue(client: httpx.AsyncClient, factory: Factory, queue: int = 2):  # type: ignore[no-untyped-def]
    setup = await event_with_ticket(factory, capacity=1)
    holder = await factory.user()
    waiting = [await factory.user() for _ in range(queue)]
    held = (await register(client, holder, setup.event_id, setup.ticket_id)).json()
    regs = [(await register(client, w, setup.event_id, setup.ticket_id)).json() for w in waiting]
    assert held["status"] == "confirmed" and {r["status"] for r in regs} == {"waitlisted"}
    return setup, holder, held, waiting, regs


async def test_cancellation_offers_the_seat_to_the_first_in_line(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    setup, holder, held, waiting, regs = await _full_event_with_queue(client, factory)

    response = await client.post(f"/api/v1/registrations/{held['id']}/cancel", headers=holder.headers)
    assert response.status_code == 200

    assert await status_of(regs[0]["id"]) == "offered"
    assert await status_of(regs[1]["id"]) == "waitlisted"
    assert await taken(setup.ticket_id) == 1  # the freed seat is held for the offer
    [offer] = await mails_to(waiting[0].email, "registration.offered")
    assert "/me/registrations" in offer["body_text"]
    offered = (await client.get(f"/api/v1/registrations/{regs[0]['id']}", headers=waiting[0].headers)).json()
    assert offered["offer_expires_at"] is not None

    accepted = await client.post(
        f"/api/v1/registrations/{regs[0]['id']}/accept-offer", headers=waiting[0].headers
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "confirmed"
    assert accepted.json()["offer_expires_at"] is None
    assert await taken(setup.ticket_id) == 1
    # Only the person offered may accept; there is nothing left to accept.
    again = await client.post(
        f"/api/v1/registrations/{regs[0]['id']}/accept-offer", headers=waiting[0].headers
    )
    assert problem_code(again) == "no_offer"
    stranger = await client.post(
        f"/api/v1/registrations/{regs[1]['id']}/accept-offer", headers=waiting[0].headers
    )
    assert stranger.status_code == 404


async def test_a_lapsed_offer_passes_to_the_next_in_line(client: httpx.AsyncClient, factory: Factory) -> None:
    from events.waitlist import expire_offers

    setup, holder, held, waiting, regs = await _full_event_with_queue(client, factory)
    await client.post(f"/api/v1/registrations/{held['id']}/cancel", headers=holder.headers)
    assert await status_of(regs[0]["id"]) == "offered"

    await move_offer_into_past(regs[0]["id"])
    late = await client.post(
        f"/api/v1/registrations/{regs[0]['id']}/accept-offer", headers=waiting[0].headers
    )
    assert late.status_code == 409 and problem_code(late) == "offer_expired"

    await expire_offers()

    assert await status_of(regs[0]["id"]) == "expired"
    assert await status_of(regs[1]["id"]) == "offered"
    assert await taken(setup.ticket_id) == 1
    assert await mails_to(waiting[0].email, "registration.expired")
    assert await mails_to(waiting[1].email, "registration.offered")

    # The next offer lapses too, and nobody is left: the seat is simply free again.
    await move_offer_into_past(regs[1]["id"])
    await expire_offers()
    assert await status_of(regs[1]["id"]) == "expired"
    assert await taken(setup.ticket_id) == 0


async def test_cancelling_an_offer_passes_it_on(client: httpx.AsyncClient, factory: Factory) -> None:
    setup, holder, held, waiting, regs = await _full_event_with_queue(client, factory)
    await client.post(f"/api/v1/registrations/{held['id']}/cancel", headers=holder.headers)
    declined = await client.post(f"/api/v1/registrations/{regs[0]['id']}/cancel", headers=waiting[0].headers)
    assert declined.json()["status"] == "cancelled"
    assert await status_of(regs[1]["id"]) == "offered"
    assert await taken(setup.ticket_id) == 1


async def test_cancelling_a_waitlisted_registration_frees_no_seat(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    setup, _holder, _held, waiting, regs = await _full_event_with_queue(client, factory)
    await client.post(f"/api/v1/registrations/{regs[0]['id']}/cancel", headers=waiting[0].headers)
    assert await taken(setup.ticket_id) == 1
    assert await status_of(regs[1]["id"]) == "waitlisted"


async def test_promote_without_free_seats_offers_nothing(client: httpx.AsyncClient, factory: Factory) -> None:
    from events.waitlist import promote

    setup, _holder, _held, _waiting, regs = await _full_event_with_queue(client, factory)
    assert await promote(setup.ticket_id) == []
    assert await status_of(regs[0]["id"]) == "waitlisted"
