"""The care-data API (tag ``retreats``).

Organisers of the event without a care permission get **403** ``care_permission_required``
(the refusal is logged); people who do not organise the event get 404, as for any event of
another organisation. Every allowed read is logged.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Request, Response, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from app.auth import current_user, requires_login, requires_organiser
from app.i18n import _, localized
from events.exports import CSV_BOM, _csv_lines
from events.retreats import care
from events.retreats.care_schemas import (
    ROLE_LABELS,
    CareLogPage,
    CareOverview,
    CarePermissionCreate,
    CarePermissionRead,
    CareRead,
    CareRecordInput,
)

TAGS = ["retreats"]
BASE = "/api/v1/events/{event_id:int}/retreat/care"
MINE = "/api/v1/me/retreats/{event_id:int}/care"
Limit = Annotated[int, QueryParameter(ge=1, le=500)]
Offset = Annotated[int, QueryParameter(ge=0)]
REFUSAL = "403 `care_permission_required` without a care permission (logged as a refusal)."


@get(
    BASE + "/overview",
    guards=[requires_organiser],
    tags=TAGS,
    summary="Whether care data exists (any organiser; no content)",
)
async def care_overview(request: Request, event_id: FromPath[int]) -> CareOverview:
    return await care.overview(current_user(request), event_id)


@get(
    BASE,
    guards=[requires_organiser],
    tags=TAGS,
    summary="Care data of everyone who has some (care permission; logged)",
    description=REFUSAL,
)
async def list_care(request: Request, event_id: FromPath[int]) -> list[CareRead]:
    return await care.list_care(current_user(request), event_id, "api: care list")


def care_csv(people: list[CareRead], names: dict[int, str]) -> bytes:
    """One row per person and care answer column, headers in the requester's language."""
    labels: dict[int, str] = {}
    for person in people:
        for answer in person.answers:
            labels.setdefault(answer.question_id, localized(answer.label_en, answer.label_zh))
    headers = [
        _("Name"),
        _("Role"),
        _("Party of"),
        _("Dietary requirements"),
        _("Mobility"),
        _("Medical notes"),
    ]
    rows = [[*headers, *labels.values()]]
    for p in people:
        given = {a.question_id: a.answer for a in p.answers}
        party = names.get(p.guest_registration_id or 0, "")
        rows.append(
            [
                p.name,
                _(ROLE_LABELS[p.role]),
                party,
                p.dietary,
                p.mobility,
                p.medical,
                *(given.get(q, "") for q in labels),
            ]
        )
    return (CSV_BOM + _csv_lines(rows)).encode("utf-8")


@get(
    BASE + "/export.csv",
    guards=[requires_organiser],
    tags=TAGS,
    summary="Care data as CSV for the care team (care permission; logged as an export)",
    description=REFUSAL,
    response_description="The file, as an attachment.",
)
async def export_care(request: Request, event_id: FromPath[int]) -> Response[bytes]:
    user = current_user(request)
    everyone = list((await care.care_for(user, event_id, None, "care csv")).values())
    names = {p.registration_id: p.name for p in everyone if p.role == "guest"}
    people = [p for p in everyone if not p.is_empty]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d")
    return Response(
        care_csv(people, names),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="care-{event_id}-{stamp}.csv"'},
    )


@get(
    BASE + "/{registration_id:int}",
    guards=[requires_organiser],
    tags=TAGS,
    summary="One person's care data (care permission; logged)",
    description=REFUSAL,
)
async def read_care(request: Request, event_id: FromPath[int], registration_id: FromPath[int]) -> CareRead:
    return await care.read_care(current_user(request), event_id, registration_id)


@put(
    BASE + "/{registration_id:int}",
    guards=[requires_organiser],
    tags=TAGS,
    summary="Change one person's care record (care permission; logged)",
    description=REFUSAL,
)
async def update_care(
    request: Request, event_id: FromPath[int], registration_id: FromPath[int], data: JSONBody[CareRecordInput]
) -> CareRead:
    return await care.update_care(current_user(request), event_id, registration_id, data)


@get(
    BASE + "/permissions",
    guards=[requires_organiser],
    tags=TAGS,
    summary="Who holds a care permission for the event",
)
async def list_permissions(request: Request, event_id: FromPath[int]) -> list[CarePermissionRead]:
    return await care.list_permissions(current_user(request), event_id)


@post(
    BASE + "/permissions",
    guards=[requires_organiser],
    tags=TAGS,
    status_code=HTTP_201_CREATED,
    summary="Grant a care permission (owners and platform admins)",
    description="403 `care_owners_only` for other organisers; 422 if the person is not a member "
    "of the event's organisation. Granting twice changes nothing.",
)
async def grant_permission(
    request: Request, event_id: FromPath[int], data: JSONBody[CarePermissionCreate]
) -> list[CarePermissionRead]:
    return await care.grant(current_user(request), event_id, data.user_id)


@delete(
    BASE + "/permissions/{user_id:int}",
    guards=[requires_organiser],
    tags=TAGS,
    status_code=HTTP_204_NO_CONTENT,
    summary="Revoke a care permission (owners and platform admins)",
)
async def revoke_permission(request: Request, event_id: FromPath[int], user_id: FromPath[int]) -> None:
    await care.revoke(current_user(request), event_id, user_id)


@get(
    BASE + "/log",
    guards=[requires_organiser],
    tags=TAGS,
    summary="The care access log, newest first (owners and platform admins)",
)
async def care_log(
    request: Request, event_id: FromPath[int], limit: Limit = 100, offset: Offset = 0
) -> CareLogPage:
    return await care.access_log(current_user(request), event_id, limit, offset)


@get(MINE, guards=[requires_login], tags=TAGS, summary="My party's care needs, as I entered them")
async def my_care(request: Request, event_id: FromPath[int]) -> list[CareRead]:
    return await care.my_care(current_user(request), event_id)


@put(
    MINE + "/{registration_id:int}",
    guards=[requires_login],
    tags=TAGS,
    summary="Enter or change my or a companion's care needs",
)
async def save_my_care(
    request: Request, event_id: FromPath[int], registration_id: FromPath[int], data: JSONBody[CareRecordInput]
) -> CareRead:
    return await care.save_my_care(current_user(request), event_id, registration_id, data)


ROUTES = [
    care_overview,
    list_care,
    read_care,
    update_care,
    export_care,
    list_permissions,
    grant_permission,
    revoke_permission,
    care_log,
    my_care,
    save_my_care,
]
