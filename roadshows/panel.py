"""The judges' panel of a round: who sits on it, their progress, adding and removing judges."""

from __future__ import annotations

from app.auth import CurrentUser
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from roadshows.access import organiser_round
from roadshows.judging_schemas import JudgeAdd, JudgeHasScores, JudgeRead, RoundPublished
from roadshows.rounds import locked_round, transaction
from roadshows.tables import JudgeAssignment, JudgeConflict, RoundEntry, Score


async def _panel_progress(round_id: int) -> list[JudgeRead]:
    """The panel with each judge's progress: scored entries, and entries they may score."""
    panel = (
        await JudgeAssignment.select(
            JudgeAssignment.judge,
            JudgeAssignment.created_at,
            JudgeAssignment.judge.display_name.as_alias("display_name"),
            JudgeAssignment.judge.email.as_alias("email"),
        )
        .where(JudgeAssignment.round == round_id)
        .order_by(JudgeAssignment.id)
    )
    projects = [
        r["project"]
        for r in await RoundEntry.select(RoundEntry.submission.project.as_alias("project")).where(
            RoundEntry.round == round_id
        )
    ]
    judges = [p["judge"] for p in panel]
    conflicts: dict[int, int] = dict.fromkeys(judges, 0)
    scored: dict[int, int] = dict.fromkeys(judges, 0)
    if judges and projects:
        for c in await JudgeConflict.select(JudgeConflict.judge).where(
            JudgeConflict.judge.is_in(judges) & JudgeConflict.project.is_in(projects)
        ):
            conflicts[c["judge"]] += 1
    for s in await Score.select(Score.judge).where(Score.round == round_id):
        if s["judge"] in scored:
            scored[s["judge"]] += 1
    return [
        JudgeRead(
            user_id=p["judge"],
            display_name=p["display_name"],
            email=p["email"],
            scored=scored[p["judge"]],
            assignable=len(projects) - conflicts[p["judge"]],
            conflicts=conflicts[p["judge"]],
            assigned_at=p["created_at"],
        )
        for p in panel
    ]


async def list_judges(user: CurrentUser, round_id: int) -> list[JudgeRead]:
    await organiser_round(user, round_id)
    return await _panel_progress(round_id)


async def add_judge(user: CurrentUser, round_id: int, data: JudgeAdd) -> list[JudgeRead]:
    """Seat an existing account on the panel, found by e-mail or id (seating twice is a no-op)."""
    from app.accounts.tables import User

    await organiser_round(user, round_id)
    if (data.email is None) == (data.user_id is None):
        raise InvalidInput({"email": N_("Give the judge's e-mail or account id.")})
    if data.email is not None:
        found = (
            await User.select(User.id)
            .where(
                (User.email == data.email.strip().lower()) & (User.is_active == True)  # noqa: E712
            )
            .first()
        )
        if found is None:
            raise InvalidInput({"email": N_("Nobody has an account with this e-mail address.")})
    else:
        found = (
            await User.select(User.id)
            .where(
                (User.id == data.user_id) & (User.is_active == True)  # noqa: E712
            )
            .first()
        )
        if found is None:
            raise InvalidInput({"user_id": N_("There is no such account.")})
    async with transaction():
        if (await locked_round(round_id))["status"] == "published":
            raise RoundPublished()
        await JudgeAssignment.insert(JudgeAssignment(round=round_id, judge=found["id"])).on_conflict(
            action="DO NOTHING"
        )
    return await _panel_progress(round_id)


async def remove_judge(user: CurrentUser, round_id: int, judge_id: int) -> None:
    await organiser_round(user, round_id)
    async with transaction():
        await locked_round(round_id)
        where = (JudgeAssignment.round == round_id) & (JudgeAssignment.judge == judge_id)
        if not await JudgeAssignment.exists().where(where):
            raise NotFound()
        if await Score.exists().where((Score.round == round_id) & (Score.judge == judge_id)):
            raise JudgeHasScores()
        await JudgeAssignment.delete().where(where)
