"""Builders for judging tests: a scoring round with entries and a panel, and other roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.factories import Factory, TestUser, unique
from tests.roadshows import support


@dataclass
class Panel:
    """A contest whose scoring round has ``submissions`` entered and ``judge`` on its panel."""

    contest: support.Contest
    judge: TestUser
    owner: TestUser
    projects: list[int] = field(default_factory=list)
    submissions: list[int] = field(default_factory=list)

    @property
    def round_id(self) -> int:
        return self.contest.round_id

    @property
    def organiser(self) -> TestUser:
        return self.contest.organiser

    def values(self, *numbers: float) -> dict[str, float]:
        """A score body's ``values``: one number per criterion, in order."""
        return {str(c): n for c, n in zip(self.contest.criteria, numbers, strict=True)}


async def panel(factory: Factory, *, entries: int = 2, blind: bool = False, status: str = "scoring") -> Panel:
    from roadshows.tables import ContestRound

    contest = await support.contest(factory)
    await ContestRound.update({ContestRound.blind: blind, ContestRound.status: status}).where(
        ContestRound.id == contest.round_id
    )
    owner = await factory.user(entrepreneur=True, name="Founder Fang")
    judge = await factory.user(name="Judge Ju")
    result = Panel(contest, judge, owner)
    for n in range(entries):
        project_id = await support.project(
            owner,
            name_en=f"Project {n + 1}",
            name_zh=f"项目{n + 1}",
            team=[{"name": f"Teammate Tang {n + 1}", "role": "CTO"}],
            website=f"https://team{n + 1}.example.test",
        )
        result.projects.append(project_id)
        result.submissions.append(await support.submission(contest.call_id, project_id, status="shortlisted"))
    await support.enter(contest.round_id, *result.submissions)
    await support.assign(contest.round_id, judge)
    return result


async def investor(factory: Factory) -> TestUser:
    from app.accounts.tables import Institution, InstitutionMember

    user = await factory.user(name="Investor Yin")
    institution = Institution(slug=unique("inst"), name_en="Test Capital", name_zh="测试资本")
    await institution.save()
    await InstitutionMember(institution=institution.id, user=user.id, role="member").save()
    return user


def score_url(round_id: int, submission_id: int) -> str:
    return f"/api/v1/rounds/{round_id}/entries/{submission_id}/score"
