"""Two moves of one submission forced to interleave (both read the status before either writes):
the conditional update lets exactly one through; the control run, with the condition taken
away, shows both "winning" (two moves logged), proving the test can fail.

PostgreSQL only: on SQLite a write transaction holds the process's write lock from its first
read, so the second move cannot even read before the first commits (nothing to interleave).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.factories import Factory
from tests.roadshows import support
from tests.roadshows.calls_support import pitch


async def race(monkeypatch: pytest.MonkeyPatch, factory: Factory, *, protected: bool) -> list[Any]:
    from roadshows import submissions
    from roadshows.tables import Submission, SubmissionMove

    p = await pitch(factory)
    submission_id = await support.submission(p.call_id, p.project_id)
    both_read = asyncio.Barrier(2)
    read_status = submissions.read_status

    async def read_then_wait(sid: int) -> str | None:
        status = await read_status(sid)
        if sid == submission_id and status == "submitted":
            await asyncio.wait_for(both_read.wait(), 5)
        return status

    monkeypatch.setattr(submissions, "read_status", read_then_wait)
    if not protected:
        monkeypatch.setattr(submissions, "still_in", lambda _status: Submission.id.is_not_null())
    results = await asyncio.gather(
        submissions.transition(submission_id, "under_review", actor_id=p.organiser.id),
        submissions.transition(submission_id, "rejected", actor_id=p.organiser.id),
        return_exceptions=True,
    )
    monkeypatch.undo()
    logged = await SubmissionMove.count().where(SubmissionMove.submission == submission_id)
    return [results, logged]


async def test_interleaved_moves_one_wins(
    backend: str, monkeypatch: pytest.MonkeyPatch, factory: Factory
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite serialises write transactions: the moves cannot interleave")
    from roadshows.workflow import IllegalMove

    results, logged = await race(monkeypatch, factory, protected=True)
    assert sum(isinstance(r, dict) for r in results) == 1, results
    assert sum(isinstance(r, IllegalMove) for r in results) == 1, results
    assert logged == 1


async def test_control_without_the_condition_both_win(
    backend: str, monkeypatch: pytest.MonkeyPatch, factory: Factory
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite serialises write transactions: the moves cannot interleave")
    results, logged = await race(monkeypatch, factory, protected=False)
    assert all(isinstance(r, dict) for r in results), results
    assert logged == 2
