"""Request and response shapes of pitch slots, the run of show and the live leaderboard
(API tag ``pitches``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

Title = Annotated[str, msgspec.Meta(max_length=200)]
Stage = Annotated[str, msgspec.Meta(max_length=120)]
Minutes = Annotated[int, msgspec.Meta(ge=1, le=120)]
Position = Annotated[int, msgspec.Meta(ge=0, le=100_000)]
SlotIds = Annotated[list[int], msgspec.Meta(max_length=1000)]
SlotStatus = Literal["upcoming", "now", "done"]


class SlotCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A pitch (``submission_id``) or a break / announcement (a title, no submission)."""

    submission_id: int | None = None
    title_en: Title = ""
    title_zh: Title = ""
    agenda_session_id: int | None = None
    stage: Stage = ""
    duration_min: Minutes = 7
    position: Position | None = None  # None: at the end of the run of show


class SlotUpdate(msgspec.Struct, forbid_unknown_fields=True):
    submission_id: int | UnsetType | None = UNSET
    title_en: Title | UnsetType = UNSET
    title_zh: Title | UnsetType = UNSET
    agenda_session_id: int | UnsetType | None = UNSET
    stage: Stage | UnsetType = UNSET
    duration_min: Minutes | UnsetType = UNSET


class SlotOrder(msgspec.Struct, forbid_unknown_fields=True):
    """Every slot id of the event, in the new order."""

    slot_ids: SlotIds


class SlotRead(msgspec.Struct):
    id: int
    event_id: int
    position: int
    submission_id: int | None
    project_id: int | None
    project_name_en: str
    project_name_zh: str
    title_en: str
    title_zh: str
    agenda_session_id: int | None
    stage: str
    duration_min: int
    planned_start: dt.datetime
    planned_end: dt.datetime
    status: SlotStatus
    started_at: dt.datetime | None
    ended_at: dt.datetime | None


class PublicSlot(msgspec.Struct):
    """A slot as the audience sees it: no judging data, no submission internals."""

    id: int
    position: int
    kind: Literal["pitch", "break"]
    name_en: str  # the project's name, or the break's title
    name_zh: str
    stage: str
    duration_min: int
    planned_start: dt.datetime
    planned_end: dt.datetime
    status: SlotStatus
    started_at: dt.datetime | None
    ended_at: dt.datetime | None


class RunOfShow(msgspec.Struct):
    event_id: int
    timezone: str
    slots: list[PublicSlot]


class NowPitching(msgspec.Struct):
    slot: PublicSlot
    started_at: dt.datetime
    ends_at: dt.datetime


class ShowState(msgspec.Struct):
    """What the screens show: the slot on stage (with when it ends) and the next one."""

    event_id: int
    now: NowPitching | None
    next: PublicSlot | None
    done: int
    total: int
    server_time: dt.datetime  # lets screens with a wrong clock count down correctly


class ShowStart(msgspec.Struct, forbid_unknown_fields=True):
    slot_id: int


class ShowNext(msgspec.Struct, forbid_unknown_fields=True):
    """``current_slot_id``: the slot the stage manager saw on stage; a double press (or a second
    stage manager) is refused with 409 instead of skipping a pitch."""

    current_slot_id: int | None = None


class ShowReset(msgspec.Struct, forbid_unknown_fields=True):
    slot_id: int | None = None  # None: the whole run of show back to "upcoming"
