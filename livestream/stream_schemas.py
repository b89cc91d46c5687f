"""Request and response shapes of the livestream API (tag ``livestream``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
OptionalTitle = Annotated[str, msgspec.Meta(max_length=200)]
Url = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
OptionalUrl = Annotated[str, msgspec.Meta(max_length=2000)]
PlayerKind = Literal["hls", "embed"]  # an HLS playlist (.m3u8) played by hls.js, or a provider's embed page
StreamStatus = Literal["upcoming", "live", "ended"]
STATUSES: tuple[str, ...] = ("upcoming", "live", "ended")
PLAYER_KINDS: tuple[str, ...] = ("hls", "embed")


class StreamCreate(msgspec.Struct, forbid_unknown_fields=True):
    title_en: Title
    player_url: Url
    starts_at: dt.datetime
    ends_at: dt.datetime
    title_zh: OptionalTitle = ""
    player_kind: PlayerKind = "hls"
    replay_url: OptionalUrl = ""
    agenda_session_id: int | None = None  # a stream of one session; none: the whole event
    status: StreamStatus = "upcoming"


class StreamUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title_en: Title | UnsetType = UNSET
    title_zh: OptionalTitle | UnsetType = UNSET
    player_kind: PlayerKind | UnsetType = UNSET
    player_url: Url | UnsetType = UNSET
    replay_url: OptionalUrl | UnsetType = UNSET
    starts_at: dt.datetime | UnsetType = UNSET
    ends_at: dt.datetime | UnsetType = UNSET
    agenda_session_id: int | UnsetType | None = UNSET
    status: StreamStatus | UnsetType = UNSET


class StreamRead(msgspec.Struct):
    id: int
    event_id: int
    agenda_session_id: int | None
    title_en: str
    title_zh: str
    player_kind: str
    player_url: str
    replay_url: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    went_live_at: dt.datetime | None
    ended_at: dt.datetime | None
    peak_viewers: int
    peak_at: dt.datetime | None
    viewer_url: str  # the public viewer page
    created_at: dt.datetime
    updated_at: dt.datetime


class AudienceNow(msgspec.Struct):
    """The live figures of a stream: people watching now (distinct viewers), the peak, and how
    many people are checked in at the venue."""

    stream_id: int
    event_id: int
    status: str
    online: int
    peak: int
    onsite: int


class MinuteSample(msgspec.Struct):
    minute: dt.datetime  # start of the UTC minute
    viewers: int  # most viewers online at once during that minute


class StreamReport(msgspec.Struct):
    """After (or during) a stream: its audience in figures and minute by minute."""

    stream_id: int
    status: str
    peak_viewers: int
    peak_at: dt.datetime | None
    unique_viewers: int
    average_watch_seconds: int
    total_watch_seconds: int
    minutes: list[MinuteSample]


class LiveStreamAudience(msgspec.Struct):
    """A stream now live (or about to start) with its audience, for the organiser's dashboard."""

    stream_id: int
    event_id: int
    title_en: str
    title_zh: str
    event_title_en: str
    event_title_zh: str
    status: str
    online: int
    peak: int
    onsite: int
    at: dt.datetime  # when these figures were read
