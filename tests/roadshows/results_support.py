"""Builders for results tests: the harsh-and-lenient-judge round of docs/judging.md, scores
written straight into the table, round status changes and other roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.factories import Factory, TestUser, unique
from tests.roadshows import support

NAMES = [
    ("Aurora Bio", "极光生物"),
    ("Beacon AI", "灯塔智能"),
    ("Cobalt Energy", "钴能源"),
    ("Delta Farms", "三角农场"),
]


@dataclass
class Board:
    """A contest round with four entries A, B, C, D and two judges, one harsh and one lenient."""

    contest: support.Contest
    harsh: TestUser
    lenient: TestUser
    owners: list[TestUser] = field(default_factory=list)
    projects: list[int] = field(default_factory=list)
    submissions: list[int] = field(default_factory=list)

    @property
    def round_id(self) -> int:
        return self.contest.round_id

    @property
    def organiser(self) -> TestUser:
        return self.contest.organiser

    @property
    def a(self) -> int:
        return self.submissions[0]

    @property
    def b(self) -> int:
        return self.submissions[1]

    @property
    def c(self) -> int:
        return self.submissions[2]

    @property
    def d(self) -> int:
        return self.submissions[3]


async def score(
    round_id: int, submission_id: int, judge: TestUser, criteria: list[int], *values: float
) -> None:
    """A judge's score with one value per criterion; ``total`` as the judging service stores it."""
    from roadshows.tables import Criterion, Score

    weights = {
        r["id"]: r["weight"]
        for r in await Criterion.select(Criterion.id, Criterion.weight).where(Criterion.round == round_id)
    }
    pairs = list(zip(criteria, values, strict=True))
    total = sum(weights[c] * v for c, v in pairs) / sum(weights[c] for c, _ in pairs)
    await Score(
        round=round_id,
        submission=submission_id,
        judge=judge.id,
        values={str(c): v for c, v in pairs},
        total=total,
    ).save()


async def set_total(
    round_id: int, submission_id: int, judge: TestUser, criteria: list[int], value: float
) -> None:
    """Change a judge's score afterwards (every criterion to ``value``)."""
    from roadshows.tables import Score

    await Score.update({Score.values: {str(c): value for c in criteria}, Score.total: value}).where(
        (Score.round == round_id) & (Score.submission == submission_id) & (Score.judge == judge.id)
    )


async def set_status(round_id: int, status: str) -> None:
    from roadshows.tables import ContestRound

    await ContestRound.update({ContestRound.status: status}).where(ContestRound.id == round_id)


async def entries_of(round_id: int) -> dict[int, dict[str, Any]]:
    from roadshows.tables import RoundEntry

    rows = await RoundEntry.select().where(RoundEntry.round == round_id)
    return {r["submission"]: r for r in rows}


async def conflict(judge: TestUser, project_id: int) -> None:
    from roadshows.tables import JudgeConflict

    await JudgeConflict(judge=judge.id, project=project_id, reason="Former adviser").save()


async def board(factory: Factory, *, scored: bool = True, status: str = "scoring") -> Board:
    """Harsh judge scores A 5, B 3, C 4 (conflict with D); lenient judge B 7, C 9, D 8 (conflict
    with A). Raw means rank D, C, A/B; normalised scores rank A, C, D, B."""
    contest = await support.contest(factory)
    await set_status(contest.round_id, status)
    harsh = await factory.user(name="Judge Harsh")
    lenient = await factory.user(name="Judge Lenient")
    result = Board(contest, harsh, lenient)
    for index, (name_en, name_zh) in enumerate(NAMES):
        owner = await factory.user(entrepreneur=True, name=f"Founder {index + 1}")
        project_id = await support.project(owner, name_en=name_en, name_zh=name_zh)
        result.owners.append(owner)
        result.projects.append(project_id)
        result.submissions.append(await support.submission(contest.call_id, project_id, status="shortlisted"))
    await support.enter(contest.round_id, *result.submissions)
    await support.assign(contest.round_id, harsh, lenient)
    await conflict(harsh, result.projects[3])
    await conflict(lenient, result.projects[0])
    if scored:
        criteria = contest.criteria
        for submission_id, total in zip(result.submissions[:3], (5, 3, 4), strict=True):
            await score(contest.round_id, submission_id, harsh, criteria, total, total)
        for submission_id, total in zip(result.submissions[1:], (7, 9, 8), strict=True):
            await score(contest.round_id, submission_id, lenient, criteria, total, total)
    return result


async def investor(factory: Factory) -> TestUser:
    from app.accounts.tables import Institution, InstitutionMember

    user = await factory.user(name="Investor Yin")
    institution = Institution(slug=unique("inst"), name_en="Test Capital", name_zh="测试资本")
    await institution.save()
    await InstitutionMember(institution=institution.id, user=user.id, role="member").save()
    return user
