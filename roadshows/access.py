"""Object-level access in the roadshows domain: who may see or change which project, call,
round or score.

Every function answers ``NotFound`` for "not yours" exactly as for "does not exist", so ids
reveal nothing (no IDOR). Organisers reach calls, submissions and rounds through the event
they belong to (``events.access.organiser_event``); judges reach only the rounds whose panel
they sit on; a team reaches only its own projects.
"""

from __future__ import annotations

from typing import Any

from app.auth import CurrentUser
from app.errors import NotFound
from events.access import organiser_event
from roadshows.tables import (
    ContestRound,
    JudgeAssignment,
    JudgeConflict,
    PitchCall,
    Project,
    ProjectMember,
    Submission,
)


async def team_project(user: CurrentUser, project_id: int, *, owner_only: bool = False) -> dict[str, Any]:
    """The project row if ``user`` is on its team (its owner when ``owner_only``)."""
    project = await Project.select().where(Project.id == project_id).first()
    if project is None:
        raise NotFound()
    if project["owner"] == user.id:
        return project
    if not owner_only:
        member = await ProjectMember.exists().where(
            (ProjectMember.project == project_id) & (ProjectMember.user == user.id)
        )
        if member:
            return project
    raise NotFound()


async def organiser_call(user: CurrentUser, call_id: int) -> dict[str, Any]:
    """The call row if ``user`` organises its event."""
    call = await PitchCall.select().where(PitchCall.id == call_id).first()
    if call is None:
        raise NotFound()
    await organiser_event(user, call["event"])
    return call


async def organiser_submission(user: CurrentUser, submission_id: int) -> dict[str, Any]:
    """The submission row (plus ``event``: its call's event id) if ``user`` organises that event."""
    row = (
        await Submission.select(Submission.all_columns(), Submission.call.event.as_alias("event"))
        .where(Submission.id == submission_id)
        .first()
    )
    if row is None:
        raise NotFound()
    await organiser_event(user, row["event"])
    return row


async def organiser_round(user: CurrentUser, round_id: int) -> dict[str, Any]:
    """The round row (plus ``event``) if ``user`` organises the event of its call."""
    row = (
        await ContestRound.select(ContestRound.all_columns(), ContestRound.call.event.as_alias("event"))
        .where(ContestRound.id == round_id)
        .first()
    )
    if row is None:
        raise NotFound()
    await organiser_event(user, row["event"])
    return row


async def is_judge(user_id: int, round_id: int) -> bool:
    return await JudgeAssignment.exists().where(
        (JudgeAssignment.round == round_id) & (JudgeAssignment.judge == user_id)
    )


async def judge_round(user: CurrentUser, round_id: int) -> dict[str, Any]:
    """The round row (plus ``event``) if ``user`` sits on its panel."""
    row = (
        await ContestRound.select(ContestRound.all_columns(), ContestRound.call.event.as_alias("event"))
        .where(ContestRound.id == round_id)
        .first()
    )
    if row is None or not await is_judge(user.id, round_id):
        raise NotFound()
    return row


async def has_conflict(judge_id: int, project_id: int) -> bool:
    """Did this judge declare a conflict of interest with this project?"""
    return await JudgeConflict.exists().where(
        (JudgeConflict.judge == judge_id) & (JudgeConflict.project == project_id)
    )
