"""Judging: the panel of a round, conflicts of interest and the judges' scores.

A judge sits on a round's panel and sees that round's entries only (anyone else gets 404 for
the round); in a blind round they see no team names, owner, website or video. They give one
score per entry: a value for every criterion on the round's scale, and the weighted mean of
those as ``total``. Saving again replaces the score (an upsert on the unique (round,
submission, judge) index, so two saves racing each other still leave one row). Judges never
see each other's scores; organisers see them all.

A judge who declares a conflict of interest with a project cannot score it; a score they had
already given it is deleted in every round whose results are not yet published (published
results stay as they were announced).
"""

from __future__ import annotations

from typing import Any

from app.auth import CurrentUser
from app.errors import InvalidInput, NotFound
from app.i18n import N_, _, localized
from app.signals import emit
from roadshows.access import has_conflict, is_judge, judge_round, organiser_round
from roadshows.judging_schemas import (
    ConflictOfInterest,
    ConflictRead,
    EntryRead,
    MyRound,
    ProgressCell,
    ProgressMatrix,
    ProgressRow,
    RoundNotScoring,
    RoundRead,
    ScoreInput,
    ScoreRead,
    entry_read,
    score_read,
)
from roadshows.panel import list_judges
from roadshows.rounds import locked_round, round_read, transaction
from roadshows.tables import ContestRound, Criterion, JudgeAssignment, JudgeConflict, Score, Submission

ENTRY_SQL = """
SELECT s.id AS submission_id, s.status AS submission_status, s.category, e.advanced,
       p.id AS project_id, p.name_en, p.name_zh, p.summary_en, p.summary_zh, p.sector, p.stage,
       p.region, p.team, p.website, p.video_url, p.deck_file, u.display_name AS owner_name
FROM luyan_round_entry e
JOIN luyan_submission s ON s.id = e.submission
JOIN luyan_project p ON p.id = s.project
JOIN luyan_user u ON u.id = p.owner
WHERE e.round = {}
"""


async def entry_rows(round_id: int, submission_id: int | None = None) -> list[dict[str, Any]]:
    """The round's entries with their projects, ordered by project name."""
    if submission_id is None:
        return await ContestRound.raw(ENTRY_SQL + " ORDER BY p.name_en, s.id", round_id)
    return await ContestRound.raw(ENTRY_SQL + " AND s.id = {}", round_id, submission_id)


async def conflicted_projects(judge_id: int, project_ids: list[int]) -> set[int]:
    if not project_ids:
        return set()
    rows = await JudgeConflict.select(JudgeConflict.project).where(
        (JudgeConflict.judge == judge_id) & JudgeConflict.project.is_in(project_ids)
    )
    return {r["project"] for r in rows}


async def my_totals(judge_id: int, round_id: int) -> dict[int, float]:
    rows = await Score.select(Score.submission, Score.total).where(
        (Score.round == round_id) & (Score.judge == judge_id)
    )
    return {r["submission"]: r["total"] for r in rows}


async def _viewer(user: CurrentUser, round_id: int) -> tuple[dict[str, Any], bool, bool]:
    """The round, and whether ``user`` sees it as its organiser and/or as a judge on its panel."""
    try:
        return await organiser_round(user, round_id), True, await is_judge(user.id, round_id)
    except NotFound:
        return await judge_round(user, round_id), False, True


async def round_entries(user: CurrentUser, round_id: int) -> list[EntryRead]:
    """Organisers see every entry in full; judges see theirs with their own score state."""
    row, organiser, judge = await _viewer(user, round_id)
    rows = await entry_rows(round_id)
    reveal = organiser or not row["blind"]
    entries = [entry_read(r, reveal_team=reveal, organiser=organiser) for r in rows]
    if organiser:
        counts: dict[int, int] = {}
        for s in await Score.select(Score.submission).where(Score.round == round_id):
            counts[s["submission"]] = counts.get(s["submission"], 0) + 1
        for entry in entries:
            entry.scores_count = counts.get(entry.submission_id, 0)
    if judge:
        conflicts = await conflicted_projects(user.id, [e.project_id for e in entries])
        totals = await my_totals(user.id, round_id)
        for entry in entries:
            if entry.project_id in conflicts:
                entry.my_state = "conflict"
            elif entry.submission_id in totals:
                entry.my_state, entry.my_total = "scored", totals[entry.submission_id]
            else:
                entry.my_state = "pending"
    return entries


