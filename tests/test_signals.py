"""Domain events: ``emit_many`` runs a listener's batch form once per batch, others per payload."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from litestar import Litestar
from litestar.events import listener

from app import signals

CALLS: list[tuple[str, Any]] = []


@listener("thing.happened")
async def one_by_one(n: int, **_: Any) -> None:
    CALLS.append(("one", n))


@listener("thing.happened")
async def counted(n: int, **_: Any) -> None:
    CALLS.append(("counted-one", n))


@signals.batch_form(counted)
def counted_many(payloads: signals.Payloads) -> None:
    CALLS.append(("counted-many", [p["n"] for p in payloads]))


@listener("thing.broke")
async def broken(**_: Any) -> None:
    CALLS.append(("broken-one", None))


@signals.batch_form(broken)
def broken_many(payloads: signals.Payloads) -> None:
    raise RuntimeError("boom")


@listener("thing.broke")
async def bystander(n: int, **_: Any) -> None:
    CALLS.append(("bystander", n))


@pytest.fixture
def bound() -> Any:
    previous = signals.current_app()
    signals.bind(Litestar(listeners=[one_by_one, counted, broken, bystander]))
    CALLS.clear()
    yield
    signals.bind(previous)


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_batch_form_runs_once_per_batch_the_others_per_payload(bound: None) -> None:
    signals.emit_many("thing.happened", [{"n": 1}, {"n": 2}, {"n": 3}])
    await _settle()
    assert ("counted-many", [1, 2, 3]) in CALLS
    assert not [call for call in CALLS if call[0] == "counted-one"]
    assert [n for name, n in CALLS if name == "one"] == [1, 2, 3]


async def test_a_single_emit_still_reaches_the_listener_itself(bound: None) -> None:
    signals.emit("thing.happened", n=7)
    await _settle()
    assert sorted(CALLS) == [("counted-one", 7), ("one", 7)]


async def test_a_failing_batch_form_is_logged_and_stops_no_one(
    bound: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="luyan.signals"):
        signals.emit_many("thing.broke", [{"n": 1}, {"n": 2}])
        await _settle()
    assert [n for name, n in CALLS if name == "bystander"] == [1, 2]
    assert any("broken_many" in record.getMessage() for record in caplog.records)
