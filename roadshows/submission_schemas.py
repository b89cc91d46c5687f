"""Request and response shapes of the submissions API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec

from roadshows.workflow import SubmissionStatus

Note = Annotated[str, msgspec.Meta(max_length=2000)]
Award = Annotated[str, msgspec.Meta(max_length=200)]
CategoryKey = Annotated[str, msgspec.Meta(max_length=40)]


class SubmissionCreate(msgspec.Struct, forbid_unknown_fields=True):
    project_id: int
    category: CategoryKey = ""
    answers: dict[str, Any] = {}  # question key -> text, or option value(s)


class MoveCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A move of a submission. ``from_status``, when given, is the status the mover saw: the move
    is refused (409) if the submission has moved since. ``award_*`` only with ``awarded``."""

    to_status: SubmissionStatus
    note: Note = ""
    from_status: SubmissionStatus | None = None
    award_en: Award = ""
    award_zh: Award = ""


class WithdrawCreate(msgspec.Struct, forbid_unknown_fields=True):
    note: Note = ""


class SubmissionRead(msgspec.Struct):
    id: int
    call_id: int
    event_id: int
    project_id: int
    project_name_en: str
    project_name_zh: str
    category: str
    answers: dict[str, Any]
    status: SubmissionStatus
    award_en: str
    award_zh: str
    submitted_at: dt.datetime
    status_changed_at: dt.datetime
    allowed_moves: list[str]  # what the caller may move it to now


class MySubmission(SubmissionRead):
    """One of my team's submissions, with the call and event it went to."""

    call_title_en: str = ""
    call_title_zh: str = ""
    event_title_en: str = ""
    event_title_zh: str = ""
    event_timezone: str = "Asia/Shanghai"


class SubmissionPage(msgspec.Struct):
    items: list[SubmissionRead]
    total: int  # matching the filters
    page: int
    per_page: int
    counts: dict[str, int]  # the call's submissions per status, whatever the filters


class MoveRead(msgspec.Struct):
    id: int
    submission_id: int
    from_status: str  # "" for the submission itself
    to_status: str
    actor_id: int | None
    actor_name: str
    note: str
    created_at: dt.datetime
