"""The itinerary API (tag ``retreats``): organisers' activities, guests' sign-ups and schedule."""

from __future__ import annotations

from litestar import Request, delete, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from app.auth import current_user, requires_login, requires_organiser
from events.retreats import itinerary
from events.retreats.itinerary_schemas import (
    ActivityCreate,
    ActivityRead,
    ActivityUpdate,
    MySchedule,
    SignupCreate,
    SignupRead,
)

TAGS = ["retreats"]
BASE = "/api/v1/events/{event_id:int}/retreat/activities"
MINE = "/api/v1/me/retreats/{event_id:int}"
TIMES = "Times without an offset are local times in the event's time zone."


@get(BASE, guards=[requires_organiser], tags=TAGS, summary="The event's activities in time order")
async def list_activities(request: Request, event_id: FromPath[int]) -> list[ActivityRead]:
    return await itinerary.list_activities(current_user(request), event_id)


@post(
    BASE,
    guards=[requires_organiser],
    tags=TAGS,
    status_code=HTTP_201_CREATED,
    summary="Add an activity to the programme",
    description=TIMES + " A non-optional activity is for everyone and has no capacity.",
)
async def create_activity(
    request: Request, event_id: FromPath[int], data: JSONBody[ActivityCreate]
) -> ActivityRead:
    return await itinerary.create_activity(current_user(request), event_id, data)


@patch(
    BASE + "/{activity_id:int}",
    guards=[requires_organiser],
    tags=TAGS,
    summary="Change an activity",
    description=TIMES + " 409 `capacity_below_signups` when more people are signed up.",
)
async def update_activity(
    request: Request, event_id: FromPath[int], activity_id: FromPath[int], data: JSONBody[ActivityUpdate]
) -> ActivityRead:
    return await itinerary.update_activity(current_user(request), event_id, activity_id, data)


@delete(
    BASE + "/{activity_id:int}",
    guards=[requires_organiser],
    tags=TAGS,
    status_code=HTTP_204_NO_CONTENT,
    summary="Delete an activity and its sign-ups",
)
async def delete_activity(request: Request, event_id: FromPath[int], activity_id: FromPath[int]) -> None:
    await itinerary.delete_activity(current_user(request), event_id, activity_id)


@get(BASE + "/{activity_id:int}/signups", guards=[requires_organiser], tags=TAGS, summary="Who signed up")
async def list_signups(
    request: Request, event_id: FromPath[int], activity_id: FromPath[int]
) -> list[SignupRead]:
    return await itinerary.signups_of(current_user(request), event_id, activity_id)


@post(
    BASE + "/{activity_id:int}/checkin-list",
    guards=[requires_organiser],
    tags=TAGS,
    status_code=HTTP_201_CREATED,
    summary="Create the activity's check-in list",
    description="A list for the activity's local day, admitting the event's confirmed tickets; "
    "409 `activity_has_checkin_list` if it has one.",
)
async def create_checkin_list(
    request: Request, event_id: FromPath[int], activity_id: FromPath[int]
) -> ActivityRead:
    return await itinerary.create_checkin_list(current_user(request), event_id, activity_id)


@get(MINE + "/schedule", guards=[requires_login], tags=TAGS, summary="My party's day-by-day schedule")
async def my_schedule(request: Request, event_id: FromPath[int]) -> MySchedule:
    return await itinerary.my_schedule(current_user(request), event_id)


@post(
    MINE + "/activities/{activity_id:int}/signups",
    guards=[requires_login],
    tags=TAGS,
    status_code=HTTP_204_NO_CONTENT,
    summary="Sign me or a companion up for an optional activity",
    description="409 `activity_full`, `already_signed_up`, `activity_not_optional`, "
    "`activity_started`, `schedule_clash`.",
)
async def sign_up(
    request: Request, event_id: FromPath[int], activity_id: FromPath[int], data: JSONBody[SignupCreate]
) -> None:
    await itinerary.sign_up(current_user(request), event_id, activity_id, data.registration_id)


@delete(
    MINE + "/activities/{activity_id:int}/signups/{registration_id:int}",
    guards=[requires_login],
    tags=TAGS,
    status_code=HTTP_204_NO_CONTENT,
    summary="Cancel a sign-up",
)
async def cancel_signup(
    request: Request, event_id: FromPath[int], activity_id: FromPath[int], registration_id: FromPath[int]
) -> None:
    await itinerary.cancel_signup(current_user(request), event_id, activity_id, registration_id)


ROUTES = [
    list_activities,
    create_activity,
    update_activity,
    delete_activity,
    list_signups,
    create_checkin_list,
    my_schedule,
    sign_up,
    cancel_signup,
]
