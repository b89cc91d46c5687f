"""Submissions: a team submits a project to a pitch call; organisers (and the team, to withdraw)
move it through ``roadshows.workflow``.

``transition`` is the one place a submission's status changes: a conditional update on the
status read, so of two simultaneous moves only one wins; every move is logged
(``SubmissionMove``) and mailed to the team in the same transaction, and ``submission.moved``
is emitted after commit. A submission is visible to its team and to the organisers of its
call's event only; anyone else gets 404, as for one that does not exist.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

import msgspec

from app.auth import CurrentUser
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.signals import emit
from events.registration_answers import validate_answers
from roadshows.access import organiser_call, team_project
from roadshows.calls import accepting, status_counts, visible_call
from roadshows.submission_mail import RECEIVED, queue_team_mail, submission_facts
from roadshows.submission_schemas import (
    MoveCreate,
    MoveRead,
    MySubmission,
    SubmissionCreate,
    SubmissionPage,
    SubmissionRead,
)
from roadshows.tables import Project, ProjectMember, Submission, SubmissionMove
from roadshows.workflow import STATUS_LABELS, IllegalMove, check_move, moves_for

ALL_ROLES = frozenset({"organiser", "team"})


class CallClosed(Conflict):
    code, message = (
        "call_closed",
        N_("This call is not taking submissions: it is closed or past its deadline."),
    )


class AlreadySubmitted(Conflict):
    code, message = "already_submitted", N_("This project has already been submitted to this call.")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- reading ---------------------------------------------------------------------------------
def select_submissions(*extra: Any) -> Any:
    """A select of the columns ``submission_read`` needs (plus ``extra``), JSON decoded."""
    return Submission.select(
        *Submission.all_columns(),
        Submission.call.event.as_alias("event"),
        Submission.project.name_en.as_alias("project_name_en"),
        Submission.project.name_zh.as_alias("project_name_zh"),
        *extra,
    ).output(load_json=True)


def submission_read(row: dict[str, Any], roles: frozenset[str] | set[str]) -> SubmissionRead:
    return SubmissionRead(
        id=row["id"],
        call_id=row["call"],
        event_id=row["event"],
        project_id=row["project"],
        project_name_en=row["project_name_en"],
        project_name_zh=row["project_name_zh"],
        category=row["category"],
        answers=row["answers"] or {},
        status=row["status"],
        award_en=row["award_en"],
        award_zh=row["award_zh"],
        submitted_at=row["submitted_at"],
        status_changed_at=row["status_changed_at"],
        allowed_moves=moves_for(row["status"], roles),
    )


async def roles_on(user: CurrentUser, event_id: int, project_id: int) -> frozenset[str]:
    """How ``user`` relates to a submission: organiser of its event, on its project's team."""
    roles = set()
    if user.is_admin or await _organises(user, event_id):
        roles.add("organiser")
    if await is_team_member(user.id, project_id):
        roles.add("team")
    return frozenset(roles)


async def _organises(user: CurrentUser, event_id: int) -> bool:
    from events.tables import Event

    row = await Event.select(Event.organisation).where(Event.id == event_id).first()
    return row is not None and row["organisation"] in (await user.memberships()).organisations


async def is_team_member(user_id: int, project_id: int) -> bool:
    owner = await Project.exists().where((Project.id == project_id) & (Project.owner == user_id))
    return owner or await ProjectMember.exists().where(
        (ProjectMember.project == project_id) & (ProjectMember.user == user_id)
    )


async def visible_submission(user: CurrentUser, submission_id: int) -> tuple[dict[str, Any], frozenset[str]]:
    """The submission row and the caller's roles on it; 404 when they have none."""
    row = await select_submissions().where(Submission.id == submission_id).first()
    if row is None:
        raise NotFound()
    roles = await roles_on(user, row["event"], row["project"])
    if not roles:
        raise NotFound()
    return row, roles


async def get_submission(user: CurrentUser, submission_id: int) -> SubmissionRead:
    row, roles = await visible_submission(user, submission_id)
    return submission_read(row, roles)


# -- submitting ------------------------------------------------------------------------------
def call_questions(call: dict[str, Any]) -> list[dict[str, Any]]:
    """The call's questions shaped for ``events.registration_answers`` (keyed by ``id``)."""
    return [{**q, "id": q["key"]} for q in call.get("questions") or []]


def check_category(call: dict[str, Any], category: str) -> None:
    keys = [c["key"] for c in call.get("categories") or []]
    if keys and category not in keys:
        raise InvalidInput({"category": N_("Choose one of the call's categories.")})
    if not keys and category:
        raise InvalidInput({"category": N_("This call has no categories.")})


