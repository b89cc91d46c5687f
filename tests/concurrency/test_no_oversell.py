"""N concurrent registrations for M seats, fired over real sockets at a running server.

The guarded runs must leave exactly M confirmed and the rest waitlisted (or refused with
``capacity_exhausted`` when the waiting list is off), with no error and nothing lost. The
control run starts a server with ``LUYAN_UNGUARDED_REGISTRATION=1`` (a naive
read-then-write path) and must oversell: it proves the same test can see the race.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from litestar import Litestar

from tests.concurrency.load import Outcome, register_all
from tests.factories import Factory
from tests.live import LiveServer
from tests.live_data import LoadUser, users_with_tokens
from tests.live_fixtures import StartLiveServer

pytestmark = pytest.mark.concurrency

SEATS = 40
PEOPLE = 200


@pytest.fixture(scope="module")
async def people(app: Litestar) -> list[LoadUser]:
    return await users_with_tokens(PEOPLE, label="oversell")


async def sold_out_event(factory: Factory, *, seats: int = SEATS, **event_fields: Any) -> tuple[int, int]:
    _organiser, org_id = await factory.organiser()
    event_id = await factory.event(org_id, **event_fields)
    return event_id, await factory.ticket_type(event_id, capacity=seats)


async def stored(event_id: int, ticket_type_id: int) -> tuple[Counter[str], int, int, int]:
    """(statuses, rows, distinct people, taken) as the database has them."""
    from events.tables import Registration, TicketType

    rows = await Registration.select(Registration.status, Registration.user).where(
        Registration.event == event_id
    )
    ticket = await TicketType.select(TicketType.taken).where(TicketType.id == ticket_type_id).first()
    assert ticket is not None
    return Counter(r["status"] for r in rows), len(rows), len({r["user"] for r in rows}), ticket["taken"]


def assert_exact(outcome: Outcome, seats: int, *servers: LiveServer) -> None:
    logs = "\n".join(f"--- {server.log_path}:\n{server.log_tail(15)}" for server in servers)
    assert outcome.errors == [], f"{outcome.summary()}\n{logs}"
    assert outcome.confirmed == seats, outcome.summary()
    assert len(set(outcome.ids)) == len(outcome.ids), "two answers carry the same registration id"
    assert len(set(outcome.codes)) == len(outcome.codes), "two registrations share a public code"


async def test_no_oversell_with_waiting_list(
    live_server: LiveServer, factory: Factory, people: list[LoadUser]
) -> None:
    event_id, ticket_type_id = await sold_out_event(factory, waitlist_enabled=True)

    outcome = await register_all(live_server.base_url, event_id, ticket_type_id, people)

    assert_exact(outcome, SEATS, live_server)
    assert outcome.waitlisted == PEOPLE - SEATS, outcome.summary()
    assert outcome.problems == Counter(), outcome.summary()
    statuses, rows, distinct, taken = await stored(event_id, ticket_type_id)
    assert rows == PEOPLE and distinct == PEOPLE, "a registration was lost or duplicated"
    assert statuses == Counter(confirmed=SEATS, waitlisted=PEOPLE - SEATS)
    assert taken == SEATS


async def test_no_oversell_without_waiting_list(
    live_server: LiveServer, factory: Factory, people: list[LoadUser]
) -> None:
    event_id, ticket_type_id = await sold_out_event(factory, waitlist_enabled=False)

    outcome = await register_all(live_server.base_url, event_id, ticket_type_id, people)

    assert_exact(outcome, SEATS, live_server)
    assert outcome.problems == Counter(capacity_exhausted=PEOPLE - SEATS), outcome.summary()
    statuses, rows, _distinct, taken = await stored(event_id, ticket_type_id)
    assert statuses == Counter(confirmed=SEATS) and rows == SEATS
    assert taken == SEATS


async def test_no_double_registration_under_concurrency(
    live_server: LiveServer, factory: Factory, people: list[LoadUser]
) -> None:
    """The same person pressing "register" many times at once gets one registration."""
    event_id, ticket_type_id = await sold_out_event(factory, seats=100)
    hasty = people[:20]

    outcome = await register_all(live_server.base_url, event_id, ticket_type_id, hasty, copies=5)

    assert_exact(outcome, len(hasty), live_server)
    assert outcome.statuses == Counter(confirmed=len(hasty)), outcome.summary()
    assert outcome.problems == Counter(already_registered=4 * len(hasty)), outcome.summary()
    statuses, rows, distinct, taken = await stored(event_id, ticket_type_id)
    assert rows == distinct == len(hasty) and statuses == Counter(confirmed=len(hasty))
    assert taken == len(hasty)


async def test_no_oversell_across_two_server_processes(
    start_live_server: StartLiveServer, factory: Factory, people: list[LoadUser]
) -> None:
    """Two workers share the database: the guard cannot rely on one process's memory."""
    first, second = start_live_server(), start_live_server()
    try:
        event_id, ticket_type_id = await sold_out_event(factory, waitlist_enabled=True)
        half = len(people) // 2
        outcomes = await asyncio.gather(
            register_all(first.base_url, event_id, ticket_type_id, people[:half]),
            register_all(second.base_url, event_id, ticket_type_id, people[half:]),
        )
    finally:
        first.stop()
        second.stop()
    merged = Outcome()
    for outcome in outcomes:
        merged.statuses.update(outcome.statuses)
        merged.problems.update(outcome.problems)
        merged.errors.extend(outcome.errors)
        merged.ids.extend(outcome.ids)
        merged.codes.extend(outcome.codes)
    assert_exact(merged, SEATS, first, second)
    assert merged.waitlisted == PEOPLE - SEATS, merged.summary()
    statuses, rows, _distinct, taken = await stored(event_id, ticket_type_id)
    assert rows == PEOPLE and statuses == Counter(confirmed=SEATS, waitlisted=PEOPLE - SEATS)
    assert taken == SEATS


async def test_control_run_without_the_guard_oversells(
    start_live_server: StartLiveServer, factory: Factory, people: list[LoadUser]
) -> None:
    """The same burst against the naive path oversells, so the tests above can fail."""
    server = start_live_server(LUYAN_UNGUARDED_REGISTRATION="1")
    try:
        event_id, ticket_type_id = await sold_out_event(factory, waitlist_enabled=True)
        outcome = await register_all(server.base_url, event_id, ticket_type_id, people)
    finally:
        server.stop()
    statuses, _rows, _distinct, _taken = await stored(event_id, ticket_type_id)
    print(f"control run, {SEATS} seats: {outcome.summary()}")  # shown with -s / -rP
    assert outcome.confirmed > SEATS, f"the unguarded path did not oversell: {outcome.summary()}"
    assert statuses["confirmed"] > SEATS
