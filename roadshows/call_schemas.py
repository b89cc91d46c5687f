"""Request and response shapes of the pitch calls API (and of the organiser's call forms)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from events.schemas import Label, OptionalLabel, OptionalTitle, QuestionKind, QuestionOption, Text, Title

CallStatus = Literal["draft", "open", "closed"]
Key = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Deadline = Annotated[dt.datetime, msgspec.Meta(tz=True)]  # an instant: with its UTC offset


class CallCategory(msgspec.Struct, forbid_unknown_fields=True):
    key: Key
    en: Label
    zh: OptionalLabel = ""


class CallQuestion(msgspec.Struct, forbid_unknown_fields=True):
    """An extra question, shaped like an event's registration question, named by ``key``."""

    key: Key
    kind: QuestionKind
    label_en: Label
    label_zh: OptionalLabel = ""
    required: bool = False
    options: Annotated[list[QuestionOption], msgspec.Meta(max_length=100)] = []


Categories = Annotated[list[CallCategory], msgspec.Meta(max_length=50)]
Questions = Annotated[list[CallQuestion], msgspec.Meta(max_length=50)]


class CallCreate(msgspec.Struct, forbid_unknown_fields=True):
    title_en: Title
    deadline: Deadline
    title_zh: OptionalTitle = ""
    description_en: Text = ""
    description_zh: Text = ""
    categories: Categories = []
    questions: Questions = []


class CallUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title_en: Title | UnsetType = UNSET
    title_zh: OptionalTitle | UnsetType = UNSET
    description_en: Text | UnsetType = UNSET
    description_zh: Text | UnsetType = UNSET
    deadline: Deadline | UnsetType = UNSET
    categories: Categories | UnsetType = UNSET
    questions: Questions | UnsetType = UNSET


class CallStatusChange(msgspec.Struct, forbid_unknown_fields=True):
    status: CallStatus


class CallRead(msgspec.Struct):
    id: int
    event_id: int
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    status: CallStatus
    deadline: dt.datetime
    accepting: bool  # open and before the deadline: submissions are taken now
    categories: list[CallCategory]
    questions: list[CallQuestion]
    created_at: dt.datetime
    updated_at: dt.datetime


class OrganiserCallRead(CallRead):
    """A call as its organisers see it: with how many submissions are in each status."""

    allowed_statuses: list[CallStatus] = []
    counts: dict[str, int] = {}
    total: int = 0
