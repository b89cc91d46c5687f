"""The SQLite batch writer: scan ids counted from the table's largest id, and the look-up that
takes over when SQLite does not hand out the usual ids."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.db import fast
from checkin.tables import Checkin, CheckinPresence
from tests import settings_env
from tests.checkin.scan_support import door, scan, ticket
from tests.factories import Factory

pytestmark = pytest.mark.skipif(settings_env.BACKEND != "sqlite", reason="SQLite's batch writer")

LARGEST_ROWID = 2**63 - 1


async def _scan_many(client: httpx.AsyncClient, factory: Factory, count: int) -> list[tuple[int, dict]]:
    d = await door(client, factory)
    tickets = [await ticket(factory, d.event_id) for _ in range(count)]
    answers = await asyncio.gather(*(scan(client, d, token) for _reg, token in tickets))
    return [(reg_id, answer.json()) for (reg_id, _token), answer in zip(tickets, answers, strict=True)]


async def _check_ids(scanned: list[tuple[int, dict]]) -> None:
    """Every answer's scan id is the row recorded for that ticket, and its presence points at it."""
    for reg_id, body in scanned:
        assert body["code"] == "ok", body
        rows = await Checkin.select(Checkin.id).where(Checkin.registration == reg_id)
        assert [row["id"] for row in rows] == [body["scan_id"]]
        presence = await CheckinPresence.select(CheckinPresence.first_checkin).where(
            CheckinPresence.registration == reg_id
        )
        assert [row["first_checkin"] for row in presence] == [body["scan_id"]]


async def test_a_batch_gets_the_ids_it_was_given(client: httpx.AsyncClient, factory: Factory) -> None:
    scanned = await _scan_many(client, factory, 12)
    await _check_ids(scanned)
    ids = sorted(body["scan_id"] for _reg, body in scanned)
    assert len(set(ids)) == len(ids)


async def test_ids_are_looked_up_when_sqlite_picks_them_at_random(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    """With the largest possible rowid taken, SQLite picks new rowids at random: the writer
    notices (``lastrowid``) and reads the ids back by nonce."""
    d = await door(client, factory)
    reg_id, token = await ticket(factory, d.event_id)
    assert (await scan(client, d, token)).json()["code"] == "ok"
    await fast().write(
        lambda conn: conn.raw.execute(
            "UPDATE luyan_checkin SET id = ? WHERE registration = ?", (LARGEST_ROWID, reg_id)
        )
    )
    try:
        scanned = await _scan_many(client, factory, 8)
        await _check_ids(scanned)
        assert all(body["scan_id"] != LARGEST_ROWID for _reg, body in scanned)
    finally:
        await fast().write(
            lambda conn: conn.raw.execute("DELETE FROM luyan_checkin WHERE id = ?", (LARGEST_ROWID,))
        )
