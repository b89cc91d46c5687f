"""Builders for stage tests: an event with pitches ready to be put in slots, and sockets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import httpx

from tests import factories
from tests.checkin.asgi_socket import cookie_header
from tests.factories import Factory, TestUser
from tests.roadshows import support

ORIGIN = "http://testserver"
EVENT_START = dt.datetime(2031, 5, 20, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai


@dataclass
class Stage:
    organiser: TestUser
    organisation_id: int
    event_id: int
    call_id: int
    submissions: list[int] = field(default_factory=list)
    projects: list[int] = field(default_factory=list)


async def stage(factory: Factory, *, pitches: int = 3, status: str = "published") -> Stage:
    organiser, org_id = await factory.organiser()
    event_id = await factory.event(
        org_id,
        kind="roadshow",
        status=status,
        starts_at=EVENT_START,
        ends_at=EVENT_START + dt.timedelta(hours=9),
    )
    call_id = await support.call(event_id)
    built = Stage(organiser, org_id, event_id, call_id)
    for n in range(pitches):
        team = await factory.user(entrepreneur=True)
        project_id = await support.project(team, name_en=f"Pitch {n + 1}", name_zh=f"项目{n + 1}")
        built.projects.append(project_id)
        built.submissions.append(await support.submission(call_id, project_id, status="shortlisted"))
    return built


async def add_slot(client: httpx.AsyncClient, built: Stage, **body: object) -> dict:
    response = await client.post(
        f"/api/v1/events/{built.event_id}/slots", json=body, headers=built.organiser.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def signed_in_headers(client: httpx.AsyncClient, user: TestUser) -> dict[str, str]:
    await factories.web_login(client, user)
    return {"cookie": cookie_header(client.cookies), "origin": ORIGIN}


@dataclass
class Board:
    """A contest round with entries and a panel of two judges, nobody scored yet."""

    contest: support.Contest
    judges: list[TestUser]
    submissions: list[int]
    names: list[str]


async def board(factory: Factory, *, entries: int = 3, blind: bool = False) -> Board:
    contest = await support.contest(factory)
    if blind:
        from roadshows.tables import ContestRound

        await ContestRound.update({ContestRound.blind: True}).where(ContestRound.id == contest.round_id)
    judges = [await factory.user(name=f"Judge {n}") for n in range(2)]
    await support.assign(contest.round_id, *judges)
    submissions, names = [], []
    for n in range(entries):
        team = await factory.user(entrepreneur=True, name=f"Team lead {n + 1}")
        name = f"Entry {n + 1}"
        project_id = await support.project(team, name_en=name, name_zh=f"参赛{n + 1}")
        submissions.append(await support.submission(contest.call_id, project_id, status="under_review"))
        names.append(name)
    await support.enter(contest.round_id, *submissions)
    return Board(contest, judges, submissions, names)


async def score(built: Board, judge: TestUser, submission_id: int, value: float) -> None:
    """A saved score straight into the table, announced as the judging service does."""
    from app import signals
    from roadshows.tables import Score

    values = {str(c): value for c in built.contest.criteria}
    await Score(
        round=built.contest.round_id, submission=submission_id, judge=judge.id, values=values, total=value
    ).save()
    signals.emit(
        "judging.scored", round_id=built.contest.round_id, submission_id=submission_id, judge_id=judge.id
    )
