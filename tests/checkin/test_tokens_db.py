"""Issuing, revoking and signing keys against the real database."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from checkin.keys import public_key, public_keys, signing_key
from checkin.tables import EventSigningKey, TicketToken
from checkin.tokens import (
    InvalidTicket,
    NotIssuable,
    Revoked,
    ensure_token,
    issue_token,
    live_token,
    revocation_list,
    revoke_token,
    verify_token,
)
from tests.checkin.support import confirmed_registration, shanghai
from tests.factories import Factory


async def test_issued_token_verifies_with_the_event_public_key(factory: Factory) -> None:
    setup = await confirmed_registration(
        factory,
        starts_at=shanghai(2027, 5, 10, 9),
        ends_at=shanghai(2027, 5, 12, 17),
        timezone="Asia/Shanghai",
    )
    token = await issue_token(setup["registration_id"])
    claims = verify_token(token, await public_keys(setup["event_id"]))
    assert (claims.event_id, claims.registration_id, claims.ticket_type_id) == (
        setup["event_id"],
        setup["registration_id"],
        setup["ticket_type_id"],
    )
    assert claims.serial == 1 and claims.valid_days == 0b111
    assert claims.valid_on(dt.date(2027, 5, 10), dt.date(2027, 5, 12))
    assert await live_token(setup["registration_id"]) == token


async def test_new_token_revokes_the_old_one(factory: Factory) -> None:
    setup = await confirmed_registration(factory)
    reg_id, event_id = setup["registration_id"], setup["event_id"]
    first = await issue_token(reg_id)
    second = await issue_token(reg_id, reason="ticket_type_changed")
    assert first != second
    keys = await public_keys(event_id)
    assert verify_token(second, keys).serial == 2
    assert verify_token(first, keys).serial == 1  # still genuine: the revocation list stops it
    assert await revocation_list(event_id) == [Revoked(reg_id, 1)]
    old = await TicketToken.select().where(TicketToken.token == first).first()
    assert old["revoked_at"] is not None and old["revoked_reason"] == "ticket_type_changed"
    assert await live_token(reg_id) == second

    assert await revoke_token(reg_id, "cancelled") == 1
    assert await revoke_token(reg_id, "cancelled") == 0
    assert await live_token(reg_id) is None
    assert await revocation_list(event_id) == [Revoked(reg_id, 1), Revoked(reg_id, 2)]


async def test_revocation_list_is_per_event(factory: Factory) -> None:
    a = await confirmed_registration(factory)
    b = await confirmed_registration(factory)
    await issue_token(a["registration_id"])
    await revoke_token(a["registration_id"], "cancelled")
    assert await revocation_list(b["event_id"]) == []


async def test_a_token_does_not_verify_under_another_events_key(factory: Factory) -> None:
    a = await confirmed_registration(factory)
    b = await confirmed_registration(factory)
    token = await issue_token(a["registration_id"])
    wrong = {(a["event_id"], 1): await public_key(b["event_id"])}
    with pytest.raises(InvalidTicket):
        verify_token(token, wrong)


async def test_only_confirmed_registrations_get_tokens(factory: Factory) -> None:
    from events.tables import Registration

    setup = await confirmed_registration(factory)
    await Registration.update({Registration.status: "waitlisted"}).where(
        Registration.id == setup["registration_id"]
    )
    with pytest.raises(NotIssuable):
        await issue_token(setup["registration_id"])


async def test_keys_are_created_once_under_concurrent_calls(factory: Factory) -> None:
    _, org_id = await factory.organiser()
    event_id = await factory.event(org_id)
    results = await asyncio.gather(*(public_key(event_id) for _ in range(10)))
    assert len(set(results)) == 1 and len(results[0]) == 32
    rows = await EventSigningKey.select().where(EventSigningKey.event == event_id)
    assert len(rows) == 1

    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    _, private = await signing_key(event_id)
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    stored = bytes(rows[0]["private_key_wrapped"])
    assert raw not in stored and len(stored) == 12 + 32 + 16  # nonce + ciphertext + GCM tag


async def test_concurrent_issues_leave_one_live_token(factory: Factory) -> None:
    setup = await confirmed_registration(factory)
    await public_key(setup["event_id"])
    results = await asyncio.gather(
        *(issue_token(setup["registration_id"]) for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, str) for r in results), results
    live = await TicketToken.select().where(
        (TicketToken.registration == setup["registration_id"]) & TicketToken.revoked_at.is_null()
    )
    assert len(live) == 1 and live[0]["serial"] == 5


async def test_key_creation_race_is_settled_by_the_unique_constraint(
    factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every caller misses the first read (a delay widens the window), all insert, one wins."""
    from checkin import keys

    _, org_id = await factory.organiser()
    event_id = await factory.event(org_id)
    real_read, misses = keys._read, []

    async def slow_read(eid: int) -> dict | None:
        row = await real_read(eid)
        misses.append(row is None)
        await asyncio.sleep(0.02)
        return row

    monkeypatch.setattr(keys, "_read", slow_read)
    results = await asyncio.gather(*(public_key(event_id) for _ in range(5)))
    assert misses.count(True) == 5  # all five tried to insert
    assert len(set(results)) == 1
    assert await EventSigningKey.count().where(EventSigningKey.event == event_id) == 1


