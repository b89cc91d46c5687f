"""Request and response shapes of the judging API (rounds, rubric, entries, panel, conflicts,
scores), the domain errors it answers with (each with a stable ``code``), and the functions
turning table rows into responses.

The same schemas validate the organiser's and the judges' HTML forms.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from app.errors import Conflict
from app.i18n import N_

RoundKind = Literal["preliminary", "semi_final", "final"]
RoundStatus = Literal["draft", "scoring", "closed", "published"]
MovableStatus = Literal["draft", "scoring", "closed"]  # "published" belongs to the results
ScoreState = Literal["scored", "pending", "conflict"]
SubmissionStatus = Literal[
    "submitted", "under_review", "shortlisted", "scheduled", "pitched", "awarded", "rejected", "withdrawn"
]

KIND_ORDER: dict[str, int] = {"preliminary": 0, "semi_final": 1, "final": 2}
SCALE_LOWEST, SCALE_HIGHEST = 0, 100
COMMENT_MAX = 4000

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
OptionalName = Annotated[str, msgspec.Meta(max_length=120)]
Description = Annotated[str, msgspec.Meta(max_length=2000)]
ScalePoint = Annotated[int, msgspec.Meta(ge=SCALE_LOWEST, le=SCALE_HIGHEST)]
AdvanceCount = Annotated[int, msgspec.Meta(ge=0, le=10_000)]
Weight = Annotated[float, msgspec.Meta(gt=0, le=1000)]
Position = Annotated[int, msgspec.Meta(ge=0, le=10_000)]
Comment = Annotated[str, msgspec.Meta(max_length=COMMENT_MAX)]
Reason = Annotated[str, msgspec.Meta(max_length=2000)]
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254)]


# -- errors ------------------------------------------------------------------------------------
class InvalidRoundMove(Conflict):
    code, message = "invalid_transition", N_("The round cannot move to this status from its current one.")


class RoundOrder(Conflict):
    code, message = (
        "round_order",
        N_("Rounds go preliminary, semi-final, final: this kind cannot come after the existing rounds."),
    )


class RubricLocked(Conflict):
    code, message = (
        "rubric_locked",
        N_("Judges have already scored this round: its rubric and scale are fixed."),
    )


class NoRubric(Conflict):
    code, message = "no_rubric", N_("Add at least one criterion before scoring starts.")


class RoundPublished(Conflict):
    code, message = "round_published", N_("The results of this round are published: it can no longer change.")


class RoundNotScoring(Conflict):
    code, message = "round_not_scoring", N_("This round is not open for scoring.")


class EntryScored(Conflict):
    code, message = "entry_scored", N_("This entry already has scores and cannot be removed.")


class JudgeHasScores(Conflict):
    code, message = "judge_has_scores", N_("This judge has already scored entries and cannot be removed.")


class ConflictOfInterest(Conflict):
    code, message = "conflict_of_interest", N_("You declared a conflict of interest with this project.")


class RoundNotEmpty(Conflict):
    code, message = "round_not_empty", N_("Only a draft round without scores can be deleted.")


# -- rounds ------------------------------------------------------------------------------------
class RoundCreate(msgspec.Struct, forbid_unknown_fields=True):
    kind: RoundKind
    name_en: Name
    name_zh: OptionalName = ""
    blind: bool = False
    scale_min: ScalePoint = 1
    scale_max: ScalePoint = 10
    advance_count: AdvanceCount = 0


class RoundUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name_en: Name | UnsetType = UNSET
    name_zh: OptionalName | UnsetType = UNSET
    blind: bool | UnsetType = UNSET
    scale_min: ScalePoint | UnsetType = UNSET
    scale_max: ScalePoint | UnsetType = UNSET
    advance_count: AdvanceCount | UnsetType = UNSET


class RoundMove(msgspec.Struct, forbid_unknown_fields=True):
    status: MovableStatus


class CriterionRead(msgspec.Struct):
    id: int
    round_id: int
    name_en: str
    name_zh: str
    description_en: str
    description_zh: str
    weight: float
    position: int


class RoundRead(msgspec.Struct):
    id: int
    call_id: int
    event_id: int
    kind: RoundKind
    position: int
    name_en: str
    name_zh: str
    status: RoundStatus
    blind: bool
    scale_min: int
    scale_max: int
    advance_count: int
    published_at: dt.datetime | None
    created_at: dt.datetime
    criteria: list[CriterionRead]
    allowed_moves: list[str]  # statuses an organiser may move it to now
    entries_count: int
    judges_count: int
    scores_count: int


class MyRound(msgspec.Struct):
    """A round on whose panel I sit, with how far I got."""

    id: int
    kind: RoundKind
    name_en: str
    name_zh: str
    status: RoundStatus
    blind: bool
    event_id: int
    event_title_en: str
    event_title_zh: str
    call_title_en: str
    call_title_zh: str
    scored: int
    assignable: int  # entries minus those I have a conflict with


# -- rubric ------------------------------------------------------------------------------------
class CriterionCreate(msgspec.Struct, forbid_unknown_fields=True):
    name_en: Name
    name_zh: OptionalName = ""
    description_en: Description = ""
    description_zh: Description = ""
    weight: Weight = 1.0
    position: Position | None = None  # at the end when missing


class CriterionUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name_en: Name | UnsetType = UNSET
    name_zh: OptionalName | UnsetType = UNSET
    description_en: Description | UnsetType = UNSET
    description_zh: Description | UnsetType = UNSET
    weight: Weight | UnsetType = UNSET
    position: Position | UnsetType = UNSET


class CriteriaOrder(msgspec.Struct, forbid_unknown_fields=True):
    criterion_ids: list[int]  # every criterion of the round, in the wanted order


# -- entries -----------------------------------------------------------------------------------
class EntriesAdd(msgspec.Struct, forbid_unknown_fields=True):
    """Either ``submission_ids`` or ``all_with_status`` (every submission of the call in it)."""

    submission_ids: list[int] = []
    all_with_status: SubmissionStatus | None = None


class TeamMember(msgspec.Struct):
    name: str
    role: str = ""


class EntryRead(msgspec.Struct, omit_defaults=True):
    """A project in a round. Team, owner and website are left out for judges of a blind round;
    ``my_*`` fields are there for judges, ``scores_count`` and ``submission_status`` for organisers."""

    submission_id: int
    project_id: int
    name_en: str
    name_zh: str
    summary_en: str
    summary_zh: str
    sector: str
    stage: str
    region: str
    category: str
    has_deck: bool
    deck_url: str | None = None
    team: list[TeamMember] | None = None
    owner_name: str | None = None
    website: str | None = None
    video_url: str | None = None
    my_state: ScoreState | None = None
    my_total: float | None = None
    submission_status: str | None = None
    scores_count: int | None = None
    advanced: bool | None = None


# -- panel and conflicts -----------------------------------------------------------------------
class JudgeAdd(msgspec.Struct, forbid_unknown_fields=True):
    """The judge's account: by ``email`` or by ``user_id``."""

    email: Email | None = None
    user_id: int | None = None


