"""Request and response schemas of rankings, advancement, publication and public results."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

RoundStatus = Literal["draft", "scoring", "closed", "published"]


class RankingCriterion(msgspec.Struct, frozen=True):
    id: int
    name_en: str
    name_zh: str
    weight: float
    position: int


class ScoreBucket(msgspec.Struct, frozen=True):
    """A bar of the score histogram: judges' totals from ``low`` up to ``high``."""

    low: float
    high: float
    label: str
    count: int


class RankingRow(msgspec.Struct, frozen=True):
    submission_id: int
    project_id: int
    project_name_en: str
    project_name_zh: str
    team_name: str  # the project owner's display name: hide it when ``blind`` and not an organiser
    judges_count: int
    mean: float | None
    median: float | None
    normalised: float | None
    normalised_on_scale: float | None
    rank: int | None  # None: nobody scored this entry
    incomplete: bool
    advanced: bool


class RoundRanking(msgspec.Struct, frozen=True):
    round_id: int
    call_id: int
    kind: str
    name_en: str
    name_zh: str
    status: RoundStatus
    blind: bool
    published: bool  # ranks and final scores are frozen
    scale_min: int
    scale_max: int
    advance_count: int
    panel_size: int
    scores_count: int
    criteria: list[RankingCriterion]
    rows: list[RankingRow]
    distribution: list[ScoreBucket]


class AdvanceRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Either the best ``top`` entries (everyone tied at the cut-off goes too) or a hand-picked list."""

    top: Annotated[int, msgspec.Meta(ge=1, le=10_000)] | None = None
    submission_ids: Annotated[list[int], msgspec.Meta(min_length=1, max_length=10_000)] | None = None


class AdvanceResult(msgspec.Struct, frozen=True):
    round_id: int
    next_round_id: int
    advanced: list[int]  # submission ids that go on (including ones already there)
    added: list[int]  # of those, entries newly created in the next round
    tied_at_cutoff: list[int]  # with ``top``: entries sharing the last place that goes through
    cutoff_rank: int | None


class PublishResult(msgspec.Struct, frozen=True):
    round_id: int
    status: RoundStatus
    published_at: dt.datetime
    ranked: int  # entries with a frozen rank


class PublicEntry(msgspec.Struct, frozen=True):
    rank: int | None
    project_id: int
    project_name_en: str
    project_name_zh: str
    final_score: float | None
    award_en: str
    award_zh: str
    advanced: bool


class PublicRound(msgspec.Struct, frozen=True):
    round_id: int
    call_id: int
    call_title_en: str
    call_title_zh: str
    kind: str
    name_en: str
    name_zh: str
    scale_min: int
    scale_max: int
    published_at: dt.datetime | None
    entries: list[PublicEntry]


class PublicResults(msgspec.Struct, frozen=True):
    event_id: int
    rounds: list[PublicRound]