def is_duplicate(exc: BaseException) -> bool:
    """Did an insert hit the one-submission-per-call-and-project index (SQLite or PostgreSQL)?"""
    if isinstance(exc, sqlite3.IntegrityError):
        return "luyan_submission.call" in str(exc)
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - installed with the PostgreSQL extra
        return False
    return isinstance(exc, asyncpg.UniqueViolationError) and exc.constraint_name == "luyan_submission_one"


async def submit(user: CurrentUser, call_id: int, data: SubmissionCreate) -> SubmissionRead:
    """Submit one of the user's team's projects to an open call, before its deadline."""
    call = await visible_call(call_id, user)
    await team_project(user, data.project_id)
    if not accepting(call):
        raise CallClosed(extra={"deadline": call["deadline"].isoformat(), "call_status": call["status"]})
    check_category(call, data.category)
    answers = validate_answers(call_questions(call), data.answers)
    duplicate = Submission.exists().where(
        (Submission.call == call_id) & (Submission.project == data.project_id)
    )
    if await duplicate:
        raise AlreadySubmitted()
    try:
        async with Submission._meta.db.transaction():
            row = Submission(
                call=call_id,
                project=data.project_id,
                category=data.category,
                answers=answers,
                status="submitted",
                submitted_by=user.id,
            )
            await row.save()
            await SubmissionMove(
                submission=row.id, from_status="", to_status="submitted", actor=user.id
            ).save()
            facts = await submission_facts(row.id)
            assert facts is not None  # written just above
            await queue_team_mail(facts, RECEIVED)
    except Exception as exc:
        # Two submissions of one project racing: the unique index lets one through.
        if is_duplicate(exc):
            raise AlreadySubmitted() from exc
        raise
    emit("submission.created", submission_id=row.id, call_id=call_id, project_id=data.project_id)
    return await get_submission(user, row.id)


# -- moving ----------------------------------------------------------------------------------
async def read_status(submission_id: int) -> str | None:
    row = await Submission.select(Submission.status).where(Submission.id == submission_id).first()
    return row["status"] if row else None


def still_in(status: str) -> Any:
    """The condition of a move's update: the submission is still where the move started.
    (The concurrency tests' control run replaces it to show the race it prevents.)"""
    return Submission.status == status


async def transition(
    submission_id: int,
    to_status: str,
    *,
    actor_id: int | None,
    note: str = "",
    from_status: str | None = None,
    roles: frozenset[str] = ALL_ROLES,
    award_en: str = "",
    award_zh: str = "",
) -> dict[str, Any]:
    """Move a submission to ``to_status`` (no access check: callers check).

    Refused with ``IllegalMove`` (409, with the allowed targets) when the workflow does not
    allow the move for ``roles``, or when ``from_status`` is given and the submission is no
    longer in it. Returns ``{"submission_id", "from_status", "to_status"}``.
    """
    if to_status not in STATUS_LABELS:
        raise InvalidInput({"to_status": N_("Choose one of the offered values.")})
    async with Submission._meta.db.transaction():
        current = await read_status(submission_id)
        if current is None:
            raise NotFound()
        if from_status is not None and from_status != current:
            raise IllegalMove(current, to_status, moves_for(current, roles))
        check_move(current, to_status, roles)
        values: dict[Any, Any] = {Submission.status: to_status, Submission.status_changed_at: now()}
        if to_status == "awarded":
            values.update({Submission.award_en: award_en.strip(), Submission.award_zh: award_zh.strip()})
        # Conditional on the status read: a concurrent move that got there first makes this one
        # update nothing (PostgreSQL re-checks the condition once the other commits).
        moved = (
            await Submission.update(values)
            .where((Submission.id == submission_id) & still_in(current))
            .returning(Submission.id)
        )
        if not moved:
            status = await read_status(submission_id) or current
            raise IllegalMove(status, to_status, moves_for(status, roles))
        await SubmissionMove(
            submission=submission_id, from_status=current, to_status=to_status, actor=actor_id, note=note
        ).save()
        facts = await submission_facts(submission_id)
        assert facts is not None  # moved just above
        await queue_team_mail(facts, to_status, note)
    emit("submission.moved", submission_id=submission_id, from_status=current, to_status=to_status)
    return {"submission_id": submission_id, "from_status": current, "to_status": to_status}


