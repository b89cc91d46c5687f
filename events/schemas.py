"""Request and response shapes of the events API (and of the organiser's HTML forms).

Datetimes may carry an offset (``2026-05-01T09:00:00+08:00``); without one they are read in
the event's own time zone. Responses always carry UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

EventKind = Literal["roadshow", "conference", "contest", "retreat"]
EventStatus = Literal["draft", "published", "closed", "cancelled"]
QuestionKind = Literal["text", "single", "multiple"]
SalesState = Literal["not_open", "open", "closed"]

KINDS: tuple[str, ...] = ("roadshow", "conference", "contest", "retreat")

Slug = Annotated[str, msgspec.Meta(min_length=2, max_length=120, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
OptionalTitle = Annotated[str, msgspec.Meta(max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=20_000)]
Place = Annotated[str, msgspec.Meta(max_length=200)]
City = Annotated[str, msgspec.Meta(max_length=100)]
TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
OptionalName = Annotated[str, msgspec.Meta(max_length=120)]
Capacity = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
Position = Annotated[int, msgspec.Meta(ge=0, le=10_000)]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
OptionalLabel = Annotated[str, msgspec.Meta(max_length=300)]
Speaker = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Code = Annotated[str, msgspec.Meta(min_length=4, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]


# -- events ----------------------------------------------------------------------------------
class EventCreate(msgspec.Struct, forbid_unknown_fields=True):
    organisation_id: int
    kind: EventKind
    title_en: Title
    starts_at: dt.datetime
    ends_at: dt.datetime
    title_zh: OptionalTitle = ""
    description_en: Text = ""
    description_zh: Text = ""
    venue_en: Place = ""
    venue_zh: Place = ""
    city_en: City = ""
    city_zh: City = ""
    timezone: TimeZone = "Asia/Shanghai"
    slug: Slug | None = None  # generated from the English title when missing
    invitation_only: bool = False
    waitlist_enabled: bool = True


class EventUpdate(msgspec.Struct, forbid_unknown_fields=True):
    kind: EventKind | UnsetType = UNSET
    title_en: Title | UnsetType = UNSET
    title_zh: OptionalTitle | UnsetType = UNSET
    description_en: Text | UnsetType = UNSET
    description_zh: Text | UnsetType = UNSET
    venue_en: Place | UnsetType = UNSET
    venue_zh: Place | UnsetType = UNSET
    city_en: City | UnsetType = UNSET
    city_zh: City | UnsetType = UNSET
    timezone: TimeZone | UnsetType = UNSET
    starts_at: dt.datetime | UnsetType = UNSET
    ends_at: dt.datetime | UnsetType = UNSET
    slug: Slug | UnsetType = UNSET
    invitation_only: bool | UnsetType = UNSET
    waitlist_enabled: bool | UnsetType = UNSET


class EventSummary(msgspec.Struct):
    id: int
    organisation_id: int
    slug: str
    kind: EventKind
    status: EventStatus
    title_en: str
    title_zh: str
    venue_en: str
    venue_zh: str
    city_en: str
    city_zh: str
    timezone: str
    starts_at: dt.datetime
    ends_at: dt.datetime


class EventRead(EventSummary):
    description_en: str
    description_zh: str
    invitation_only: bool
    waitlist_enabled: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None
    allowed_transitions: list[EventStatus] = []


class EventPage(msgspec.Struct):
    """One page of a listing; ``total`` counts every match."""

    items: list[EventSummary]
    total: int
    page: int
    per_page: int


class RegistrationCounts(msgspec.Struct):
    confirmed: int = 0
    waitlisted: int = 0
    pending: int = 0
    offered: int = 0


class DashboardEvent(EventSummary):
    counts: RegistrationCounts


class DashboardPage(msgspec.Struct):
    items: list[DashboardEvent]
    total: int
    page: int
    per_page: int


# -- agenda ----------------------------------------------------------------------------------
class AgendaSessionCreate(msgspec.Struct, forbid_unknown_fields=True):
    title_en: Title
    starts_at: dt.datetime
    ends_at: dt.datetime
    title_zh: OptionalTitle = ""
    room: OptionalName = ""
    speakers: Annotated[list[Speaker], msgspec.Meta(max_length=50)] = []


class AgendaSessionUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title_en: Title | UnsetType = UNSET
    title_zh: OptionalTitle | UnsetType = UNSET
    starts_at: dt.datetime | UnsetType = UNSET
    ends_at: dt.datetime | UnsetType = UNSET
    room: OptionalName | UnsetType = UNSET
    speakers: Annotated[list[Speaker], msgspec.Meta(max_length=50)] | UnsetType = UNSET


class AgendaSessionRead(msgspec.Struct):
    id: int
    event_id: int
    title_en: str
    title_zh: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: str
    speakers: list[str]


# -- ticket types ----------------------------------------------------------------------------
class TicketTypeCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Free tickets for now: paid ones arrive with the payments gateway."""

    name_en: Name
    capacity: Capacity
    name_zh: OptionalName = ""
    requires_approval: bool = False
    sales_start: dt.datetime | None = None
    sales_end: dt.datetime | None = None
    position: Position = 0


class TicketTypeUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name_en: Name | UnsetType = UNSET
    name_zh: OptionalName | UnsetType = UNSET
    capacity: Capacity | UnsetType = UNSET
    requires_approval: bool | UnsetType = UNSET
    sales_start: dt.datetime | UnsetType | None = UNSET
    sales_end: dt.datetime | UnsetType | None = UNSET
    position: Position | UnsetType = UNSET


class TicketTypeRead(msgspec.Struct):
    id: int
    event_id: int
    name_en: str
    name_zh: str
    capacity: int
    taken: int
    available: int
    price_cents: int
    currency: str
    requires_approval: bool
    sales_start: dt.datetime | None
    sales_end: dt.datetime | None
    sales_state: SalesState
    position: int


# -- questions -------------------------------------------------------------------------------
class QuestionOption(msgspec.Struct, forbid_unknown_fields=True):
    value: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    en: Label
    zh: OptionalLabel = ""


class QuestionCreate(msgspec.Struct, forbid_unknown_fields=True):
    kind: QuestionKind
    label_en: Label
    label_zh: OptionalLabel = ""
    required: bool = False
    options: Annotated[list[QuestionOption], msgspec.Meta(max_length=100)] = []
    position: Position = 0
    care: bool = False  # health, mobility or dietary: answers are care data (retreats)


class QuestionUpdate(msgspec.Struct, forbid_unknown_fields=True):
    kind: QuestionKind | UnsetType = UNSET
    label_en: Label | UnsetType = UNSET
    label_zh: OptionalLabel | UnsetType = UNSET
    required: bool | UnsetType = UNSET
    options: Annotated[list[QuestionOption], msgspec.Meta(max_length=100)] | UnsetType = UNSET
    position: Position | UnsetType = UNSET
    care: bool | UnsetType = UNSET


class QuestionRead(msgspec.Struct):
    id: int
    event_id: int
    kind: QuestionKind
    label_en: str
    label_zh: str
    required: bool
    options: list[QuestionOption]
    position: int
    care: bool = False


# -- invitation codes ------------------------------------------------------------------------
class InvitationCodeCreate(msgspec.Struct, forbid_unknown_fields=True):
    """``count`` random codes, or exactly one chosen ``code``."""

    max_uses: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 1
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""
    count: Annotated[int, msgspec.Meta(ge=1, le=500)] = 1
    code: Code | None = None


class InvitationCodeUpdate(msgspec.Struct, forbid_unknown_fields=True):
    max_uses: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | UnsetType = UNSET
    note: Annotated[str, msgspec.Meta(max_length=200)] | UnsetType = UNSET


class InvitationCodeRead(msgspec.Struct):
    id: int
    event_id: int
    code: str
    max_uses: int
    used: int
    note: str
    created_at: dt.datetime


# -- staff -----------------------------------------------------------------------------------
class StaffAdd(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    role: Literal["checkin"] = "checkin"


class StaffRead(msgspec.Struct):
    id: int
    event_id: int
    user_id: int
    email: str
    display_name: str
    role: str
    created_at: dt.datetime
