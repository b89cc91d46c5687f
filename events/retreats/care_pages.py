"""Care pages: the organisers' care list (with the permission), permissions and the access log
(owners), and the guest's own form for their party's needs on a phone.

Viewing the organisers' page is a logged ``list`` read with the permission and a logged
refusal without it; the page then says that care data exists and who can grant access.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.auth import current_user, requires_login, requires_organiser
from app.db import fast
from app.errors import InvalidInput, NotFound
from app.forms import convert_form, read_form
from app.i18n import N_, _
from app.templating import page, set_flash
from events.access import organiser_event
from events.page_helpers import translated_errors
from events.retreats import care
from events.retreats.care_schemas import ROLE_LABELS, CareRecordInput

ORGANISER_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_organiser]}
GUEST_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_login]}
LOG_PAGE = 100
ACTION_LABELS = {
    "list": N_("Viewed the list"),
    "read": N_("Viewed a person"),
    "update": N_("Changed"),
    "export": N_("Exported"),
    "refused": N_("Refused"),
    "granted": N_("Permission granted"),
    "revoked": N_("Permission revoked"),
}


def care_url(event_id: int) -> str:
    return f"/dashboard/events/{event_id}/retreat/care"


def my_care_url(event_id: int) -> str:
    """The guest's care form; the party page links here."""
    return f"/me/retreats/{event_id}/care"


def _labels() -> dict[str, Any]:
    return {
        "action_labels": {k: _(v) for k, v in ACTION_LABELS.items()},
        "role_labels": {k: _(v) for k, v in ROLE_LABELS.items()},
    }


# -- organisers --------------------------------------------------------------------------------
async def _organiser_page(
    request: Request,
    event_id: int,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    section: str | None = None,
) -> Template:
    user = current_user(request)
    event = await care.organiser_or_logged(user, event_id, "care page")
    info = await care.overview(user, event_id)
    if info.may_read:
        people = await care.list_care(user, event_id, "care page")
    else:
        people = None
        await care.log_access(event_id, user.id, "refused", "care page")
    return await page(
        request,
        "retreats/care/organiser.html",
        status,
        event=event,
        info=info,
        people=people,
        permissions=await care.list_permissions(user, event_id),
        candidates=await care.grant_candidates(event) if info.may_grant else [],
        errors=errors or {},
        values=values or {},
        section=section,
        **_labels(),
    )


@get("/dashboard/events/{event_id:int}/retreat/care", **ORGANISER_OPTS)
async def organiser_care_page(request: Request, event_id: FromPath[int]) -> Template:
    return await _organiser_page(request, event_id)


@post("/dashboard/events/{event_id:int}/retreat/care/people/{registration_id:int}", **ORGANISER_OPTS)
async def organiser_care_save(
    request: Request, event_id: FromPath[int], registration_id: FromPath[int]
) -> Template | Redirect:
    user = current_user(request)
    raw = await read_form(request)
    form, errors = convert_form(raw, CareRecordInput)
    if form is None:
        await organiser_event(user, event_id)
        return await _organiser_page(request, event_id, 422, errors, raw, f"person-{registration_id}")
    await care.update_care(user, event_id, registration_id, form)
    set_flash(request, _("The care record was saved."))
    return Redirect(care_url(event_id) + f"#person-{registration_id}", status_code=303)


@post("/dashboard/events/{event_id:int}/retreat/care/permissions", **ORGANISER_OPTS)
async def grant_page(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)
    raw = await read_form(request)
    try:
        await care.grant(user, event_id, int(str(raw.get("user_id", "")).strip() or 0))
    except (InvalidInput, ValueError) as exc:
        errors = translated_errors(exc.errors) if isinstance(exc, InvalidInput) else {}
        errors = errors or {"user_id": _("Choose a member of the event's organisation.")}
        return await _organiser_page(request, event_id, 422, errors, raw, "permissions")
    set_flash(request, _("The care permission was granted."))
    return Redirect(care_url(event_id) + "#permissions", status_code=303)


@post("/dashboard/events/{event_id:int}/retreat/care/permissions/{user_id:int}/revoke", **ORGANISER_OPTS)
async def revoke_page(request: Request, event_id: FromPath[int], user_id: FromPath[int]) -> Redirect:
    await care.revoke(current_user(request), event_id, user_id)
    set_flash(request, _("The care permission was revoked."))
    return Redirect(care_url(event_id) + "#permissions", status_code=303)


@get("/dashboard/events/{event_id:int}/retreat/care/log", **ORGANISER_OPTS)
async def care_log_page(
    request: Request, event_id: FromPath[int], page_number: FromQuery[int] = 1
) -> Template:
    user = current_user(request)
    event = await organiser_event(user, event_id)
    number = max(page_number, 1)
    log = await care.access_log(user, event_id, LOG_PAGE, (number - 1) * LOG_PAGE)
    return await page(
        request,
        "retreats/care/log.html",
        event=event,
        log=log,
        page_number=number,
        pages=max((log.total + LOG_PAGE - 1) // LOG_PAGE, 1),
        **_labels(),
    )


# -- the guest ---------------------------------------------------------------------------------
async def _guest_page(
    request: Request,
    event_id: int,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    section: int | None = None,
) -> Template:
    user = current_user(request)
    people = await care.my_care(user, event_id)  # 404 unless I have a place at the event
    event = await fast().fetchrow("SELECT id, title_en, title_zh FROM luyan_event WHERE id = $1", event_id)
    if event is None:
        raise NotFound()
    return await page(
        request,
        "retreats/care/mine.html",
        status,
        event=event,
        people=people,
        errors=errors or {},
        values=values or {},
        section=section,
        **_labels(),
    )


@get("/me/retreats/{event_id:int}/care", **GUEST_OPTS)
async def my_care_page(request: Request, event_id: FromPath[int]) -> Template:
    return await _guest_page(request, event_id)


@post("/me/retreats/{event_id:int}/care/{registration_id:int}", **GUEST_OPTS)
async def my_care_save(
    request: Request, event_id: FromPath[int], registration_id: FromPath[int]
) -> Template | Redirect:
    raw = await read_form(request)
    form, errors = convert_form(raw, CareRecordInput)
    if form is None:
        return await _guest_page(request, event_id, 422, errors, raw, registration_id)
    await care.save_my_care(current_user(request), event_id, registration_id, form)
    set_flash(request, _("Thank you: the needs were saved and will be treated confidentially."))
    return Redirect(my_care_url(event_id) + f"#person-{registration_id}", status_code=303)


ROUTES = [
    organiser_care_page,
    organiser_care_save,
    grant_page,
    revoke_page,
    care_log_page,
    my_care_page,
    my_care_save,
]