async def judge_entry(
    user: CurrentUser, round_id: int, submission_id: int
) -> tuple[dict[str, Any], EntryRead]:
    """One entry of a round on ``user``'s panel, as that judge sees it."""
    row = await judge_round(user, round_id)
    rows = await entry_rows(round_id, submission_id)
    if not rows:
        raise NotFound()
    entry = entry_read(rows[0], reveal_team=not row["blind"], organiser=False)
    if await has_conflict(user.id, entry.project_id):
        entry.my_state = "conflict"
    return row, entry


STATUS_ORDER = {"scoring": 0, "draft": 1, "closed": 2, "published": 3}


async def my_rounds(user: CurrentUser) -> list[MyRound]:
    rows = (
        await JudgeAssignment.select(
            JudgeAssignment.round.all_columns(),
            JudgeAssignment.round.call.title_en.as_alias("call_title_en"),
            JudgeAssignment.round.call.title_zh.as_alias("call_title_zh"),
            JudgeAssignment.round.call.event.as_alias("event_id"),
            JudgeAssignment.round.call.event.title_en.as_alias("event_title_en"),
            JudgeAssignment.round.call.event.title_zh.as_alias("event_title_zh"),
        )
        .where(JudgeAssignment.judge == user.id)
        .order_by(JudgeAssignment.id, ascending=False)
    )
    result = []
    for r in rows:
        round_id = r["round.id"]
        entries = await entry_rows(round_id)
        conflicts = await conflicted_projects(user.id, [e["project_id"] for e in entries])
        result.append(
            MyRound(
                id=round_id,
                kind=r["round.kind"],
                name_en=r["round.name_en"],
                name_zh=r["round.name_zh"],
                status=r["round.status"],
                blind=r["round.blind"],
                event_id=r["event_id"],
                event_title_en=r["event_title_en"],
                event_title_zh=r["event_title_zh"],
                call_title_en=r["call_title_en"],
                call_title_zh=r["call_title_zh"],
                scored=len(await my_totals(user.id, round_id)),
                assignable=sum(1 for e in entries if e["project_id"] not in conflicts),
            )
        )
    # Rounds open for scoring first, then the rest; newest assignment first within each.
    result.sort(key=lambda r: STATUS_ORDER.get(r.status, len(STATUS_ORDER)))
    return result


# -- scores ------------------------------------------------------------------------------------
def validated_values(
    values: dict[str, float], criteria: list[dict[str, Any]], scale_min: int, scale_max: int
) -> tuple[dict[str, float], float]:
    """Every criterion scored within the scale; returns the values and their weighted mean."""
    errors: dict[str, str] = {}
    known = {str(c["id"]) for c in criteria}
    for key in values:
        if key not in known:
            errors[f"values.{key}"] = _("This is not a criterion of the round.")
    clean: dict[str, float] = {}
    for c in criteria:
        key, name = str(c["id"]), localized(c["name_en"], c["name_zh"])
        value = values.get(key)
        if value is None:
            errors[f"values.{key}"] = _("Score “%(criterion)s”.") % {"criterion": name}
        elif not scale_min <= value <= scale_max:
            errors[f"values.{key}"] = _("Score “%(criterion)s” from %(low)s to %(high)s.") % {
                "criterion": name,
                "low": scale_min,
                "high": scale_max,
            }
        else:
            clean[key] = value
    if errors:
        raise InvalidInput(errors)
    weights = sum(c["weight"] for c in criteria)
    total = sum(clean[str(c["id"])] * c["weight"] for c in criteria) / weights
    return clean, round(total, 4)