async def move(user: CurrentUser, submission_id: int, data: MoveCreate) -> SubmissionRead:
    """A move asked for through the API or a page, with the caller's own roles."""
    _row, roles = await visible_submission(user, submission_id)
    if data.to_status != "awarded" and (data.award_en or data.award_zh):
        raise InvalidInput({"award_en": N_("An award can only be given when moving to awarded.")})
    await transition(
        submission_id,
        data.to_status,
        actor_id=user.id,
        note=data.note,
        from_status=data.from_status,
        roles=roles,
        award_en=data.award_en,
        award_zh=data.award_zh,
    )
    return await get_submission(user, submission_id)


async def withdraw(user: CurrentUser, submission_id: int, note: str = "") -> SubmissionRead:
    """The team takes its submission back (organisers cannot: they reject instead)."""
    row, roles = await visible_submission(user, submission_id)
    if "team" not in roles:
        raise IllegalMove(row["status"], "withdrawn", moves_for(row["status"], roles))
    await transition(submission_id, "withdrawn", actor_id=user.id, note=note, roles=frozenset({"team"}))
    return await get_submission(user, submission_id)


# -- listings --------------------------------------------------------------------------------
def _contains(column: Any, text: str) -> Any:
    """Case-insensitive substring match (SQLite's LIKE already ignores ASCII case)."""
    pattern = "%" + text.replace("%", "").replace("_", "").replace("\\", "") + "%"
    return column.ilike(pattern) if Submission._meta.db.engine_type == "postgres" else column.like(pattern)


async def call_submissions(
    user: CurrentUser,
    call_id: int,
    *,
    status: str | None = None,
    category: str | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> SubmissionPage:
    """The organiser's list of a call's submissions, filtered, a page at a time."""
    await organiser_call(user, call_id)
    where = Submission.call == call_id
    if status:
        where &= Submission.status == status
    if category:
        where &= Submission.category == category
    if q and q.strip():
        text = q.strip()[:200]
        where &= _contains(Submission.project.name_en, text) | _contains(Submission.project.name_zh, text)
    total = await Submission.count().where(where)
    rows = (
        await select_submissions()
        .where(where)
        .order_by(Submission.submitted_at, Submission.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    organiser = frozenset({"organiser"})
    return SubmissionPage(
        items=[submission_read(r, organiser) for r in rows],
        total=total,
        page=page,
        per_page=per_page,
        counts=(await status_counts([call_id]))[call_id],
    )


async def team_project_ids(user_id: int) -> list[int]:
    owned = await Project.select(Project.id).where(Project.owner == user_id)
    member = await ProjectMember.select(ProjectMember.project).where(ProjectMember.user == user_id)
    return sorted({r["id"] for r in owned} | {r["project"] for r in member})


async def my_submissions(user: CurrentUser) -> list[MySubmission]:
    """Every submission of a project the user is on the team of, newest first."""
    project_ids = await team_project_ids(user.id)
    if not project_ids:
        return []
    rows = (
        await select_submissions(
            Submission.call.title_en.as_alias("call_title_en"),
            Submission.call.title_zh.as_alias("call_title_zh"),
            Submission.call.event.title_en.as_alias("event_title_en"),
            Submission.call.event.title_zh.as_alias("event_title_zh"),
            Submission.call.event.timezone.as_alias("event_timezone"),
        )
        .where(Submission.project.is_in(project_ids))
        .order_by(Submission.submitted_at, ascending=False)
        .order_by(Submission.id, ascending=False)
    )
    team = frozenset({"team"})
    return [
        MySubmission(
            **msgspec.structs.asdict(submission_read(r, team)),
            **{f: r[f] for f in _MINE_FIELDS},
        )
        for r in rows
    ]


_MINE_FIELDS = ("call_title_en", "call_title_zh", "event_title_en", "event_title_zh", "event_timezone")


async def submission_moves(user: CurrentUser, submission_id: int) -> list[MoveRead]:
    """The history of a submission, oldest first (its team and organisers only)."""
    await visible_submission(user, submission_id)
    rows = (
        await SubmissionMove.select(
            *SubmissionMove.all_columns(), SubmissionMove.actor.display_name.as_alias("actor_name")
        )
        .where(SubmissionMove.submission == submission_id)
        .order_by(SubmissionMove.created_at, SubmissionMove.id)
    )
    return [
        MoveRead(
            id=r["id"],
            submission_id=r["submission"],
            from_status=r["from_status"],
            to_status=r["to_status"],
            actor_id=r["actor"],
            actor_name=r["actor_name"] or "",
            note=r["note"],
            created_at=r["created_at"],
        )
        for r in rows
    ]