async def test_ensure_token_issues_once_then_returns_the_live_token(factory: Factory) -> None:
    setup = await confirmed_registration(factory)
    reg_id = setup["registration_id"]
    first = await ensure_token(reg_id)
    assert await ensure_token(reg_id) == first == await live_token(reg_id)
    assert verify_token(first, await public_keys(setup["event_id"])).serial == 1
    second = await issue_token(reg_id, reason="ticket_type_changed")
    assert await ensure_token(reg_id) == second  # the live one, whatever its serial


async def test_ensure_token_refuses_unconfirmed_registrations(factory: Factory) -> None:
    from events.tables import Registration

    setup = await confirmed_registration(factory)
    await Registration.update({Registration.status: "pending"}).where(
        Registration.id == setup["registration_id"]
    )
    with pytest.raises(NotIssuable):
        await ensure_token(setup["registration_id"])
    assert await live_token(setup["registration_id"]) is None


async def _all_miss_the_first_look(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every caller's first look for a live token finds none (a delay widens the window)."""
    from checkin import tokens

    real, looks = tokens.live_token, []

    async def slow_live_token(registration_id: int) -> str | None:
        token = await real(registration_id)
        looks.append(token is None)
        await asyncio.sleep(0.02)
        return token

    monkeypatch.setattr(tokens, "live_token", slow_live_token)
    return looks


async def test_concurrent_ensure_token_issues_one_serial(
    factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = await confirmed_registration(factory)
    await public_key(setup["event_id"])
    looks = await _all_miss_the_first_look(monkeypatch)
    results = await asyncio.gather(*(ensure_token(setup["registration_id"]) for _ in range(5)))
    assert looks[:5] == [True] * 5  # all five went on to issue
    assert len(set(results)) == 1
    rows = await TicketToken.select().where(TicketToken.registration == setup["registration_id"])
    assert [row["serial"] for row in rows] == [1] and rows[0]["revoked_at"] is None


async def test_control_without_the_recheck_concurrent_callers_issue_several(
    factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same burst through a naive ensure (look, then issue, no re-check under the lock)
    leaves five serials: the test above really races, and only the re-check keeps it to one."""
    from checkin import tokens

    setup = await confirmed_registration(factory)
    await public_key(setup["event_id"])
    await _all_miss_the_first_look(monkeypatch)

    async def naive_ensure(registration_id: int) -> str:
        return await tokens.live_token(registration_id) or await issue_token(registration_id)

    await asyncio.gather(*(naive_ensure(setup["registration_id"]) for _ in range(5)))
    rows = await TicketToken.select().where(TicketToken.registration == setup["registration_id"])
    assert sorted(row["serial"] for row in rows) == [1, 2, 3, 4, 5]


async def test_a_cancellation_committed_meanwhile_stops_the_issue(
    factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The status is read again under the lock: a registration cancelled between the first read
    and the transaction gets no live token (the cancel listener may already have run)."""
    from checkin import tokens
    from events.tables import Registration

    setup = await confirmed_registration(factory)
    real = tokens.signing_key

    async def cancel_meanwhile(event_id: int):
        await Registration.update({Registration.status: "cancelled"}).where(
            Registration.id == setup["registration_id"]
        )
        return await real(event_id)

    monkeypatch.setattr(tokens, "signing_key", cancel_meanwhile)
    with pytest.raises(NotIssuable):
        await ensure_token(setup["registration_id"])
    assert await TicketToken.count().where(TicketToken.registration == setup["registration_id"]) == 0
