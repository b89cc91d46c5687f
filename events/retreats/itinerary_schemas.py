"""Request and response shapes of a retreat's itinerary (tag ``retreats``).

Times without an offset are local times in the event's time zone; responses are UTC."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

ActivityKind = Literal["lecture", "excursion", "medical", "meal", "other"]
ACTIVITY_KINDS: tuple[str, ...] = ("lecture", "excursion", "medical", "meal", "other")
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
OptionalText = Annotated[str, msgspec.Meta(max_length=200)]
Vehicle = Annotated[str, msgspec.Meta(max_length=60)]
Capacity = Annotated[int, msgspec.Meta(ge=1, le=100_000)]


class ActivityCreate(msgspec.Struct, forbid_unknown_fields=True):
    title_en: Title
    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: ActivityKind = "lecture"
    title_zh: OptionalText = ""
    location_en: OptionalText = ""
    location_zh: OptionalText = ""
    optional: bool = True  # people sign up; otherwise the whole event attends
    capacity: Capacity | None = None  # None: no limit
    vehicle: Vehicle = ""


class ActivityUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title_en: Title | UnsetType = UNSET
    starts_at: dt.datetime | UnsetType = UNSET
    ends_at: dt.datetime | UnsetType = UNSET
    kind: ActivityKind | UnsetType = UNSET
    title_zh: OptionalText | UnsetType = UNSET
    location_en: OptionalText | UnsetType = UNSET
    location_zh: OptionalText | UnsetType = UNSET
    optional: bool | UnsetType = UNSET
    capacity: Capacity | UnsetType | None = UNSET
    vehicle: Vehicle | UnsetType = UNSET


class ActivityRead(msgspec.Struct):
    id: int
    event_id: int
    kind: str
    title_en: str
    title_zh: str
    location_en: str
    location_zh: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    optional: bool
    capacity: int | None
    taken: int
    free: int | None  # None: no limit
    vehicle: str
    checkin_list_id: int | None


class SignupCreate(msgspec.Struct, forbid_unknown_fields=True):
    registration_id: int


class SignupRead(msgspec.Struct):
    activity_id: int
    registration_id: int
    name: str
    created_at: dt.datetime


class PersonItem(msgspec.Struct):
    """An activity as one person sees it on their schedule."""

    activity: ActivityRead
    signed_up: bool  # for optional activities; everyone attends the others
    state: Literal["everyone", "signed_up", "open", "full", "started"]


class PersonSchedule(msgspec.Struct):
    registration_id: int
    name: str
    role: str  # guest | companion
    items: list[PersonItem]


class MySchedule(msgspec.Struct):
    event_id: int
    timezone: str
    people: list[PersonSchedule]