async def _entered_project(round_id: int, submission_id: int) -> int:
    """The project of an entry of the round (404 when the submission is not entered)."""
    from roadshows.tables import RoundEntry

    row = (
        await RoundEntry.select(RoundEntry.submission.project.as_alias("project"))
        .where((RoundEntry.round == round_id) & (RoundEntry.submission == submission_id))
        .first()
    )
    if row is None:
        raise NotFound()
    return row["project"]


async def save_score(user: CurrentUser, round_id: int, submission_id: int, data: ScoreInput) -> ScoreRead:
    await judge_round(user, round_id)
    project_id = await _entered_project(round_id, submission_id)
    async with transaction():
        row = await locked_round(round_id, mode="share")  # a status move or rubric edit waits
        if row["status"] != "scoring":
            raise RoundNotScoring()
        if await has_conflict(user.id, project_id):
            raise ConflictOfInterest()
        criteria = await Criterion.select().where(Criterion.round == round_id)
        values, total = validated_values(data.values, criteria, row["scale_min"], row["scale_max"])
        score = Score(
            round=round_id,
            submission=submission_id,
            judge=user.id,
            values=values,
            total=total,
            comment=data.comment,
        )
        await Score.insert(score).on_conflict(
            target=(Score.round, Score.submission, Score.judge),
            action="DO UPDATE",
            values=[Score.values, Score.total, Score.comment, Score.updated_at],
        )
    emit("judging.scored", round_id=round_id, submission_id=submission_id, judge_id=user.id)
    return await my_score(user, round_id, submission_id)


async def my_score(user: CurrentUser, round_id: int, submission_id: int) -> ScoreRead:
    await judge_round(user, round_id)
    row = (
        await Score.select()
        .where((Score.round == round_id) & (Score.submission == submission_id) & (Score.judge == user.id))
        .first()
    )
    if row is None:
        raise NotFound()
    return score_read(row)


async def round_scores(user: CurrentUser, round_id: int) -> list[ScoreRead]:
    """Every raw score of the round, for its organisers."""
    await organiser_round(user, round_id)
    rows = (
        await Score.select(Score.all_columns(), Score.judge.display_name.as_alias("judge_name"))
        .where(Score.round == round_id)
        .order_by(Score.submission)
        .order_by(Score.judge)
    )
    return [score_read(r, r["judge_name"]) for r in rows]


# -- conflicts of interest ---------------------------------------------------------------------
async def _record_conflict(judge_id: int, round_id: int, project_id: int, reason: str) -> None:
    """Record the conflict and delete the judge's scores of the project in unpublished rounds."""
    async with transaction():
        await locked_round(round_id)  # a score being saved for this round finishes first
        await JudgeConflict.insert(
            JudgeConflict(judge=judge_id, project=project_id, reason=reason)
        ).on_conflict(action="DO NOTHING")
        submissions = [
            r["id"] for r in await Submission.select(Submission.id).where(Submission.project == project_id)
        ]
        scores = await Score.select(
            Score.id, Score.round, Score.submission, Score.round.status.as_alias("status")
        ).where((Score.judge == judge_id) & Score.submission.is_in(submissions))
        removed = [s for s in scores if s["status"] != "published"]
        if removed:
            await Score.delete().where(Score.id.is_in([s["id"] for s in removed]))
    for s in removed:
        emit("judging.score_removed", round_id=s["round"], submission_id=s["submission"], judge_id=judge_id)


async def declare_conflict(user: CurrentUser, round_id: int, submission_id: int, reason: str) -> None:
    """A judge on the panel declares a conflict with the project of one of the round's entries."""
    await judge_round(user, round_id)
    await _record_conflict(user.id, round_id, await _entered_project(round_id, submission_id), reason)


