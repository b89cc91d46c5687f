"""Fire many registrations at a live server at once and tally what came back."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.live_data import LoadUser


@dataclass
class Outcome:
    """What N concurrent registration requests returned."""

    statuses: Counter[str] = field(default_factory=Counter)  # registration status of 201s
    problems: Counter[str] = field(default_factory=Counter)  # problem `code` of 4xx answers
    errors: list[str] = field(default_factory=list)  # 5xx, transport errors, unexpected bodies
    ids: list[int] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    @property
    def confirmed(self) -> int:
        return self.statuses["confirmed"]

    @property
    def waitlisted(self) -> int:
        return self.statuses["waitlisted"]

    def summary(self) -> str:
        return f"statuses={dict(self.statuses)} problems={dict(self.problems)} errors={self.errors[:5]}"


def _tally(outcome: Outcome, result: httpx.Response | BaseException) -> None:
    if isinstance(result, BaseException):
        outcome.errors.append(f"{type(result).__name__}: {result}")
        return
    body: Any
    try:
        body = result.json()
    except ValueError:
        body = None
    if result.status_code == 201 and isinstance(body, dict) and "status" in body:
        outcome.statuses[body["status"]] += 1
        outcome.ids.append(body["id"])
        outcome.codes.append(body["code"])
    elif 400 <= result.status_code < 500 and isinstance(body, dict) and body.get("code"):
        outcome.problems[body["code"]] += 1
    else:
        outcome.errors.append(f"{result.status_code}: {result.text[:200]}")


async def register_all(
    base_url: str,
    event_id: int,
    ticket_type_id: int,
    users: Sequence[LoadUser],
    *,
    copies: int = 1,
) -> Outcome:
    """Every user (``copies`` times each) POSTs a registration, all at once, one connection each.

    All requests are created before any is awaited, and each gets its own connection, so
    the server sees them as one burst, which is what gives a race a chance to show.
    """
    requests = [user for user in users for _ in range(copies)]
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=len(requests))
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120.0) as client:
        start = asyncio.Event()

        async def one(user: LoadUser) -> httpx.Response:
            await start.wait()
            return await client.post(
                f"/api/v1/events/{event_id}/registrations",
                json={"ticket_type_id": ticket_type_id},
                headers=user.headers,
            )

        tasks = [asyncio.create_task(one(user)) for user in requests]
        await asyncio.sleep(0)  # every task is now parked on the start signal
        start.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
    outcome = Outcome()
    for result in results:
        _tally(outcome, result)
    return outcome