class JudgeRead(msgspec.Struct):
    user_id: int
    display_name: str
    email: str
    scored: int
    assignable: int
    conflicts: int
    assigned_at: dt.datetime


class ConflictDeclare(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason = ""


class ConflictRecord(msgspec.Struct, forbid_unknown_fields=True):
    """An organiser records a conflict on a judge's behalf."""

    judge_id: int
    submission_id: int
    reason: Reason = ""


class ConflictRead(msgspec.Struct):
    id: int
    judge_id: int
    judge_name: str
    project_id: int
    submission_id: int
    project_name_en: str
    project_name_zh: str
    reason: str
    created_at: dt.datetime


# -- scores ------------------------------------------------------------------------------------
class ScoreInput(msgspec.Struct, forbid_unknown_fields=True):
    values: dict[str, float]  # criterion id -> a value on the round's scale
    comment: Comment = ""


class ScoreRead(msgspec.Struct):
    round_id: int
    submission_id: int
    judge_id: int
    values: dict[str, float]
    total: float
    comment: str
    created_at: dt.datetime
    updated_at: dt.datetime
    judge_name: str | None = None  # in the organiser's list


class ProgressCell(msgspec.Struct):
    judge_id: int
    state: ScoreState
    total: float | None = None


class ProgressRow(msgspec.Struct):
    submission_id: int
    name_en: str
    name_zh: str
    cells: list[ProgressCell]  # in the order of ``ProgressMatrix.judges``


class ProgressMatrix(msgspec.Struct):
    judges: list[JudgeRead]
    rows: list[ProgressRow]


# -- rows to responses -------------------------------------------------------------------------
# Where a judge downloads a pitch deck (served by the decks area, which checks the panel and
# conflicts itself).
DECK_URL = "/api/v1/projects/{project_id}/deck"


def criterion_read(row: dict[str, Any]) -> CriterionRead:
    return CriterionRead(
        id=row["id"],
        round_id=row["round"],
        name_en=row["name_en"],
        name_zh=row["name_zh"],
        description_en=row["description_en"],
        description_zh=row["description_zh"],
        weight=row["weight"],
        position=row["position"],
    )


def _team(value: Any) -> list[TeamMember]:
    members = json.loads(value) if isinstance(value, str) else value or []
    return [
        TeamMember(name=str(m.get("name", "")), role=str(m.get("role", "")))
        for m in members
        if isinstance(m, dict)
    ]


def entry_read(row: dict[str, Any], *, reveal_team: bool, organiser: bool) -> EntryRead:
    entry = EntryRead(
        submission_id=row["submission_id"],
        project_id=row["project_id"],
        name_en=row["name_en"],
        name_zh=row["name_zh"],
        summary_en=row["summary_en"],
        summary_zh=row["summary_zh"],
        sector=row["sector"],
        stage=row["stage"],
        region=row["region"],
        category=row["category"],
        has_deck=bool(row["deck_file"]),
        deck_url=DECK_URL.format(project_id=row["project_id"]) if row["deck_file"] else None,
    )
    if reveal_team:
        entry.team = _team(row["team"])
        entry.owner_name = row["owner_name"]
        entry.website = row["website"]
        entry.video_url = row["video_url"]
    if organiser:
        entry.submission_status = row["submission_status"]
        entry.advanced = bool(row["advanced"])
    return entry


def score_read(row: dict[str, Any], judge_name: str | None = None) -> ScoreRead:
    values = json.loads(row["values"]) if isinstance(row["values"], str) else row["values"] or {}
    return ScoreRead(
        round_id=row["round"],
        submission_id=row["submission"],
        judge_id=row["judge"],
        values={str(k): float(v) for k, v in values.items()},
        total=row["total"],
        comment=row["comment"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        judge_name=judge_name,
    )
