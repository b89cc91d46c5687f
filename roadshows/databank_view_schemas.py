"""Response and request shapes of a databank project's detail view and of the investors' tools
(watchlist, private notes, introduction requests) and the team's view log.

A teaser leaves the full-detail fields ``UNSET``, so they are absent from its JSON (not
``null``): a client cannot mistake "hidden" for "empty".
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from roadshows.project_schemas import TeamPerson, Visibility

Access = Literal["teaser", "full"]
IntroductionStatus = Literal["pending", "accepted", "declined", "withdrawn"]

NoteBody = Annotated[str, msgspec.Meta(max_length=20_000)]
IntroductionMessage = Annotated[str, msgspec.Meta(min_length=1, max_length=2_000)]


class OriginEvent(msgspec.Struct):
    """The event where the project was pitched (when the listing came from a submission)."""

    id: int
    title_en: str
    title_zh: str


class DeckLink(msgspec.Struct):
    name: str
    size: int
    url: str


class IntroductionBrief(msgspec.Struct):
    id: int
    status: IntroductionStatus
    created_at: dt.datetime


class ViewerState(msgspec.Struct):
    """What the signed-in investor has done with this project."""

    following: bool
    has_note: bool
    introduction: IntroductionBrief | None  # the newest request of my institution(s)
    may_request_introduction: bool


class DatabankProjectRead(msgspec.Struct):
    id: int
    access: Access
    visibility: Visibility
    name_en: str
    name_zh: str
    summary_en: str
    summary_zh: str
    sector: str
    stage: str
    region: str
    country: str
    funding_sought: int
    currency: str
    team: list[TeamPerson]
    published_at: dt.datetime
    event: OriginEvent | None
    award_en: str
    award_zh: str
    is_team: bool  # the viewer is on the project's team (a preview of the listing)
    viewer: ViewerState | UnsetType = UNSET
    # -- full details (absent from a teaser) --
    financials_en: str | UnsetType = UNSET
    financials_zh: str | UnsetType = UNSET
    contact_name: str | UnsetType = UNSET
    contact_email: str | UnsetType = UNSET
    contact_phone: str | UnsetType = UNSET
    website: str | UnsetType = UNSET
    video_url: str | UnsetType = UNSET
    deck: DeckLink | UnsetType | None = UNSET


# -- watchlist and notes ---------------------------------------------------------------------
class FollowRead(msgspec.Struct):
    project_id: int
    following: bool
    since: dt.datetime | None


class WatchlistItem(msgspec.Struct):
    project_id: int
    name_en: str
    name_zh: str
    listed: bool  # still in the databank and visible to me
    sector: str
    stage: str
    region: str
    funding_sought: int
    currency: str
    followed_at: dt.datetime
    has_note: bool


class NoteWrite(msgspec.Struct, forbid_unknown_fields=True):
    body: NoteBody


class NoteRead(msgspec.Struct):
    project_id: int
    body: str  # "" when there is no note
    updated_at: dt.datetime | None


# -- introductions ---------------------------------------------------------------------------
class IntroductionCreate(msgspec.Struct, forbid_unknown_fields=True):
    message: IntroductionMessage
    institution_id: int | None = None  # needed only by members of several institutions


class TeamContact(msgspec.Struct):
    name: str
    email: str
    phone: str


class RequesterContact(msgspec.Struct):
    name: str
    email: str


class InvestorIntroductionRead(msgspec.Struct):
    """An introduction request as the requesting institution's members see it."""

    id: int
    project_id: int
    project_name_en: str
    project_name_zh: str
    institution_id: int
    institution_name_en: str
    institution_name_zh: str
    requested_by_name: str
    message: str
    status: IntroductionStatus
    created_at: dt.datetime
    decided_at: dt.datetime | None
    team_contact: TeamContact | None  # only once accepted


class TeamIntroductionRead(msgspec.Struct):
    """An introduction request as the project's team sees it."""

    id: int
    project_id: int
    institution_id: int
    institution_name_en: str
    institution_name_zh: str
    message: str
    status: IntroductionStatus
    created_at: dt.datetime
    decided_at: dt.datetime | None
    requester: RequesterContact | None  # only once accepted


# -- view log --------------------------------------------------------------------------------
class InstitutionViews(msgspec.Struct):
    institution_id: int
    name_en: str
    name_zh: str
    views: int
    days: int  # distinct days with a view
    first_seen: dt.datetime
    last_seen: dt.datetime


class DayViews(msgspec.Struct):
    day: str  # YYYY-MM-DD (UTC)
    views: int


class ViewLogRead(msgspec.Struct):
    project_id: int
    total_views: int
    institutions: list[InstitutionViews]
    per_day: list[DayViews]  # the last ``days`` days, oldest first, zeros included
