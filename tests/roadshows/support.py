"""Builders for roadshows test data, straight into the tables (tests of one area should not
depend on another area's API to set up)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tests.factories import Factory, TestUser


@dataclass
class Contest:
    """An organiser's contest event with an open call and one scoring round."""

    organiser: TestUser
    organisation_id: int
    event_id: int
    call_id: int
    round_id: int
    criteria: list[int]


async def project(owner: TestUser, **fields: Any) -> int:
    from roadshows.tables import Project, ProjectMember

    values: dict[str, Any] = dict(
        name_en="Test Project",
        name_zh="测试项目",
        summary_en="A test project.",
        summary_zh="一个测试项目。",
        sector="biotech",
        stage="seed",
        region="Zhejiang",
        country="CN",
        funding_sought=5_000_000,
    )
    values.update(fields)
    row = Project(owner=owner.id, **values)
    await row.save()
    await ProjectMember(project=row.id, user=owner.id, role="owner").save()
    return row.id


async def call(event_id: int, *, status: str = "open", **fields: Any) -> int:
    from roadshows.tables import PitchCall

    values: dict[str, Any] = dict(
        title_en="Call for pitches",
        title_zh="项目征集",
        deadline=dt.datetime.now(dt.UTC) + dt.timedelta(days=14),
        categories=[{"key": "health", "en": "Health", "zh": "健康"}],
    )
    values.update(fields)
    row = PitchCall(event=event_id, status=status, **values)
    await row.save()
    return row.id


async def submission(call_id: int, project_id: int, *, status: str = "submitted", **fields: Any) -> int:
    from roadshows.tables import Submission

    row = Submission(call=call_id, project=project_id, status=status, **fields)
    await row.save()
    return row.id


async def contest_round(
    call_id: int,
    *,
    kind: str = "preliminary",
    status: str = "scoring",
    weights: tuple[float, ...] = (2.0, 1.0),
    **fields: Any,
) -> tuple[int, list[int]]:
    """A round with one criterion per weight; returns (round id, criterion ids)."""
    from roadshows.tables import ContestRound, Criterion

    row = ContestRound(call=call_id, kind=kind, status=status, **fields)
    await row.save()
    criteria = []
    for position, weight in enumerate(weights):
        criterion = Criterion(
            round=row.id,
            name_en=f"Criterion {position + 1}",
            name_zh=f"标准{position + 1}",
            weight=weight,
            position=position,
        )
        await criterion.save()
        criteria.append(criterion.id)
    return row.id, criteria


async def enter(round_id: int, *submission_ids: int) -> None:
    from roadshows.tables import RoundEntry

    for submission_id in submission_ids:
        await RoundEntry(round=round_id, submission=submission_id).save()


async def assign(round_id: int, *judges: TestUser) -> None:
    from roadshows.tables import JudgeAssignment

    for judge in judges:
        await JudgeAssignment(round=round_id, judge=judge.id).save()


async def contest(factory: Factory, *, kind: str = "contest") -> Contest:
    organiser, organisation_id = await factory.organiser()
    event_id = await factory.event(organisation_id, kind=kind)
    call_id = await call(event_id)
    round_id, criteria = await contest_round(call_id)
    return Contest(organiser, organisation_id, event_id, call_id, round_id, criteria)