async def record_conflict(
    user: CurrentUser, round_id: int, judge_id: int, submission_id: int, reason: str
) -> list[ConflictRead]:
    """An organiser records a conflict for a judge of the panel."""
    await organiser_round(user, round_id)
    if not await is_judge(judge_id, round_id):
        raise InvalidInput({"judge_id": N_("Choose a judge of this round's panel.")})
    try:
        project_id = await _entered_project(round_id, submission_id)
    except NotFound:
        raise InvalidInput({"submission_id": N_("Choose an entry of this round.")}) from None
    await _record_conflict(judge_id, round_id, project_id, reason)
    return await list_conflicts(user, round_id)


async def list_conflicts(user: CurrentUser, round_id: int) -> list[ConflictRead]:
    """Conflicts between the round's panel and the projects of its entries."""
    await organiser_round(user, round_id)
    panel = [
        r["judge"]
        for r in await JudgeAssignment.select(JudgeAssignment.judge).where(JudgeAssignment.round == round_id)
    ]
    entries = {e["project_id"]: e for e in await entry_rows(round_id)}
    if not panel or not entries:
        return []
    rows = (
        await JudgeConflict.select(
            JudgeConflict.all_columns(), JudgeConflict.judge.display_name.as_alias("judge_name")
        )
        .where(JudgeConflict.judge.is_in(panel) & JudgeConflict.project.is_in(list(entries)))
        .order_by(JudgeConflict.id)
    )
    return [
        ConflictRead(
            id=r["id"],
            judge_id=r["judge"],
            judge_name=r["judge_name"],
            project_id=r["project"],
            submission_id=entries[r["project"]]["submission_id"],
            project_name_en=entries[r["project"]]["name_en"],
            project_name_zh=entries[r["project"]]["name_zh"],
            reason=r["reason"],
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def withdraw_conflict(user: CurrentUser, round_id: int, conflict_id: int) -> None:
    """An organiser removes a conflict recorded by mistake (listed for this round)."""
    if conflict_id not in {c.id for c in await list_conflicts(user, round_id)}:
        raise NotFound()
    await JudgeConflict.delete().where(JudgeConflict.id == conflict_id)


async def progress_matrix(user: CurrentUser, round_id: int) -> ProgressMatrix:
    """Judge x entry: who has scored what (and the total they gave), for the organisers."""

    judges = await list_judges(user, round_id)
    entries = await entry_rows(round_id)
    scores = {
        (s["judge"], s["submission"]): s["total"]
        for s in await Score.select(Score.judge, Score.submission, Score.total).where(Score.round == round_id)
    }
    conflicts: set[tuple[int, int]] = set()
    if judges and entries:
        rows = await JudgeConflict.select(JudgeConflict.judge, JudgeConflict.project).where(
            JudgeConflict.judge.is_in([j.user_id for j in judges])
            & JudgeConflict.project.is_in([e["project_id"] for e in entries])
        )
        conflicts = {(r["judge"], r["project"]) for r in rows}

    def cell(judge_id: int, entry: dict[str, Any]) -> ProgressCell:
        total = scores.get((judge_id, entry["submission_id"]))
        if total is not None:
            return ProgressCell(judge_id=judge_id, state="scored", total=total)
        state = "conflict" if (judge_id, entry["project_id"]) in conflicts else "pending"
        return ProgressCell(judge_id=judge_id, state=state)

    rows_out = [
        ProgressRow(
            submission_id=e["submission_id"],
            name_en=e["name_en"],
            name_zh=e["name_zh"],
            cells=[cell(j.user_id, e) for j in judges],
        )
        for e in entries
    ]
    return ProgressMatrix(judges=judges, rows=rows_out)


async def view_round(user: CurrentUser, round_id: int) -> RoundRead:
    """The round for its organisers, or for a judge of its panel (who sees only their own
    number of scores, never the panel's)."""

    row, organiser, _judge = await _viewer(user, round_id)
    result = await round_read(row, row["event"])
    if not organiser:
        result.scores_count = len(await my_totals(user.id, round_id))
        result.allowed_moves = []
    return result


async def judge_entries(user: CurrentUser, round_id: int) -> list[EntryRead]:
    """The round's entries as a judge of its panel sees them (404 for anyone else)."""
    await judge_round(user, round_id)
    return await round_entries(user, round_id)
